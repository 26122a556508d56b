import type { CommandSpec } from '../command.ts';
import { commonOptions, flag, str } from '../command.ts';
import { loadProject } from '../../compile/project.ts';
import { formatDiagnostic } from '../../spec/diagnostics.ts';

export const lintCommand: CommandSpec = {
  name: 'lint',
  summary: 'Check pipelines, mappings and schemas without a server',
  usage: 'crossdock lint [--pipelines DIR] [--format text|json] [--strict-compile]',
  details: 'Parses and compiles every pipeline, stream declaration, mapping and schema, and reports every\nmistake as file:line:col. Exit 1 when there is an error.',
  options: {
    pipelines: commonOptions.pipelines,
    format: { type: 'string', value: 'FORMAT', description: 'text for people, json for machines', default: 'text' },
    'strict-compile': { type: 'boolean', description: 'Treat a JSONata expression that falls back to the reference evaluator as an error' },
  },
  async run(args) {
    const project = loadProject(str(args, 'pipelines') as string, { compile: { strictCompile: flag(args, 'strict-compile') } });
    const diags = project.diagnostics.sorted();
    const expressions = project.pipelines.flatMap((p) => p.expressions.map((e) => ({ pipeline: p.name, engine: e.engine, at: e.locate(), fallbackReason: e.fallbackReason })));
    if (str(args, 'format') === 'json') {
      process.stdout.write(JSON.stringify({ diagnostics: diags, pipelines: project.pipelines.map((p) => p.name), expressions }, null, 2) + '\n');
    } else {
      for (const d of diags) process.stdout.write(formatDiagnostic(d) + '\n');
      const compiled = expressions.filter((e) => e.engine === 'compiled').length;
      const errors = project.diagnostics.errorCount;
      const warnings = diags.length - errors;
      process.stdout.write(
        `${project.pipelines.length} pipeline(s), ${project.streams.length} stream(s); ${expressions.length} expression(s), ${compiled} compiled; ` +
          `${errors} error(s), ${warnings} warning(s)\n`,
      );
    }
    return project.diagnostics.hasErrors ? 1 : 0;
  },
};
