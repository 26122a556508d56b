/**
 * The auditor: folds the streams that carry partner transactions, adjustments and postings, in
 * order, and appends one entry to the audit chain for each message the classifier records.
 *
 * Every runner may run one. The chain's head carries, per source stream, the last sequence
 * recorded: a runner starts reading after it, and before each append checks the head it
 * appends on; an append on a stale head is refused by JetStream (expected last sequence), so
 * the runner reloads the head, sees the message recorded, and moves on. Exactly one entry per
 * source message, in one chain, however many runners, restarts or crashes.
 */
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { MSG_ID, TRACE_KEYS } from '../../components/header-names.ts';
import { AuditChain, type ChainHead, type Draft } from './chain.ts';
import { classify, recordFor } from './classify.ts';
import { sha256Hex } from './entry.ts';
import { StreamReader } from './stream-reader.ts';

/** Entries published at once before waiting for their acknowledgments. */
const PIPELINE = 64;
/**
 * Caught up, the auditor gathers what arrives for this long before appending it: one pipelined
 * round per window instead of one per message. The log trails its sources by about this much.
 */
const LINGER_MS = 100;

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
      const reader = new StreamReader({ js: this.o.js, stream, from: (head.cursor[stream] ?? 0) + 1, group: PIPELINE, linger: LINGER_MS, logger: this.o.logger });
      this.readers.push(reader);
      this.running.push(reader.run((batch) => this.recordBatch(stream, batch)));
    }
  }

  async stop(): Promise<void> {
    for (const r of this.readers) r.stop();
    await Promise.allSettled(this.running);
  }

  private async recordBatch(stream: string, batch: readonly JsMsg[]): Promise<void> {
    const makes: ((head: ChainHead) => Draft | undefined)[] = [];
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
      const seq = m.seq;
      makes.push((head) => ((head.cursor[stream] ?? 0) >= seq ? undefined : { record, msgId: `audit:${stream}:${seq}`, source: { stream, seq } }));
    }
    // One pipelined round (the reader's groups are PIPELINE long): one round trip, not one per entry.
    for (const out of await this.o.chain.appendMany(makes)) {
      if (out.status === 'appended') this.stats.recorded++;
      else this.stats.alreadyRecorded++;
    }
  }
}
