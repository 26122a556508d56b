import type { CommandSpec, ParsedArgs } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, str } from '../command.ts';
import { clientNatsUrl } from '../nats-url.ts';
import { streamFor, withClient, type Client } from '../client.ts';
import { redactText } from '../../config/redact.ts';
import { MemoryView } from '../../operations/exceptions/memory-view.ts';
import { STATES, type ActionKind, type ExceptionFilter, type ExceptionState, type WorkItem } from '../../operations/exceptions/model.ts';
import { actionRequest, performAction, recordExceptionAction } from '../../operations/exceptions/actions.ts';
import { auditedOperatorActions } from '../../operations/operator-actions.ts';
import { isBad } from '../../operations/http-input.ts';

const ACTIONS_HERE = ['list', 'show', 'ack', 'assign', 'resolve', 'reopen'] as const;

export const exceptionsCommand: CommandSpec = {
  name: 'exceptions',
  summary: 'List, show and work business exceptions (acknowledge, assign, resolve, reopen)',
  usage: 'crossdock exceptions list [--type T] [--partner P] [--channel C] [--warehouse W] [--state S] [--assignee A] | show ID | ack ID | assign ID --to NAME | resolve ID --note TEXT | reopen ID',
  details:
    'A business exception (a message on exceptions.<type>.<partner>) is a work item: open, then\n' +
    'acknowledged, then resolved with a note; it can be assigned and reopened. Its ID is its\n' +
    'sequence in the EXCEPTIONS stream. Actions are published to the WORKBENCH stream with who\n' +
    'did them (--actor, default $USER), the same way as the runner\'s POST /v1/exceptions/ID/ACTION,\n' +
    'and every runner folds them into the same state. A repeat of an action already taken\n' +
    'changes nothing; an action the state does not allow (ack of a resolved one) exits 1.',
  options: {
    nats: commonOptions.nats,
    data: commonOptions.data,
    type: { type: 'string', value: 'TYPE', description: 'list: only this exception type (e.g. late-ack)' },
    partner: { type: 'string', value: 'NAME', description: 'list: only this partner' },
    channel: { type: 'string', value: 'NAME', description: 'list: only this channel' },
    warehouse: { type: 'string', value: 'NAME', description: 'list: only this warehouse' },
    state: { type: 'string', value: 'STATE', description: 'list: only open, acknowledged or resolved' },
    assignee: { type: 'string', value: 'NAME', description: 'list: only those assigned to NAME' },
    limit: { type: 'string', value: 'N', description: 'list: at most N, newest first', default: '100' },
    to: { type: 'string', value: 'NAME', description: 'assign: who owns it from now on' },
    note: { type: 'string', value: 'TEXT', description: 'ack/assign/reopen: a note; resolve: the resolution (required)' },
    actor: { type: 'string', value: 'NAME', description: 'Who acts (default: $USER)' },
    json: { type: 'boolean', description: 'JSON output' },
  },
  positionals: { min: 1, max: 2 },
  async run(args) {
    const [action, idText] = args.positionals as [string, string | undefined];
    if (!(ACTIONS_HERE as readonly string[]).includes(action)) throw new UsageError(`unknown exceptions action '${action}' (${ACTIONS_HERE.join(', ')})`);
    if (action === 'list' && idText !== undefined) throw new UsageError(`exceptions list takes no ID (got '${idText}')`);
    if (action !== 'list' && idText === undefined) throw new UsageError(`exceptions ${action} takes an ID (see exceptions list)`);
    const id = idText === undefined ? 0 : parseId(idText);
    const filter = action === 'list' ? filterOf(args) : {};
    const limit = positiveInt(str(args, 'limit') as string, '--limit');
    const url = clientNatsUrl(str(args, 'nats'), str(args, 'data') as string);
    return withClient(url, async (client) => {
      const view = await openView(client);
      if (action === 'list') return list(view, filter, limit, flag(args, 'json'));
      if (action === 'show') return show(client, view, id, flag(args, 'json'));
      return act(client, view, action as ActionKind, id, args);
    });
  },
};

async function openView(client: Client): Promise<MemoryView> {
  const ex = await streamFor(client.jsm, 'exceptions.any.any');
  const wb = await streamFor(client.jsm, 'workbench.exceptions.1');
  if (!ex) throw new CommandError('no stream captures exceptions.> (is this a Crossdock system? see pipelines/streams.yaml)');
  if (!wb) throw new CommandError('no stream captures workbench.>: declare WORKBENCH in pipelines/streams.yaml and start the runner once');
  const view = new MemoryView(client.js, client.jsm, ex, wb);
  await view.catchUp();
  return view;
}

function filterOf(args: ParsedArgs): ExceptionFilter {
  const f: Record<string, string> = {};
  for (const k of ['type', 'partner', 'channel', 'warehouse', 'state', 'assignee']) {
    const v = str(args, k);
    if (v === undefined) continue;
    if (v === '') throw new UsageError(`--${k} needs a value`);
    f[k] = v;
  }
  if (f.state !== undefined && !STATES.includes(f.state as ExceptionState)) throw new UsageError(`--state must be one of ${STATES.join(', ')}, not '${f.state}'`);
  return f as ExceptionFilter;
}

