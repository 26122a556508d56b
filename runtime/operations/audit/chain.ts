/**
 * Appending to the audit hash chain, from any number of processes at once.
 *
 * The chain has one order, the audit stream's: entry N carries hash(N-1) and claims sequence
 * N. A writer seals its entry on top of the head it knows and publishes it with JetStream's
 * "expected last sequence" = that head's sequence; if another writer got there first, the
 * server refuses it, and the writer reloads the head and tries again. So there is no leader to
 * elect and no window in which two entries can point at the same predecessor.
 *
 * Within one process appends are queued (one in flight), so they never race each other.
 */
import { JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { AUDIT_STREAM, GENESIS_HASH, auditSubject, decodeEntry, encodeEntry, sealEntry, sha256Hex, type AuditEntry, type AuditRecord } from './entry.ts';

export interface ChainHead {
  /** Sequence of the last entry (0: the log is empty). */
  readonly seq: number;
  readonly hash: string;
  readonly cursor: Readonly<Record<string, number>>;
}

/** What to append on top of a head, or undefined when the head shows it is already recorded. */
export interface Draft {
  readonly record: AuditRecord;
  /** Nats-Msg-Id: a retry after a lost acknowledgment is recognised as the same entry. */
  readonly msgId: string;
  /** For a recorded stream message: moves the chain's cursor for its stream. */
  readonly source?: { readonly stream: string; readonly seq: number };
}

export type AppendOutcome =
  | { readonly status: 'appended'; readonly entry: AuditEntry }
  /** The head already covers it (another writer recorded it). */
  | { readonly status: 'skipped' }
  /** The stream already holds this message id, at `seq`. */
  | { readonly status: 'duplicate'; readonly seq: number };

/** Refused appends in a row before giving up: writers keep moving the head. */
const MAX_ATTEMPTS = 50;
/** How far back a head that is not an entry (a forged message) is searched for the last cursor. */
const CURSOR_SEARCH = 1000;

export class AuditChain {
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  private readonly stream: string;
  private head: ChainHead | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  readonly stats = { appended: 0, conflicts: 0, skipped: 0, duplicates: 0 };

  constructor(js: JetStreamClient, jsm: JetStreamManager, stream: string = AUDIT_STREAM) {
    this.js = js;
    this.jsm = jsm;
    this.stream = stream;
  }

  /** The head as last known (loaded from the stream when unknown). */
  async currentHead(): Promise<ChainHead> {
    this.head ??= await loadHead(this.jsm, this.stream);
    return this.head;
  }

  /** The entry stored at `seq`, if it is one. */
  async stored(seq: number): Promise<AuditEntry | undefined> {
    const m = await this.jsm.streams.getMessage(this.stream, { seq }).catch(() => null);
    const e = m ? decodeEntry(m.data) : 'missing';
    return typeof e === 'string' ? undefined : e;
  }

  /** Appends what `make` drafts on top of the current head; `make` runs again after a conflict. */
  append(make: (head: ChainHead) => Draft | undefined): Promise<AppendOutcome> {
    const run = this.queue.then(() => this.appendNow(make));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(make: (head: ChainHead) => Draft | undefined): Promise<AppendOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.currentHead();
      const draft = make(head);
      if (!draft) {
        this.stats.skipped++;
        return { status: 'skipped' };
      }
      const cursor = draft.source ? { ...head.cursor, [draft.source.stream]: draft.source.seq } : head.cursor;
      const entry = sealEntry(draft.record, { seq: head.seq + 1, prev: head.hash, cursor });
      try {
        const ack = await this.js.publish(auditSubject(entry), encodeEntry(entry), { msgID: draft.msgId, expect: { lastSequence: head.seq, streamName: this.stream } });
        if (ack.duplicate) {
          // Someone (perhaps this process, before a lost acknowledgment) wrote it: our head is stale.
          this.head = undefined;
          this.stats.duplicates++;
          return { status: 'duplicate', seq: ack.seq };
        }
        this.head = { seq: ack.seq, hash: entry.hash, cursor };
        this.stats.appended++;
        return { status: 'appended', entry };
      } catch (err) {
        this.head = undefined;
        if (!isWrongLastSequence(err)) throw err;
        this.stats.conflicts++;
        // Writers that collided would collide again in lockstep; a little jitter parts them.
        if (attempt > 2) await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
    throw new Error(`could not append to the audit log: the chain head moved ${MAX_ATTEMPTS} times in a row`);
  }
}

/** JetStream's answer to an "expected last sequence" that is not the stream's last (10071). */
export function isWrongLastSequence(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.apiError().err_code === 10071 || /wrong last sequence/i.test(err.message);
  return err instanceof Error && /wrong last sequence/i.test(err.message);
}

/** The head of the chain as stored: the stream's last message. */
export async function loadHead(jsm: JetStreamManager, stream: string = AUDIT_STREAM): Promise<ChainHead> {
  const info = await jsm.streams.info(stream);
  const last = info.state.last_seq;
  if (info.state.messages === 0) return { seq: last, hash: GENESIS_HASH, cursor: {} };
  const m = await jsm.streams.getMessage(stream, { seq: last });
  if (!m) throw new Error(`audit stream ${stream}: its last message ${last} cannot be read`);
  const entry = decodeEntry(m.data);
  if (typeof entry !== 'string') return { seq: last, hash: entry.hash, cursor: entry.cursor };
  // Not an entry (something published to audit.> by hand): chain on from its bytes, so the
  // chain still has one order, and `audit verify` names it. The cursor is the last entry's.
  let cursor: Readonly<Record<string, number>> = {};
  for (let seq = last - 1; seq >= Math.max(info.state.first_seq, last - CURSOR_SEARCH); seq--) {
    const earlier = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    const e = earlier ? decodeEntry(earlier.data) : 'missing';
    if (typeof e !== 'string') {
      cursor = e.cursor;
      break;
    }
  }
  return { seq: last, hash: sha256Hex(m.data), cursor };
}
