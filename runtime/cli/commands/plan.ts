import type { CommandSpec } from '../command.ts';
import { CommandError, commonOptions, str } from '../command.ts';
import { GitError } from '../../review/git.ts';
import { planProject } from '../../review/plan.ts';

export const planCommand: CommandSpec = {
  name: 'plan',
  summary: 'What a change does when deployed: Markdown for a pull request',
  usage: 'crossdock plan [--base REF] [--pipelines DIR] [--format markdown|json]',
  // 2 is the answer "something breaks": a CI job must not read a typo as that.
  usageExitCode: 1,
  details: [
    'Compiles the project at REF (default: the merge base of HEAD with main, or origin/main) and in',
    'the work tree, runs every fixture through both, and reports: pipelines, consumers and streams',
    'added, removed or changed, field by field; run-time effects (a renamed durable replays or',
    'skips, a changed deliver policy or filter subject, a stream whose subjects or limits shrink, an',
    'output that loses its consumer); schema compatibility; fixture outputs that differ, as JSON',
    'diffs. The work tree is not touched: the base is read from git into a temporary folder.',
    '',
    'Exit 0 when nothing breaks, 2 when something breaking was found, 1 on an error (including a',
    'work tree that does not compile, or a mistake in the command line).',
  ].join('\n'),
  options: {
    base: { type: 'string', value: 'REF', description: 'Revision to compare with (commit, branch, tag)' },
    pipelines: commonOptions.pipelines,
    format: { type: 'string', value: 'FORMAT', description: 'markdown for a pull-request comment, json for machines', default: 'markdown' },
  },
  async run(args) {
    const format = str(args, 'format');
    if (format !== 'markdown' && format !== 'json') throw new CommandError(`--format must be markdown or json, not '${format}'`);
    let result;
    try {
      const base = str(args, 'base');
      result = await planProject({ cwd: process.cwd(), pipelines: str(args, 'pipelines') as string, ...(base === undefined ? {} : { base }) });
    } catch (err) {
      if (err instanceof GitError) throw new CommandError(err.message);
      throw err;
    }
    process.stdout.write(format === 'json' ? JSON.stringify(result.report, null, 2) + '\n' : result.markdown);
    return result.exitCode;
  },
};
