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
  /** Most messages one pull asks for (and holds). */
  readonly batch?: number;
  /** Most messages handed to `handle` at once. */
  readonly group?: number;
  /**
   * Caught up, wait this long (ms) after handling a group before handling the next, so that a
   * trickle arrives in groups rather than one message per handle. A group costs its handler
   * (a commit, an append round trip) about the same whatever its size: a view that may trail
   * the stream by this much pays that once per window instead of once per message. Default 0.
   */
  readonly linger?: number;
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
   * Hands messages to `handle` in groups until stop() (or, with `untilCaughtUp`, until the
   * stream has no more). A group closes when it reaches `group` messages or the stream has
   * nothing more for now, and is handled while the pull stays open: a trickle is handled as it
   * comes, and at most one pull's messages (`batch`) wait in memory. On a failure (connection
   * lost, a handler's error) it waits and resumes at the first sequence not yet handled, so
   * `handle` sees every message at least once and in order. "Nothing more for now" is the
   * server's count of undelivered messages at zero and none already delivered waiting behind.
   */
  async run(handle: (messages: JsMsg[]) => Promise<void> | void, untilCaughtUp = false): Promise<void> {
    let from = this.o.from;
    const groupSize = this.o.group ?? 64;
    while (!this.stopped) {
      try {
        const consumer = await this.o.js.consumers.get(this.o.stream, from <= 1 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
        while (!this.stopped) {
          const iter = await consumer.fetch({ max_messages: this.o.batch ?? 256, expires: untilCaughtUp ? 1000 : 5000 });
          this.current = iter;
          let group: JsMsg[] = [];
          let got = 0;
          let caughtUp = false;
          const flush = async (): Promise<void> => {
            if (group.length === 0) return;
            const g = group;
            group = [];
            await handle(g);
            from = (g[g.length - 1] as JsMsg).seq + 1;
          };
          for await (const m of iter) {
            got++;
            group.push(m);
            caughtUp = m.info.pending === 0 && iter.getPending() === 0;
            if (group.length >= groupSize) await flush();
            else if (caughtUp) {
              await flush();
              // Not in a catch-up: what arrives while this waits is delivered to the open pull and
              // handled as one group. Stop wakes it.
              if (!untilCaughtUp && (this.o.linger ?? 0) > 0 && !this.stopped) await this.pause(this.o.linger as number);
            }
            // Leaving the pull drops what it holds; only once nothing more will be read.
            if (caughtUp && untilCaughtUp) break;
            if (this.stopped) break;
          }
          await flush();
          this.current = undefined;
          if (untilCaughtUp && (got === 0 || caughtUp)) return;
        }
      } catch (err) {
        if (this.stopped) break;
        if (untilCaughtUp) throw err;
        this.o.logger?.warn({ stream: this.o.stream, from, err: (err as Error).message }, 'stream read failed; resuming');
        await this.pause(1000);
      }
    }
  }

  /** Waits `ms`, or until stop(). */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  stop(): void {
    this.stopped = true;
    this.current?.stop();
    this.wake?.();
  }
}
