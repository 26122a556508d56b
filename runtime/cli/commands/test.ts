import type { CommandSpec } from '../command.ts';
import { commonOptions, str } from '../command.ts';
import { loadProject } from '../../compile/project.ts';
import { formatDiagnostic } from '../../config/diagnostics.ts';
import { redactText } from '../../config/redact.ts';
import { runFixtureFile, type FixtureResult } from '../../fixture-tests/fixtures.ts';

export const testCommand: CommandSpec = {
  name: 'test',
  summary: "Run the pipelines' fixture tests, offline",
  usage: 'crossdock test [--pipelines DIR] [PATHS…]',
  details:
    'Runs every *.test.yaml beside the pipelines (or only those under PATHS) through the same code the\n' +
    'runner uses, without a server, and prints each test and a final "N passed, N failed" line.\nExit 1 on any failure.',
  options: { pipelines: commonOptions.pipelines },
  positionals: { min: 0, max: -1 },
  async run(args) {
    const project = loadProject(str(args, 'pipelines') as string);
    const paths = args.positionals;
    const files = project.testFiles.filter((f) => paths.length === 0 || paths.some((p) => f.file === p || f.file.startsWith(p.replace(/\/?$/, '/')) || f.file.endsWith(p)));
    const results: FixtureResult[] = [];
    for (const f of files) results.push(...(await runFixtureFile(f, project, project.diagnostics)));
    for (const d of project.diagnostics.sorted()) process.stderr.write(formatDiagnostic(d) + '\n');
    let passed = 0;
    let failed = 0;
    for (const r of results) {
      if (r.problems.length === 0) {
        passed++;
        process.stdout.write(`  ok    ${r.pipeline} › ${r.name}\n`);
      } else {
        failed++;
        process.stdout.write(`  FAIL  ${r.pipeline} › ${r.name}  (${r.file}:${r.line})\n`);
        // A problem shows actual output, which a mapping may have filled from a `${VAR}`.
        for (const p of r.problems) process.stdout.write(`          ${redactText(p)}\n`);
      }
    }
    const errors = project.diagnostics.errorCount;
    process.stdout.write(`${passed} passed, ${failed} failed${errors ? `, ${errors} error(s) in the project` : ''}\n`);
    return failed > 0 || errors > 0 || (results.length === 0 && paths.length > 0) ? 1 : 0;
  },
};
