import { link, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { userInfo } from 'node:os';
import type { CommandSpec, ParsedArgs } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, str } from '../command.ts';
import { clientNatsUrl } from '../nats-url.ts';
import { streamFor, withClient, type Client } from '../client.ts';
import { headerObject, renderMessage } from '../render.ts';
import { DLQ } from '../../components/header-names.ts';
import { replayOf } from '../../engine/dead-letter.ts';
import { redactText } from '../../config/redact.ts';
import { CLAIM_CHECK, ClaimCheck, claimReference, type ClaimReference } from '../../transport/claim-check.ts';
import { deadLetterFilter, deadLetterMatches, readDeadLetters, replayDeadLetter, shownHeaders, type DeadLetterEntry, type DeadLetterFilter } from '../../operations/dead-letters.ts';
import { Progress } from '../progress.ts';
import { recordOperatorAction } from '../../operations/audit/operator-actions.ts';
import { AUDIT_STREAM } from '../../operations/audit/entry.ts';
import { businessKeys, classify } from '../../operations/audit/classify.ts';

export const dlqCommand: CommandSpec = {
  name: 'dlq',
  summary: 'List, show and replay dead letters',
  usage: 'crossdock dlq list [FILTERS] | dlq show ID | dlq replay (ID… | --all [FILTERS]) [--keep] [--to-dir DIR]   (FILTERS: --pipeline --partner --channel --reason)',
  details:
    'A dead letter is the original message with the failure in Crossdock-* headers; its ID is its\n' +
    'sequence in the dead-letter stream. Replay publishes it to its original subject with its\n' +
    'original headers (and a fresh message id), then removes it from the dead-letter stream\n' +
    'unless --keep is given. A body too large for one message is stored apart (a claim check):\n' +
    'show gives its reference and size, replay republishes the reference. A dead letter of a\n' +
    'drop-folder file is replayed by writing the file back into the folder given with --to-dir.\n' +
    'Each replay is recorded in the audit log (when the server has one) with who did it: --actor,\n' +
    'or the user running the command.',
  options: {
    nats: commonOptions.nats,
    data: commonOptions.data,
    subject: { type: 'string', value: 'SUBJECT', description: 'Dead-letter subjects', default: 'dlq.>' },
    pipeline: { type: 'string', value: 'NAME', description: 'Only dead letters of this pipeline' },
    partner: { type: 'string', value: 'NAME', description: 'Only dead letters of this partner (X-Partner, else X-Channel, else the partner of an edi.* subject)' },
    channel: { type: 'string', value: 'NAME', description: 'Only dead letters with this X-Channel' },
    reason: { type: 'string', value: 'TEXT', description: 'Only dead letters whose reason contains TEXT (any case)' },
    all: { type: 'boolean', description: 'replay: every dead letter (matching the filters, if given)' },
    keep: { type: 'boolean', description: 'replay: leave the dead letters in place' },
    'to-dir': { type: 'string', value: 'DIR', description: 'replay: the drop folder that dead letters of files are written back to' },
    json: { type: 'boolean', description: 'list/show: JSON output' },
    actor: { type: 'string', value: 'NAME', description: 'replay: who replays, for the audit log (default: $USER)' },
    note: { type: 'string', value: 'TEXT', description: 'replay: why, for the audit log' },
  },
  positionals: { min: 1, max: -1 },
  async run(args) {
    const [action, ...ids] = args.positionals as [string, ...string[]];
    if (!['list', 'show', 'replay'].includes(action)) throw new UsageError(`unknown dlq action '${action}' (list, show, replay)`);
    const url = clientNatsUrl(str(args, 'nats'), str(args, 'data') as string);
    return withClient(url, async (client) => {
      const subject = str(args, 'subject') as string;
      const stream = await streamFor(client.jsm, subject);
      if (!stream) throw new CommandError(`no stream captures dead-letter subject '${subject}'`);
      if (action === 'list') return list(client, stream, subject, args);
      if (action === 'show') {
        if (ids.length !== 1) throw new UsageError('dlq show takes exactly one ID');
        return show(client, stream, parseId(ids[0] as string), flag(args, 'json'));
      }
      return replay(client, stream, subject, ids.map(parseId), args);
    });
  },
};

function parseId(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`'${text}' is not a dead-letter ID (a stream sequence number, see dlq list)`);
  return n;
}

