/**
 * Reads a stream in order from a sequence, a batch at a time, with an ordered consumer (no
 * durable state on the server: the reader's position lives with what it writes). A batch is
 * handled before the next is asked for, so nothing queues in memory however far behind it is.
 */
import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';

export interface ReadOptions {
  readonly js: JetStreamClient;
  readonly stream: string;
  /** First sequence to read. */
  readonly from: number;
  readonly batch?: number;
  readonly logger?: Logger;
}

export class StreamReader {
  private readonly o: ReadOptions;
  private stopped = false;
  private current: { stop(): void } | undefined;
  private wake: (() => void) | undefined;

  constructor(options: ReadOptions) {
    this.o = options;
  }

  /**
   * Hands each batch to `handle` until stop() (or, with `untilCaughtUp`, until the stream has no
   * more). On a failure (connection lost, a handler's error) it waits and resumes at the first
   * sequence not yet handled, so `handle` sees every message at least once and in order.
   */
  async run(handle: (batch: JsMsg[]) => Promise<void> | void, untilCaughtUp = false): Promise<void> {
    let from = this.o.from;
    while (!this.stopped) {
      try {
        const consumer = await this.o.js.consumers.get(this.o.stream, from <= 1 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
        let cutShort = false;
        while (!this.stopped && !cutShort) {
          const iter = await consumer.fetch({ max_messages: this.o.batch ?? 256, expires: untilCaughtUp ? 1000 : 5000 });
          this.current = iter;
          const batch: JsMsg[] = [];
          let pending = -1;
          for await (const m of iter) {
            batch.push(m);
            pending = m.info.pending;
            // Caught up: handle now rather than wait out the pull. Messages the pull received
            // after this one are dropped with it, and the ordered consumer would go on after
            // them, so the next pull starts from a fresh consumer at the first one not handled.
            if (pending === 0) {
              cutShort = true;
              break;
            }
          }
          this.current = undefined;
          if (batch.length > 0) {
            await handle(batch);
            from = (batch[batch.length - 1] as JsMsg).seq + 1;
          }
          if (untilCaughtUp && (batch.length === 0 || pending === 0)) return;
        }
      } catch (err) {
        if (this.stopped) break;
        if (untilCaughtUp) throw err;
        this.o.logger?.warn({ stream: this.o.stream, from, err: (err as Error).message }, 'stream read failed; resuming');
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, 1000);
        });
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.current?.stop();
    this.wake?.();
  }
}
