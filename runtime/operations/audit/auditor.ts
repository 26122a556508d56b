/**
 * The auditor: folds the streams that carry partner transactions, adjustments and postings, in
 * order, and appends one block to the audit chain per group of messages it reads, holding one
 * record for each message of the group the classifier records.
 *
 * Every runner may run one. The chain's head carries, per source stream, the last sequence
 * recorded: a runner starts reading after it, and drafts each block on the head it appends on,
 * leaving out what that head already covers; an append on a stale head is refused by JetStream
 * (expected last sequence), so the runner reloads the head and drafts again with what is still
 * not recorded. Exactly one record per source message, in one chain, however many runners,
 * restarts or crashes.
 */
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { MSG_ID, TRACE_KEYS } from '../../components/header-names.ts';
import { AuditChain, type ChainHead, type Draft } from './chain.ts';
import { classify, recordFor } from './classify.ts';
import { recordBytes, sha256Hex, type AuditRecord } from './entry.ts';
import { StreamReader } from './stream-reader.ts';

/** Most messages read and recorded as one group: one block (or a few, see BLOCK_BYTES) per group. */
const GROUP = 256;
/**
 * Most bytes of records in one block. A block stays well under the stream's largest message
 * (1 MB by default): a record is about 500 bytes, but a message may name eight keys of 128
 * characters, and a group of those is cut into several blocks.
 */
const BLOCK_BYTES = 255 * 1024;
/**
 * Caught up, the auditor gathers what arrives for this long before appending it: one pipelined
 * round per window instead of one per message. The log trails its sources by about this much.
 */
const LINGER_MS = 100;

/** A source record with its sequence (the record's own `source.seq`, kept apart to skip a lookup). */
export interface Pending {
  readonly seq: number;
  readonly record: AuditRecord;
}

export interface AuditorOptions {
  readonly js: JetStreamClient;
  readonly chain: AuditChain;
  /** Source streams to fold (those capturing AUDITED_SUBJECTS). */
  readonly streams: readonly string[];
  readonly logger: Logger;
}

export class Auditor {
  private readonly o: AuditorOptions;
  private readers: StreamReader[] = [];
  private running: Promise<void>[] = [];
  readonly stats = { seen: 0, recorded: 0, alreadyRecorded: 0 };

  constructor(options: AuditorOptions) {
    this.o = options;
  }

  async start(): Promise<void> {
    const head = await this.o.chain.currentHead();
    for (const stream of this.o.streams) {
      const reader = new StreamReader({ js: this.o.js, stream, from: (head.cursor[stream] ?? 0) + 1, batch: GROUP, group: GROUP, linger: LINGER_MS, logger: this.o.logger });
      this.readers.push(reader);
      this.running.push(reader.run((batch) => this.recordBatch(stream, batch)));
    }
  }

  async stop(): Promise<void> {
    for (const r of this.readers) r.stop();
    await Promise.allSettled(this.running);
  }

  private async recordBatch(stream: string, batch: readonly JsMsg[]): Promise<void> {
    const chunks: Pending[][] = [];
    let chunk: Pending[] = [];
    let bytes = 0;
    for (const m of batch) {
      this.stats.seen++;
      const c = classify(m.subject);
      if (!c) continue;
      const record = recordFor(c, {
        subject: m.subject,
        stream,
        seq: m.seq,
        time: new Date(Math.floor(m.info.timestampNanos / 1e6)),
        data: m.data,
        ...(m.headers?.get(MSG_ID) ? { msgId: m.headers.get(MSG_ID) } : {}),
        ...(m.headers?.get(TRACE_KEYS) ? { traceKeys: m.headers.get(TRACE_KEYS) } : {}),
        bodySha256: sha256Hex(m.data),
      });
      const size = recordBytes(record);
      if (chunk.length > 0 && bytes + size > BLOCK_BYTES) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push({ seq: m.seq, record });
      bytes += size;
    }
    if (chunk.length > 0) chunks.push(chunk);
    if (chunks.length === 0) return;
    // One pipelined round: one round trip for the group, however many blocks it makes.
    const outcomes = await this.o.chain.appendMany(chunks.map((ch) => (head: ChainHead) => blockDraft(stream, ch, head)));
    outcomes.forEach((out, k) => {
      const held = out.status === 'appended' ? out.entry.records.length : 0;
      this.stats.recorded += held;
      this.stats.alreadyRecorded += (chunks[k] as Pending[]).length - held;
    });
  }
}

/**
 * The block a group's records make on `head`: those after the head's cursor for their stream
 * (another writer may have recorded the start of the group, or all of it). Its message id names
 * the range it holds, so a redraft holding fewer records is not mistaken for the first draft.
 */
export function blockDraft(stream: string, pending: readonly Pending[], head: ChainHead): Draft | undefined {
  const after = head.cursor[stream] ?? 0;
  const from = pending.findIndex((p) => p.seq > after);
  if (from < 0) return undefined;
  const kept = from === 0 ? pending : pending.slice(from);
  const first = (kept[0] as Pending).seq;
  const last = (kept[kept.length - 1] as Pending).seq;
  return { records: kept.map((p) => p.record), msgId: `audit:${stream}:${first}-${last}`, source: { stream, seq: last } };
}
