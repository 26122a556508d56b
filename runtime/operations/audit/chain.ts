/**
 * Appending to the audit hash chain, from any number of processes at once.
 *
 * The chain has one order, the audit stream's: entry N (a block of records) carries hash(N-1)
 * and claims sequence N. A writer seals its block on top of the head it knows and publishes it with JetStream's
 * "expected last sequence" = that head's sequence; if another writer got there first, the
 * server refuses it, and the writer reloads the head and tries again. So there is no leader to
 * elect and no window in which two entries can point at the same predecessor.
 *
 * Within one process appends are queued (one in flight), so they never race each other.
 * Entries are published with an AckedPublish (the runner's is its connection's PublishAcks): a
 * refusal comes back as the JetStreamApiError `js.publish` gives, which isConflict reads.
 */
import { JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import type { AckedPublish } from '../../config/acked-publish.ts';
import { AUDIT_STREAM, GENESIS_HASH, blockSubject, decodeEntry, encodeEntry, sealBlock, sha256Hex, type AuditBlock, type AuditEntry, type AuditRecord } from './entry.ts';

export interface ChainHead {
  /** Sequence of the last entry (0: the log is empty). */
  readonly seq: number;
  readonly hash: string;
  readonly cursor: Readonly<Record<string, number>>;
}

/**
 * One block to append on top of a head, or undefined when the head shows all of it is already
 * recorded. A draft is a function of the head: records the head's cursor already covers are
 * left out of it, so redrafting after a refused append never records a message twice.
 */
export interface Draft {
  /** At least one; for source messages, those of one stream in sequence order. */
  readonly records: readonly AuditRecord[];
  /**
   * Nats-Msg-Id: a retry of the same block after a lost acknowledgment is recognised as a
   * duplicate. It must name exactly what the block holds (stream and first..last sequence): a
   * redraft that holds a different range needs a different id, or the server would take it for
   * the earlier block. The cursor, not the id, is what records each message once.
   */
  readonly msgId: string;
  /** For recorded stream messages: moves the chain's cursor for their stream to the last of them. */
  readonly source?: { readonly stream: string; readonly seq: number };
}

export type AppendOutcome =
  | { readonly status: 'appended'; readonly entry: AuditBlock }
  /** The head already covers it (another writer recorded it). */
  | { readonly status: 'skipped' }
  /** The stream already holds this message id, at `seq`. */
  | { readonly status: 'duplicate'; readonly seq: number };

/** Refused appends in a row before giving up: writers keep moving the head. */
const MAX_ATTEMPTS = 50;
/** How far back a head that is not an entry (a forged message) is searched for the last cursor. */
const CURSOR_SEARCH = 1000;

export class AuditChain {
  private readonly publish: AckedPublish;
  private readonly jsm: JetStreamManager;
  private readonly stream: string;
  private head: ChainHead | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  readonly stats = { appended: 0, conflicts: 0, skipped: 0, duplicates: 0 };

  constructor(publish: AckedPublish, jsm: JetStreamManager, stream: string = AUDIT_STREAM) {
    this.publish = publish;
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
  async append(make: (head: ChainHead) => Draft | undefined): Promise<AppendOutcome> {
    return (await this.appendMany([make]))[0] as AppendOutcome;
  }

  /**
   * Appends several drafts in their order, pipelined: all are sealed on top of each other and
   * published at once, entry k expecting the stream's last sequence and last message id to be
   * entry k-1's. The server stores a prefix of them; after the first refused one (another
   * writer got in) the rest are drafted again on the reloaded head. The message id check is what
   * keeps a later entry from landing on a stranger that took the slot of a refused one; the
   * first entry of a round checks the sequence only, which survives a server restart.
   */
  appendMany(makes: readonly ((head: ChainHead) => Draft | undefined)[]): Promise<AppendOutcome[]> {
    const run = this.queue.then(() => this.appendManyNow(makes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendManyNow(makes: readonly ((head: ChainHead) => Draft | undefined)[]): Promise<AppendOutcome[]> {
    const outcomes: AppendOutcome[] = new Array<AppendOutcome>(makes.length);
    let next = 0;
    let refusedInARow = 0;
    while (next < makes.length) {
      const head = await this.currentHead();
      const sealed: { readonly i: number; readonly entry: AuditBlock; readonly msgId: string }[] = [];
      let tip = head;
      for (let i = next; i < makes.length; i++) {
        const draft = (makes[i] as (head: ChainHead) => Draft | undefined)(tip);
        if (!draft) {
          // The cursor only grows: recorded on this tip is recorded on any later one.
          outcomes[i] = { status: 'skipped' };
          this.stats.skipped++;
          continue;
        }
        const cursor = draft.source ? { ...tip.cursor, [draft.source.stream]: draft.source.seq } : tip.cursor;
        const entry = sealBlock(draft.records, { seq: tip.seq + 1, prev: tip.hash, cursor });
        sealed.push({ i, entry, msgId: draft.msgId });
        tip = { seq: entry.seq, hash: entry.hash, cursor };
      }
      if (sealed.length === 0) break;
      const acks = await Promise.allSettled(
        sealed.map((s, k) =>
          this.publish(blockSubject(s.entry), encodeEntry(s.entry), {
            msgID: s.msgId,
            expect: { lastSequence: s.entry.seq - 1, streamName: this.stream, ...(k === 0 ? {} : { lastMsgID: (sealed[k - 1] as (typeof sealed)[number]).msgId }) },
          }),
        ),
      );
      next = makes.length;
      for (let k = 0; k < sealed.length; k++) {
        const s = sealed[k] as (typeof sealed)[number];
        const ack = acks[k] as PromiseSettledResult<{ seq: number; duplicate: boolean }>;
        if (ack.status === 'fulfilled' && !ack.value.duplicate) {
          outcomes[s.i] = { status: 'appended', entry: s.entry };
          this.head = { seq: s.entry.seq, hash: s.entry.hash, cursor: s.entry.cursor };
          this.stats.appended++;
          refusedInARow = 0;
          continue;
        }
        // From here on nothing of this round is known to be ours: reload and draft the rest again.
        this.head = undefined;
        if (ack.status === 'fulfilled') {
          // Someone (perhaps this process, before a lost acknowledgment) stored it already.
          outcomes[s.i] = { status: 'duplicate', seq: ack.value.seq };
          this.stats.duplicates++;
          next = s.i + 1;
        } else {
          // Not a refusal (a timeout, the connection lost): whether it was stored is unknown, so
          // is the head; the next append reloads it and the cursor or message id tells.
          if (!isConflict(ack.reason)) throw ack.reason;
          this.stats.conflicts++;
          next = s.i;
          if (++refusedInARow >= MAX_ATTEMPTS) throw new Error(`could not append to the audit log: the chain head moved ${MAX_ATTEMPTS} times in a row`);
          // Writers that collided would collide again in lockstep; a little jitter parts them.
          if (refusedInARow > 2) await new Promise((r) => setTimeout(r, Math.random() * 5 * refusedInARow));
        }
        break;
      }
    }
    return outcomes;
  }
}

/**
 * JetStream's refusal of an append on a stale head: the stream's last sequence (10071) or last
 * message id (10070) is not the one the entry expected.
 */
export function isConflict(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return [10070, 10071].includes(err.apiError().err_code ?? 0) || /wrong last (sequence|msg ?id)/i.test(err.message);
  return err instanceof Error && /wrong last (sequence|msg ?id)/i.test(err.message);
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
