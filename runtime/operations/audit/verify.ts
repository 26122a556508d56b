/**
 * Recomputes the audit chain from the stream, in order, and names the first entry (a block, or a
 * v1 entry of a log written before blocks) that does not verify: altered (its hash, over every
 * record it holds), removed (a gap in the sequence, or a `prev` that is not the hash before it),
 * inserted or forged (not an entry, or a `prev`/`seq` that does not fit). A record cannot be
 * told apart from its block: the block's hash covers all of them, and it is the block's sequence
 * that is named. Memory is constant: one block and the previous hash at a time.
 */
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { AUDIT_STREAM, GENESIS_HASH, decodeEntry, entryHash, recordsOf } from './entry.ts';

export interface VerifyResult {
  readonly ok: boolean;
  readonly stream: string;
  /** Entries (blocks, and v1 entries) checked. */
  readonly blocks: number;
  /** Records those entries hold. */
  readonly records: number;
  readonly firstSeq: number;
  /** The last entry's sequence and hash: write them down elsewhere to also catch a cut-off tail. */
  readonly headSeq: number;
  readonly headHash: string;
  /** The first entry that does not verify, and why. */
  readonly broken?: { readonly seq: number; readonly reason: string };
  /** Entries before firstSeq are gone (aged out past the stream's maxAge); the chain is checked from there. */
  readonly startsLate: boolean;
}

const BATCH = 500;

export async function verifyChain(js: JetStreamClient, jsm: JetStreamManager, stream: string = AUDIT_STREAM): Promise<VerifyResult> {
  const info = await jsm.streams.info(stream);
  const { first_seq: firstSeq, last_seq: lastSeq, messages } = info.state;
  const base = { stream, firstSeq, startsLate: messages > 0 && firstSeq > 1 };
  if (messages === 0) return { ok: true, blocks: 0, records: 0, headSeq: lastSeq, headHash: GENESIS_HASH, ...base };
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  let expectedSeq = firstSeq;
  // The first stored entry's prev can only be checked when the chain starts at 1.
  let prev: string | undefined = firstSeq === 1 ? GENESIS_HASH : undefined;
  let blocks = 0;
  let records = 0;
  const fail = (seq: number, reason: string): VerifyResult => ({ ok: false, blocks, records, headSeq: seq - 1, headHash: prev ?? '', broken: { seq, reason }, ...base });
  while (expectedSeq <= lastSeq) {
    const batch = await consumer.fetch({ max_messages: Math.min(BATCH, lastSeq - expectedSeq + 1), expires: 5000 });
    let got = 0;
    for await (const m of batch) {
      got++;
      if (m.seq !== expectedSeq) return fail(expectedSeq, `entry ${expectedSeq} is missing (the stream goes on at ${m.seq}): it was deleted`);
      const e = decodeEntry(m.data);
      if (typeof e === 'string') return fail(m.seq, `not an audit entry: ${e}`);
      if (e.seq !== m.seq) return fail(m.seq, `the entry says it is sequence ${e.seq}: it was moved or inserted`);
      if (prev !== undefined && e.prev !== prev) return fail(m.seq, `its prev ${short(e.prev)} is not the hash of entry ${m.seq - 1} (${short(prev)}): an entry before it was removed or replaced`);
      const recomputed = entryHash(e);
      if (recomputed !== e.hash) return fail(m.seq, `its content does not match its hash (recomputed ${short(recomputed)}, stored ${short(e.hash)}): it was altered`);
      prev = e.hash;
      blocks++;
      records += recordsOf(e).length;
      expectedSeq = m.seq + 1;
      if (expectedSeq > lastSeq) break;
    }
    if (got === 0) return fail(expectedSeq, `entry ${expectedSeq} is missing: it was deleted`);
  }
  return { ok: true, blocks, records, headSeq: lastSeq, headHash: prev ?? GENESIS_HASH, ...base };
}

function short(hash: string): string {
  return hash.slice(0, 12);
}
