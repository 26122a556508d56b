/** Reading what a stream holds, in order, for a view or a list that is built on demand. */
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';

export interface StoredEntry {
  readonly seq: number;
  readonly time: Date;
  readonly subject: string;
  readonly headers: Record<string, string>;
  readonly data: Uint8Array;
}

/**
 * Messages on `subject` from sequence `from` on, oldest first, read in batches by an ordered
 * consumer (nothing left on the server). Stops at the end of the stream as it was when asked.
 */
export async function* readStored(js: JetStreamClient, jsm: JetStreamManager, stream: string, subject: string, from = 1): AsyncGenerator<StoredEntry> {
  const info = await jsm.streams.info(stream, { subjects_filter: subject });
  if (info.state.messages === 0 || from > info.state.last_seq) return;
  const consumer = await js.consumers.get(stream, { filter_subjects: subject, ...(from <= 1 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from }) });
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 256, expires: 2000 });
    let pending = -1;
    let got = 0;
    for await (const m of batch) {
      got++;
      const headers: Record<string, string> = {};
      if (m.headers) for (const [k, v] of m.headers) headers[k] = v.join(', ');
      yield { seq: m.seq, time: new Date(Math.floor(m.info.timestampNanos / 1e6)), subject: m.subject, headers, data: m.data };
      pending = m.info.pending;
      if (pending === 0) break;
    }
    if (pending === 0 || got === 0) return;
  }
}