/** The filters given as options; a bad one is a usage error naming it. */
function filterOf(args: ParsedArgs): DeadLetterFilter {
  const f = deadLetterFilter((name) => str(args, name));
  if ('error' in f) throw new UsageError(`--${f.error}`);
  return f.filter;
}

function filtered(f: DeadLetterFilter): boolean {
  return Object.values(f).some((v) => v !== undefined);
}

async function list(client: Client, stream: string, subject: string, args: ParsedArgs): Promise<number> {
  const filter = filterOf(args);
  const rows: DeadLetterEntry[] = [];
  for await (const e of readDeadLetters(client.js, client.jsm, stream, subject)) {
    if (deadLetterMatches(filter, e.headers)) rows.push(e);
  }
  if (flag(args, 'json')) {
    process.stdout.write(JSON.stringify(rows.map((r) => ({ id: r.seq, time: r.time.toISOString(), subject: r.subject, headers: shownHeaders(r.headers) })), null, 2) + '\n');
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write(`no dead letters${filtered(filter) ? ' matching the filters' : ''} in ${stream}\n`);
    return 0;
  }
  const table = rows.map((r) => [
    String(r.seq),
    r.time.toISOString().replace('T', ' ').slice(0, 19),
    r.headers[DLQ.pipeline] ?? '?',
    r.headers[DLQ.step] ?? '?',
    truncate(redactText(r.headers[DLQ.reason] ?? ''), 90),
  ]);
  const head = ['ID', 'FAILED (UTC)', 'PIPELINE', 'STEP', 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const fmt = (row: readonly string[]): string => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  process.stdout.write([fmt(head), ...table.map(fmt)].join('\n') + `\n${rows.length} dead letter(s) in ${stream}\n`);
  return 0;
}

async function show(client: Client, stream: string, seq: number, json: boolean): Promise<number> {
  const m = await client.jsm.streams.getMessage(stream, { seq }).catch(() => null);
  if (!m) throw new CommandError(`no dead letter ${seq} in ${stream}`);
  const entry = { subject: m.subject, seq: m.seq, time: m.time, headers: shownHeaders(headerObject(m.header)), data: m.data };
  const claim = await claimStatus(new ClaimCheck(client.js), headerObject(m.header));
  if (json) {
    process.stdout.write(JSON.stringify({ id: m.seq, subject: m.subject, time: m.time.toISOString(), headers: entry.headers, body: new TextDecoder().decode(m.data), ...(claim ? { claimCheck: claim } : {}) }, null, 2) + '\n');
  } else {
    process.stdout.write(renderMessage(entry) + (claim ? claimLine(claim) : ''));
  }
  return 0;
}

interface ClaimStatus {
  readonly reference: string;
  readonly size?: number;
  readonly sha256?: string;
  /** False when the object is gone (replay would fail); absent when the reference cannot be read. */
  readonly stored?: boolean;
  readonly error?: string;
}

/** Where the body of a claim-checked dead letter is, and whether it is still there. */
async function claimStatus(cc: ClaimCheck, headers: Readonly<Record<string, string>>): Promise<ClaimStatus | undefined> {
  const reference = headers[CLAIM_CHECK.ref];
  if (reference === undefined) return undefined;
  try {
    const ref = claimReference(headers) as ClaimReference;
    const stored = await cc.stat(ref);
    return { reference, ...(ref.size === undefined ? {} : { size: ref.size }), ...(ref.sha256 ? { sha256: ref.sha256 } : {}), stored: stored !== undefined };
  } catch (err) {
    return { reference, error: (err as Error).message };
  }
}

function claimLine(c: ClaimStatus): string {
  const what = `the body is not in the message: claim check ${c.reference}${c.size === undefined ? '' : `, ${c.size} bytes`}`;
  if (c.error) return `(${what}: ${c.error})\n`;
  return `(${what}, ${c.stored ? 'stored' : 'NO LONGER STORED: replay will fail'})\n`;
}

async function replay(client: Client, stream: string, subject: string, ids: number[], args: ParsedArgs): Promise<number> {
  const all = flag(args, 'all');
  if (all === (ids.length > 0)) throw new UsageError('dlq replay takes IDs or --all (not both, not neither)');
  const filter = filterOf(args);
  if (!all && filtered(filter)) throw new UsageError('the filters choose dead letters for --all; with IDs, give no filters');
  let targets: number[] = ids;
  if (all) {
    targets = [];
    for await (const e of readDeadLetters(client.js, client.jsm, stream, subject)) if (deadLetterMatches(filter, e.headers)) targets.push(e.seq);
  }
  const keep = flag(args, 'keep');
  const toDir = str(args, 'to-dir');
  const cc = new ClaimCheck(client.js);
  const audited = await auditedBy(client, args);
  const progress = new Progress(targets.length);
  let failed = 0;
  for (const seq of targets) {
    const m = await client.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    const plan = m ? replayOf({ stream, seq, headers: headerObject(m.header), data: m.data }) : undefined;
    if (!m || !plan) {
      failed++;
      process.stderr.write(`dead letter ${seq}: ${m ? `has no ${DLQ.sourceSubject} header` : 'not found'}; skipped\n`);
      progress.tick();
      continue;
    }
    let replayed = false;
    if (headerObject(m.header)[DLQ.sourceStream] === 'files') {
      try {
        // A claim-checked dead letter is replayed as its reference: the body must still be stored.
        const ref = claimReference(plan.headers);
        if (ref && !(await cc.stat(ref))) throw new Error(`its body (claim check ${ref.bucket}/${ref.object}) is no longer stored`);
        await replayFile(cc, plan, toDir);
        if (!keep) await client.jsm.streams.deleteMessage(stream, seq, false);
        replayed = true;
      } catch (err) {
        failed++;
        process.stderr.write(`dead letter ${seq}: replay to ${plan.subject} failed: ${(err as Error).message}\n`);
      }
    } else {
      // The same replay as POST /v1/dlq/replay.
      const r = await replayDeadLetter(client.js, client.jsm, stream, seq, keep);
      replayed = r.ok;
      if (!r.ok) {
        failed++;
        process.stderr.write(`dead letter ${seq}: ${r.error}\n`);
      }
    }
    if (replayed && audited) {
      const h = headerObject(m.header);
      const partner = classify(plan.subject)?.partner;
      try {
        await recordOperatorAction(client.nc, {
          actor: audited.actor,
          action: 'dlq.replay',
          target: `${stream}:${seq}`,
          note: audited.note ?? `to ${plan.subject}${h[DLQ.pipeline] ? ` (pipeline ${h[DLQ.pipeline]})` : ''}`,
          keys: businessKeys(plan.data, h[DLQ.sourceMsgId]),
          ...(partner === undefined ? {} : { partner }),
        });
      } catch (err) {
        failed++;
        process.stderr.write(`dead letter ${seq}: replayed, but ${(err as Error).message}\n`);
      }
    }
    progress.tick();
  }
  progress.done();
  process.stdout.write(`replayed ${targets.length - failed} of ${targets.length} dead letter(s)${failed ? `; ${failed} failed` : ''}\n`);
  return failed > 0 ? 1 : 0;
}

/**
 * Who replays, when the server keeps an audit log (a server without one replays as before).
 * The actor is a name given or the OS user, never a credential.
 */
async function auditedBy(client: Client, args: ParsedArgs): Promise<{ actor: string; note?: string } | undefined> {
  const actor = str(args, 'actor') ?? process.env.USER ?? process.env.USERNAME ?? userInfo().username;
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(actor)) throw new UsageError(`--actor '${actor}' must be 1-64 of A-Z a-z 0-9 _ . @ -`);
  const note = str(args, 'note');
  try {
    await client.jsm.streams.info(AUDIT_STREAM);
  } catch {
    return undefined;
  }
  return { actor, ...(note === undefined ? {} : { note }) };
}

/**
 * A dead letter of a drop-folder file goes back into a folder as the file it was, whole (its
 * body fetched when claim-checked). It appears at once and complete (written under a hidden
 * name, then linked), and never replaces a file already there.
 */
async function replayFile(cc: ClaimCheck, plan: { subject: string; headers: Record<string, string>; data: Uint8Array }, toDir: string | undefined): Promise<void> {
  const name = plan.headers['X-File-Name'] ?? plan.subject.slice('file:'.length);
  if (!toDir) throw new Error(`it is the file ${name} from a drop folder: give --to-dir with the folder to put it back into`);
  if (!name || name !== basename(name) || name.startsWith('.')) throw new Error(`'${name}' is not a plain file name`);
  const body = await cc.resolve(plan.headers, plan.data);
  const tmp = join(toDir, `.${name}.${process.pid}.replay`);
  await writeFile(tmp, body);
  try {
    await link(tmp, join(toDir, name));
  } finally {
    await unlink(tmp);
  }
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}
