/**
 * One subject of a stream, read in order by an ordered consumer filtered on it (no durable
 * state on the server: the position lives in the expectations view, like the availability
 * projection's; and only the documents an expectation names cross the wire, not the whole
 * stream). Messages are handed on in batches — whatever arrived in one turn of the event
 * loop — one batch at a time, so the view folds each subject in sequence order.
 */
import { DeliverPolicy, type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';

export interface StreamReaderOptions {
  readonly js: JetStreamClient;
  readonly stream: string;
  /** The subject pattern read (one filter subject: servers before 2.10 take one). */
  readonly subject: string;
  /** The last sequence already folded (the read starts after it). */
  readonly after: number;
  /** Folds one batch; the next waits for it. A rejection stops the reader. */
  readonly handle: (msgs: readonly JsMsg[]) => Promise<void>;
  readonly onError: (err: Error) => void;
  readonly maxBatch?: number;
}

export class StreamReader {
  private readonly o: StreamReaderOptions;
  private pending: JsMsg[] = [];
  private scheduled = false;
  private busy: Promise<void> = Promise.resolve();
  private messages: ConsumerMessages | undefined;
  private consumer: Consumer | undefined;
  /** The last message received: its consumer, delivery sequence and stream sequence. */
  private received = { consumer: '', delivery: 0, seq: 0 };
  private stopped = false;
  /** Sequence of the last message handed on and folded. */
  private done: number;
  private waiters: { seq: number; resolve(): void }[] = [];

  constructor(options: StreamReaderOptions) {
    this.o = options;
    this.done = options.after;
  }

  get stream(): string {
    return this.o.stream;
  }

  get subject(): string {
    return this.o.subject;
  }

  get folded(): number {
    return this.done;
  }

  async start(): Promise<void> {
    const from = this.o.after + 1;
    const filter = { filter_subjects: this.o.subject };
    const consumer = await this.o.js.consumers.get(this.o.stream, from <= 1 ? { ...filter, deliver_policy: DeliverPolicy.All } : { ...filter, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
    this.consumer = consumer;
    // Short pulls for the same reason as the availability projection: a moved stream leader
    // is noticed after two missed heartbeats, not after the client's 30 s default.
    this.messages = await consumer.consume({ max_messages: 1000, expires: 5000, callback: (m) => this.receive(m) });
  }

  /**
   * True when nothing matching is left on the server for this reader and everything delivered
   * is folded: the view holds every such document the stream held when this was asked.
   */
  async caughtUp(): Promise<boolean> {
    if (!this.consumer || this.stopped) return false;
    const info = await this.consumer.info(false);
    if (info.num_pending > 0) return false;
    // With a filter the server's delivered stream sequence runs ahead over skipped messages;
    // its delivery count does not: every delivery it counts must have arrived here.
    const delivered = info.delivered.consumer_seq;
    if (delivered > 0 && (info.name !== this.received.consumer || delivered > this.received.delivery)) return false;
    return this.done >= this.received.seq;
  }

  /** Resolves once every message up to `seq` is folded (or the reader stopped). */
  waitFor(seq: number): Promise<void> {
    if (this.done >= seq || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const m = this.messages;
    this.messages = undefined;
    if (m) {
      m.stop();
      await m.closed().catch(() => undefined);
    }
    this.flush();
    await this.busy;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  private receive(m: JsMsg): void {
    this.received = { consumer: m.info.consumer, delivery: m.info.deliverySequence, seq: Math.max(this.received.seq, m.seq) };
    if (m.seq <= this.done) return;
    this.pending.push(m);
    if (this.pending.length >= (this.o.maxBatch ?? 1000)) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const msgs = this.pending;
    if (msgs.length === 0) return;
    this.pending = [];
    this.busy = this.busy.then(async () => {
      try {
        await this.o.handle(msgs);
      } catch (err) {
        this.stopped = true;
        this.messages?.stop();
        this.o.onError(err as Error);
        return;
      }
      this.done = Math.max(this.done, (msgs[msgs.length - 1] as JsMsg).seq);
      if (this.waiters.length > 0) {
        const ready = this.waiters.filter((w) => w.seq <= this.done);
        this.waiters = this.waiters.filter((w) => w.seq > this.done);
        for (const w of ready) w.resolve();
      }
    });
  }
}
