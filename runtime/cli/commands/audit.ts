import type { CommandSpec, ParsedArgs } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, str } from '../command.ts';
import { clientNatsUrl } from '../nats-url.ts';
import { withClient, type Client } from '../client.ts';
import { AUDIT_STREAM } from '../../operations/audit/entry.ts';
import { AuditIndex, type IndexedEntry } from '../../operations/audit/index-store.ts';
import { IndexFollower } from '../../operations/audit/index-follower.ts';
import { QueryError, parseQuery } from '../../operations/audit/query.ts';
import { verifyChain } from '../../operations/audit/verify.ts';
import { isNotFound } from '../../transport/streams.ts';

export const auditCommand: CommandSpec = {
  name: 'audit',
  summary: 'Query the audit log by key, partner, kind and time; verify its hash chain',
  usage: 'crossdock audit [--key K] [--partner P] [--kind KIND] [--since T] [--until T] [--limit N] [--json] | audit verify [--json]',
  details:
    'The audit log records partner transactions in and out, inventory adjustments, financial\n' +
    'postings (invoices), ERP postings and operator actions, append-only, in blocks of records\n' +
    'each hash-chained to the one before. A query reads an index kept under --data (brought up\n' +
    'to date with the stream first) and prints one row per record; SEQ.I is its block\'s sequence\n' +
    'and its place in the block. Times are ISO 8601 or a duration back from now (90m, 24h, 7d).\n' +
    '`audit verify` recomputes the chain from the stream and names the first block that does not\n' +
    'verify (exit 1); it prints the head sequence and hash, to note elsewhere.',
  options: {
    nats: commonOptions.nats,
    data: commonOptions.data,
    key: { type: 'string', value: 'KEY', description: 'Records carrying this business key (order, PO, invoice, shipment number, SKU, message id)' },
    partner: { type: 'string', value: 'PARTNER', description: 'Records of this partner, channel, warehouse or location' },
    kind: { type: 'string', value: 'KIND', description: 'partner-transaction, inventory-adjustment, financial-posting, erp-posting or operator-action' },
    since: { type: 'string', value: 'TIME', description: 'From this time (inclusive)' },
    until: { type: 'string', value: 'TIME', description: 'Before this time' },
    limit: { type: 'string', value: 'N', description: 'At most N records (1-1000)', default: '100' },
    stream: { type: 'string', value: 'NAME', description: 'The audit stream', default: AUDIT_STREAM },
    json: { type: 'boolean', description: 'JSON output' },
  },
  positionals: { min: 0, max: 1 },
  async run(args) {
    const action = args.positionals[0];
    if (action !== undefined && action !== 'verify') throw new UsageError(`unknown audit action '${action}' (verify, or no action to query)`);
    // Checked before connecting: a bad filter is the user's to fix, whatever NATS is doing.
    const query = action === 'verify' ? undefined : queryOf(args);
    const stream = str(args, 'stream') as string;
    const url = clientNatsUrl(str(args, 'nats'), str(args, 'data') as string);
    return withClient(url, async (client) => {
      const lastSeq = await requireStream(client, stream);
      if (!query) return verify(client, stream, flag(args, 'json'));
      const index = AuditIndex.open(str(args, 'data') as string);
      try {
        await new IndexFollower(client.js, index, undefined, stream).catchUp(lastSeq);
        const entries = index.query(query);
        if (flag(args, 'json')) process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
        else process.stdout.write(table(entries));
      } finally {
        await index.close();
      }
      return 0;
    });
  },
};

function queryOf(args: ParsedArgs): ReturnType<typeof parseQuery> {
  try {
    return parseQuery({ key: str(args, 'key'), partner: str(args, 'partner'), kind: str(args, 'kind'), since: str(args, 'since'), until: str(args, 'until'), limit: str(args, 'limit') });
  } catch (err) {
    if (err instanceof QueryError) throw new UsageError(`--${err.message}`);
    throw err;
  }
}

/** The stream's last sequence; a clear error when there is no such stream. */
async function requireStream(client: Client, stream: string): Promise<number> {
  try {
    return (await client.jsm.streams.info(stream)).state.last_seq;
  } catch (err) {
    if (isNotFound(err)) throw new CommandError(`no audit stream '${stream}' on this server (declare it in pipelines/streams.yaml and start a runner)`);
    throw err;
  }
}

async function verify(client: Client, stream: string, json: boolean): Promise<number> {
  const r = await verifyChain(client.js, client.jsm, stream);
  if (json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else if (r.ok) {
    const late = r.startsLate ? ` (from sequence ${r.firstSeq}: earlier blocks have aged out)` : '';
    process.stdout.write(`audit chain of ${stream} verified: ${r.blocks} blocks, ${r.records} records${late}; head ${r.headSeq} ${r.headHash}\n`);
  } else {
    process.stdout.write(`audit chain of ${stream} BROKEN at sequence ${r.broken?.seq}: ${r.broken?.reason}\n${r.blocks} blocks (${r.records} records) before it verified.\n`);
  }
  return r.ok ? 0 : 1;
}

function table(entries: readonly IndexedEntry[]): string {
  if (entries.length === 0) return 'no audit records match\n';
  const rows = entries.map((e) => [
    `${e.seq}.${e.index}`,
    e.time.replace('T', ' ').slice(0, 19),
    e.kind,
    e.direction ?? '',
    e.partner ?? '',
    e.kind === 'operator-action' ? `${e.action ?? ''} ${e.target ?? ''}` : (e.documentType ?? ''),
    e.actor,
    e.keys.join(' '),
  ]);
  const head = ['SEQ.I', 'TIME (UTC)', 'KIND', 'DIR', 'PARTNER', 'DOCUMENT / ACTION', 'ACTOR', 'KEYS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (row: readonly string[]): string => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n') + `\n${entries.length} record${entries.length === 1 ? '' : 's'}\n`;
}
