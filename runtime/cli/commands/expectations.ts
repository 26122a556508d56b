import type { CommandSpec } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, str } from '../command.ts';
import { loadOrReport } from '../project-loading.ts';
import { ExpectationStore, expectationsDir } from '../../operations/expectations/store.ts';
import { itemOf, type ExpectationItem } from '../../operations/expectations/service.ts';
import { MAX_LIMIT } from '../../operations/expectations/http.ts';

export const expectationsCommand: CommandSpec = {
  name: 'expectations',
  summary: 'Show business SLAs: open and late expectations',
  usage: 'crossdock expectations [--name N] [--late] [--limit N] [--json]',
  details:
    'Reads the expectations view in the data folder (read-only; safe while the runner writes it): for\n' +
    'each expectation of the project, how many are open, closed in time and late, then the open ones\n' +
    '(or with --late the late ones), earliest deadline first. The same data as GET /v1/expectations.',
  options: {
    pipelines: commonOptions.pipelines,
    data: commonOptions.data,
    name: { type: 'string', value: 'N', description: 'Only this expectation' },
    late: { type: 'boolean', description: 'List the late ones instead of the open ones' },
    limit: { type: 'string', value: 'N', description: `How many to list (1 to ${MAX_LIMIT})`, default: '50' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  positionals: { max: 0 },
  async run(args) {
    const project = loadOrReport(str(args, 'pipelines') as string);
    if (!project) return 1;
    const set = project.expectations;
    if (!set) throw new CommandError(`the project in ${str(args, 'pipelines')} declares no expectations (a YAML file with a top-level \`expectations:\` key)`);
    const name = str(args, 'name');
    if (name !== undefined && !set.expectations.some((e) => e.name === name)) {
      throw new UsageError(`no expectation named '${name}' (known: ${set.expectations.map((e) => e.name).join(', ')})`);
    }
    const limit = Number(str(args, 'limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new UsageError(`--limit takes a whole number from 1 to ${MAX_LIMIT}, not '${str(args, 'limit')}'`);
    const data = str(args, 'data') as string;
    const store = ExpectationStore.openReadOnly(data);
    if (!store) throw new CommandError(`no expectations view in ${expectationsDir(data)}: start \`crossdock run\` with this project (or pass --data)`);
    try {
      const state = flag(args, 'late') ? 'late' : 'open';
      const summary = set.expectations.filter((e) => name === undefined || e.name === name).map((e) => ({ name: e.name, within: e.within, ...store.totals(e.name) }));
      const items = store.list(state, name, limit).map(itemOf);
      if (flag(args, 'json')) process.stdout.write(JSON.stringify({ expectations: summary, state, items }, null, 2) + '\n');
      else process.stdout.write(render(summary, state, items));
    } finally {
      await store.close();
    }
    return 0;
  },
};

function render(summary: readonly { name: string; within: string; open: number; closed: number; late: number }[], state: string, items: readonly ExpectationItem[]): string {
  const row = (cells: readonly (string | number | undefined)[], widths: readonly number[]): string => cells.map((c, i) => String(c ?? '-').padEnd(widths[i] ?? 12)).join('  ').trimEnd();
  const w1 = [24, 8, 6, 15, 5];
  const out = [row(['expectation', 'within', 'open', 'closed in time', 'late'], w1)];
  for (const s of summary) out.push(row([s.name, s.within, s.open, s.closed, s.late], w1));
  out.push('');
  if (items.length === 0) {
    out.push(`no ${state} expectations`);
    return out.join('\n') + '\n';
  }
  const w2 = [24, 28, 14, 24, 24];
  out.push(row(['expectation', 'key', 'partner', 'opened', 'deadline'], w2));
  for (const i of items) out.push(row([i.expectation, i.key, i.partner, i.openedAt, i.deadline], w2));
  return out.join('\n') + '\n';
}