function list(view: MemoryView, filter: ExceptionFilter, limit: number, json: boolean): number {
  const rows = view.tables.list(filter, limit);
  if (json) {
    process.stdout.write(JSON.stringify(rows.map(({ history: _h, ...r }) => r), null, 2) + '\n');
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write(`no exceptions${Object.keys(filter).length ? ' matching the filters' : ''}\n`);
    return 0;
  }
  const table = rows.map((r) => [String(r.id), r.raisedAt.replace('T', ' ').slice(0, 19), r.state, r.type, r.partner || '-', r.channel ?? '-', r.warehouse ?? '-', r.assignee ?? '-', truncate(r.reason ?? '', 70)]);
  const head = ['ID', 'RAISED (UTC)', 'STATE', 'TYPE', 'PARTNER', 'CHANNEL', 'WAREHOUSE', 'ASSIGNEE', 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const fmt = (row: readonly string[]): string => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  process.stdout.write([fmt(head), ...table.map(fmt)].join('\n') + `\n${rows.length} exception(s)${rows.length === limit ? ` (the newest ${limit}; --limit for more)` : ''}\n`);
  return 0;
}

async function show(client: Client, view: MemoryView, id: number, json: boolean): Promise<number> {
  const item = view.get(id);
  if (!item) throw new CommandError(`no exception ${id}`);
  const stored = await client.jsm.streams.getMessage(view.exceptionsStream, { seq: id }).catch(() => null);
  const bodyText = stored ? redactText(new TextDecoder().decode(stored.data)) : undefined;
  if (json) {
    let body: unknown = bodyText;
    try {
      if (bodyText !== undefined) body = JSON.parse(bodyText);
    } catch {
      // Not JSON: shown as text.
    }
    process.stdout.write(JSON.stringify({ ...item, ...(body !== undefined ? { body } : {}) }, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(describe(item) + (bodyText !== undefined ? `body:\n${bodyText}\n` : ''));
  return 0;
}

function describe(item: WorkItem): string {
  const lines = [`exception ${item.id}: ${item.type} for ${item.partner || '-'} (${item.state})`, `  subject     ${item.subject}`, `  raised      ${item.raisedAt}${item.raisedBy ? ` by ${item.raisedBy}` : ''}`];
  const add = (name: string, v: string | undefined): void => {
    if (v !== undefined) lines.push(`  ${name.padEnd(11)} ${v}`);
  };
  add('channel', item.channel);
  add('warehouse', item.warehouse);
  add('document', item.documentType);
  add('keys', item.keys ? JSON.stringify(item.keys) : undefined);
  add('deadline', item.deadline);
  add('reason', item.reason);
  add('assignee', item.assignee);
  add('resolved', item.resolvedAt ? `${item.resolvedAt} by ${item.resolvedBy}${item.resolutionNote ? `: ${item.resolutionNote}` : ''}` : undefined);
  if (item.history.length > 0) {
    lines.push('  history');
    for (const h of item.history) lines.push(`    ${h.at}  ${h.action.padEnd(7)} ${h.actor}${h.assignee ? ` → ${h.assignee}` : ''}${h.note ? `: ${h.note}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

async function act(client: Client, view: MemoryView, action: ActionKind, id: number, args: ParsedArgs): Promise<number> {
  const actor = str(args, 'actor') ?? process.env.USER ?? '';
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(actor)) throw new UsageError(actor ? `--actor '${actor}' must be 1-64 of A-Z a-z 0-9 _ . @ -` : 'who is acting? give --actor NAME (no $USER is set)');
  const body: Record<string, unknown> = {};
  if (str(args, 'note') !== undefined) body.note = str(args, 'note');
  if (str(args, 'to') !== undefined) {
    if (action !== 'assign') throw new UsageError('--to is for exceptions assign');
    body.assignee = str(args, 'to');
  }
  const req = actionRequest(action, id, actor, body);
  if (isBad(req)) throw new UsageError(`--${req.field === 'assignee' ? 'to' : req.field}: ${req.error.replace(/^assignee/, '--to')}`);
  const out = await performAction({ js: client.js, jsm: client.jsm, exceptionsStream: view.exceptionsStream, workbenchStream: view.workbenchStream, items: view }, req);
  if (out.status === 200 || out.status === 202) {
    const auditStream = out.changed ? await streamFor(client.jsm, 'audit.operator-action.any') : undefined;
    const auditError = auditStream ? await recordExceptionAction(auditedOperatorActions(client.js, client.jsm, auditStream), actor, action, view.exceptionsStream, out.item, req.note) : undefined;
    if (auditError) process.stderr.write(`warning: the action was taken but not recorded in the audit log: ${auditError}\n`);
    if (flag(args, 'json')) process.stdout.write(JSON.stringify({ changed: out.changed, item: out.item }, null, 2) + '\n');
    else process.stdout.write(out.changed ? `exception ${id}: ${pastTense(action, out.item)} by ${actor}\n` : `exception ${id} is already ${out.item.state}${action === 'assign' ? ` and assigned to ${out.item.assignee}` : ''}; nothing changed\n`);
    return 0;
  }
  throw new CommandError(out.error);
}

function pastTense(action: ActionKind, item: WorkItem): string {
  if (action === 'ack') return 'acknowledged';
  if (action === 'assign') return `assigned to ${item.assignee}`;
  if (action === 'resolve') return 'resolved';
  return 'reopened';
}

function parseId(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`'${text}' is not an exception ID (a sequence number, see exceptions list)`);
  return n;
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw new UsageError(`${name} takes a whole number above 0, not '${text}'`);
  return n;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}
