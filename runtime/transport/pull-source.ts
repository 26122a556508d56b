/**
 * Messages from a durable pull consumer, pulled in batches only as fast as the pipeline frees
 * capacity. A message delivered to a runner has its ack timer running, so the runner never
 * asks for more than it can start working on: at most `capacity` messages are held per runner
 * (and at most the consumer's max_ack_pending across runners). Memory stays flat under any
 * backlog, and runners sharing a consumer share the work by what they can actually do.
 */
import { Observable } from 'rxjs';
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';

export interface PullOptions {
  /** Most messages requested per pull. */
  readonly batch: number;
  /** Most messages held (delivered, not yet released) at once. */
  readonly capacity: number;
  /** How long one pull request waits at the server for messages. */
  readonly expiresMs?: number;
}

/**
 * Messages handed on between two turns of the event loop. A batch arrives in one read and each
 * message's synchronous work (decode, map, validate) runs as it is emitted; without a pause,
 * a 256-message batch would hold health checks, acks and publish replies for its whole length.
 */
const MESSAGES_PER_TURN = 16;

export class PullSource {
  private readonly consumer: Consumer;
  private readonly options: Required<PullOptions>;
  private readonly log: Logger;
  private held = 0;
  private stopped = false;
  private wake: (() => void) | undefined;
  private current: { stop(): void } | undefined;

  constructor(consumer: Consumer, options: PullOptions, log: Logger) {
    this.consumer = consumer;
    this.options = { expiresMs: 5000, ...options };
    this.log = log;
  }

  /** Emits messages until stop(); completes after the last pull has ended. */
  messages(): Observable<JsMsg> {
    return new Observable<JsMsg>((subscriber) => {
      void this.loop((m) => subscriber.next(m)).then(
        () => subscriber.complete(),
        (err: unknown) => subscriber.error(err),
      );
      return () => this.stop();
    });
  }

  /** One message is finished (acked, nak'ed or dead-lettered): its capacity is free again. */
  release(): void {
    this.held--;
    this.signal();
  }

  stop(): void {
    this.stopped = true;
    this.current?.stop();
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async loop(emit: (m: JsMsg) => void): Promise<void> {
    const { batch, capacity, expiresMs } = this.options;
    // Pull again once a good share of capacity is free, so requests stay batched under load.
    const refill = Math.max(1, Math.min(batch, Math.ceil(capacity / 2)));
    while (!this.stopped) {
      const free = capacity - this.held;
      if (free < refill) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      const want = Math.min(batch, free);
      try {
        const iter = await this.consumer.fetch({ max_messages: want, expires: expiresMs });
        this.current = iter;
        let sinceTurn = 0;
        for await (const m of iter) {
          if (this.stopped) {
            // Arrived after stop: hand it straight back rather than let its ack wait run out.
            m.nak();
            continue;
          }
          this.held++;
          emit(m);
          if (++sinceTurn === MESSAGES_PER_TURN) {
            sinceTurn = 0;
            await new Promise<void>((r) => setImmediate(r));
          }
        }
      } catch (err) {
        if (this.stopped) break;
        this.log.warn({ err: (err as Error).message }, 'pull failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        this.current = undefined;
      }
    }
  }
}
