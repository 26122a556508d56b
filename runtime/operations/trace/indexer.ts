/**
 * Folds the business streams into the trace index as messages are stored: one ordered consumer
 * per stream (no server-side state; the position lives in the index), hops of every stream
 * gathered for up to `lingerMs` (at most `maxBatch`) and committed in one LMDB transaction with
 * their positions. A commit costs about the same for one hop as for a thousand (every table's
 * changed pages are written again), so a journey that shows up 50 ms later is bought with a
 * commit per window instead of one per message when the runner keeps up. Resumes after its last committed sequence of each stream,
 * so a crash at any point leaves nothing out and nothing twice. Same model as the availability
 * projection (availability/projection.ts).
 */
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { hopOf, type Hop, type HopRules } from './hop.ts';
import type { TraceDb } from './store.ts';

export interface IndexerOptions {
  readonly js: JetStreamClient;
  readonly db: TraceDb;
  readonly streams: readonly string[];
  readonly rules: HopRules;
  readonly logger: Logger;
  readonly maxBatch?: number;
  /** Longest a hop waits for others before its batch commits (ms); default LINGER_MS. */
  readonly lingerMs?: number;
  /** Called once each batch is committed, with how many hops it wrote. */
  readonly onCommit?: (hops: number) => void;
}

/** How long the index may trail the streams to gather hops into one commit. */
export const LINGER_MS = 50;

export class TraceIndexer {
  private readonly o: IndexerOptions;
  private pending: JsMsg[] = [];
  private scheduled: ReturnType<typeof setTimeout> | undefined;
  private readonly consumers: ConsumerMessages[] = [];
  private failure: Error | undefined;
  readonly stats = { hops: 0, batches: 0 };

  constructor(options: IndexerOptions) {
    this.o = options;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  async start(): Promise<void> {
    for (const stream of this.o.streams) {
      const from = this.o.db.position(stream) + 1;
      // Headers only: a hop needs no body (our outputs name their keys in a header), and the
      // server then sends a few hundred bytes per message instead of the document.
      const position = from <= 1 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from };
      const consumer = await this.o.js.consumers.get(stream, { ...position, headers_only: true });
      // Short pull expiries, as in the availability projection: a leader change is noticed in seconds.
      this.consumers.push(await consumer.consume({ max_messages: 1000, expires: 5000, callback: (m) => this.receive(m) }));
    }
  }

  async stop(): Promise<void> {
    const list = this.consumers.splice(0);
    for (const m of list) m.stop();
    await Promise.all(list.map((m) => m.closed().catch(() => undefined)));
    if (!this.failure) this.flush();
    await this.o.db.committed();
  }

  /** The last folded sequence of each stream. */
  positions(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.o.streams) out[s] = this.o.db.position(s);
    return out;
  }

  private receive(m: JsMsg): void {
    if (this.failure) return;
    this.pending.push(m);
    if (this.pending.length >= (this.o.maxBatch ?? 1000)) this.flush();
    else this.scheduled ??= setTimeout(() => this.flush(), this.o.lingerMs ?? LINGER_MS);
  }

  private flush(): void {
    if (this.scheduled !== undefined) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    const msgs = this.pending;
    if (msgs.length === 0 || this.failure) return;
    this.pending = [];
    const hops: Hop[] = [];
    for (const m of msgs) {
      const info = m.info;
      hops.push(
        hopOf(
          { stream: info.stream, seq: info.streamSequence, subject: m.subject, time: info.timestampNanos / 1e6, headers: (name) => headerOf(m, name) },
          this.o.rules,
        ),
      );
    }
    const { written, committed } = this.o.db.commit(hops);
    this.stats.hops += written;
    this.stats.batches++;
    committed.then(
      () => this.o.onCommit?.(written),
      (err: unknown) => {
        // The index is a convenience: a full disk stops it, never the pipelines.
        if (this.failure) return;
        this.failure = new Error(`the trace index could not be written: ${(err as Error).message}`);
        this.o.logger.error({ err: (err as Error).message }, 'trace index stopped');
        for (const c of this.consumers) c.stop();
      },
    );
  }
}

function headerOf(m: JsMsg, name: string): string | undefined {
  const h = m.headers;
  if (!h) return undefined;
  const v = h.get(name);
  return v === '' ? undefined : v;
}
