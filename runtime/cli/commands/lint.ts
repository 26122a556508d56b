import type { CommandSpec } from '../command.ts';
import { UsageError, commonOptions, flag, str } from '../command.ts';
import { RULES, lintProject } from '../../lint/lint.ts';
import { formatDiagnostic } from '../../config/diagnostics.ts';
import { redactText } from '../../config/redact.ts';

export const lintCommand: CommandSpec = {
  name: 'lint',
  summary: 'Check pipelines, mappings, schemas and subjects without a server',
  usage: 'crossdock lint [--pipelines DIR] [--format text|json] [--strict-compile]',
  details: [
    'Parses and compiles every pipeline, stream declaration, mapping and schema, runs the fixture',
    'inputs through their steps, and reports every mistake as file:line:col. Exit 1 when there is an',
    'error; warnings alone exit 0. Besides the spec schema and the references, the rules are:',
    ...RULES.map((r) => `  ${r.name}: ${r.summary}`),
  ].join('\n'),
  options: {
    pipelines: commonOptions.pipelines,
    format: { type: 'string', value: 'FORMAT', description: 'text for people, json for machines', default: 'text' },
    'strict-compile': { type: 'boolean', description: 'Treat a JSONata expression that falls back to the reference evaluator as an error' },
  },
  async run(args) {
    const format = str(args, 'format');
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
    const report = await lintProject(str(args, 'pipelines') as string, { compile: { strictCompile: flag(args, 'strict-compile') } });
    const { project, diagnostics } = report;
    const expressions = project.pipelines.flatMap((p) => p.expressions.map((e) => ({ pipeline: p.name, engine: e.engine, at: e.locate(), fallbackReason: e.fallbackReason === undefined ? undefined : redactText(e.fallbackReason) })));
    const fixtures = { run: report.runs.filter((r) => r.outcome.kind !== 'not-run').length, notRun: report.runs.filter((r) => r.outcome.kind === 'not-run').length };
    if (format === 'json') {
      process.stdout.write(JSON.stringify({ diagnostics, pipelines: project.pipelines.map((p) => p.name), expressions, fixtures }, null, 2) + '\n');
    } else {
      for (const d of diagnostics) process.stdout.write(formatDiagnostic(d) + '\n');
      const compiled = expressions.filter((e) => e.engine === 'compiled').length;
      const errors = report.errorCount;
      const warnings = diagnostics.length - errors;
      process.stdout.write(
        `${project.pipelines.length} pipeline(s), ${project.streams.length} stream(s); ${expressions.length} expression(s), ${compiled} compiled; ` +
          `${errors} error(s), ${warnings} warning(s); ${fixtures.run} fixture(s) run\n`,
      );
    }
    return report.errorCount > 0 ? 1 : 0;
  },
};
