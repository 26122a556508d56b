import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandSpec, ParsedArgs } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, str } from '../command.ts';
import { loadOrReport } from '../project-loading.ts';
import { rebuildNats } from '../nats-url.ts';
import { createLogger } from '../../observability/logger.ts';
import { TraceDb, traceDir } from '../../operations/trace/store.ts';
import { journeyOf, type Journey, type JourneyHop } from '../../operations/trace/journey.ts';
import { rebuildTraceIndex } from '../../operations/trace/rebuild.ts';
import { traceScope } from '../../operations/trace/service.ts';
import { MAX_KEY_LENGTH } from '../../operations/trace/http.ts';

export const traceCommand: CommandSpec = {
  name: 'trace',
  summary: 'Show the journey of a document by business key, or rebuild the trace index',
  usage: 'crossdock trace KEY [--json] | crossdock trace rebuild',
  details:
    'trace KEY reads the trace index in the data folder directly (read-only; safe while the runner\n' +
    'writes it) and prints every hop of the document the key names, oldest first: time, stream and\n' +
    'sequence, subject, the pipeline that made it, its outcome and the time since the hop before.\n' +
    'KEY is a business key (order number, channel order id, ERP order number, PO number, shipment\n' +
    'id, invoice number, RMA number), a correlation id or a message id. The walk follows the links\n' +
    'between hops (made from, duplicate of) and the business keys each hop carries, so one key finds\n' +
    'the whole journey across correlation ids. No message body is shown.\n\n' +
    'trace rebuild empties the index and folds the streams into it again. Stop the runner first.\n' +
    'Without --nats it starts the embedded server on the data folder\'s store.',
  options: {
    pipelines: commonOptions.pipelines,
    data: commonOptions.data,
    nats: commonOptions.nats,
    json: { type: 'boolean', description: 'Print JSON' },
  },
  positionals: { min: 1, max: 1 },
  async run(args) {
    const data = str(args, 'data') as string;
    const key = (args.positionals[0] as string).trim();
    if (key === 'rebuild') return rebuild(args, data);
    if (key === '' || key.length > MAX_KEY_LENGTH) throw new UsageError(`KEY: give a business key, correlation id or message id of 1 to ${MAX_KEY_LENGTH} characters`);
    if (!existsSync(join(traceDir(data), 'trace.mdb'))) throw new CommandError(`no trace index in ${traceDir(data)}: start \`crossdock run\`, or run \`crossdock trace rebuild\``);
    const db = TraceDb.open(data, { readOnly: true });
    let journey: Journey;
    try {
      journey = journeyOf(db, key);
    } finally {
      await db.close();
    }
    if (flag(args, 'json')) {
      process.stdout.write(JSON.stringify(journey, null, 2) + '\n');
      return journey.hops.length > 0 ? 0 : 1;
    }
    if (journey.hops.length === 0) throw new CommandError(`no hop is indexed under '${key}'`);
    process.stdout.write(render(journey));
    return 0;
  },
};

function render(j: Journey): string {
  const rows = j.hops.map((h) => [h.time.replace('T', ' ').replace('Z', ''), `${h.stream}:${h.seq}`, h.subject, h.pipeline ?? '(from outside)', h.outcome, h.sincePreviousMs === 0 && h === j.hops[0] ? '' : `+${duration(h.sincePreviousMs)}`]);
  const head = ['TIME (UTC)', 'HOP', 'SUBJECT', 'PIPELINE', 'OUTCOME', 'SINCE PREVIOUS'];
  const widths = head.map((t, i) => Math.max(t.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd() + '\n';
  let out = `${j.key} (${j.matchedAs.join(', ')}): ${j.hops.length} hop${j.hops.length === 1 ? '' : 's'} over ${duration(j.spanMs)}${j.truncated ? ' (stopped at the limit; more hops exist)' : ''}\n\n`;
  out += line(head);
  for (const r of rows) out += line(r);
  const notes = j.hops.filter((h): h is JourneyHop & { reason: string } => h.reason !== undefined);
  for (const h of notes) out += `\n${h.stream}:${h.seq} dead-lettered at ${h.step ?? '?'}: ${h.reason}`;
  return notes.length > 0 ? out + '\n' : out;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

async function rebuild(args: ParsedArgs, data: string): Promise<number> {
  const project = loadOrReport(str(args, 'pipelines') as string);
  if (!project) return 1;
  const { nc, close } = await rebuildNats(str(args, 'nats'), data, 'trace index', 'crossdock-trace-rebuild');
  try {
    const result = await rebuildTraceIndex({ nc, scope: traceScope(project.streams, project.layout.schemasDir), dataDir: data, logger: createLogger({ level: 'warn' }) });
    const upTo = Object.entries(result.positions).map(([s, n]) => `${s} ${n}`).join(', ');
    process.stdout.write(`rebuilt ${traceDir(data)}: ${result.hops} hops (up to ${upTo}) in ${(result.ms / 1000).toFixed(1)} s\n`);
    return 0;
  } finally {
    await close();
  }
}
