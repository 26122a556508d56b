/**
 * The deadline timer: one timer (unref'd), armed for the earliest due deadline in the view.
 * When it fires, the view first catches up with the streams that could still close the
 * expectations (a document stored before the deadline must win over the timer), then each
 * due one is raised. Every runner does this; the exception's Nats-Msg-Id makes JetStream keep
 * one copy, and the view records it as fired once the exceptions stream shows it.
 */
import type { Entry } from './store.ts';

/** setTimeout's limit; a later deadline re-arms when this one passes. */
const MAX_DELAY = 2_147_000_000;
/** How long a failed round (NATS away, the view behind) waits before the next try. */
export const RETRY_MS = 1000;
const ROUND_LIMIT = 1000;

export interface FirerOptions {
  readonly clock: () => number;
  readonly nextDeadline: () => number | undefined;
  readonly dueBy: (now: number, limit: number) => Entry[];
  /** Resolves true once the view has folded everything the streams held when called. */
  readonly catchUp: () => Promise<boolean>;
  /** Publishes the exception for one entry; resolves once JetStream stored it (or had it). */
  readonly raise: (entry: Entry) => Promise<void>;
  readonly onError: (err: Error, entry?: Entry) => void;
}

export class DeadlineFirer {
  private readonly o: FirerOptions;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Raised by this runner but not yet seen in the exceptions stream: not raised again meanwhile. */
  private readonly raised = new Set<string>();
  readonly stats = { rounds: 0, raised: 0 };

  constructor(options: FirerOptions) {
    this.o = options;
  }

  /** Re-arms if the earliest deadline moved (call after each commit). */
  poke(): void {
    if (this.stopped || this.running) return;
    const next = this.o.nextDeadline();
    if (next === this.armedFor || (next === undefined && this.armedFor === Infinity)) return;
    this.arm(next);
  }

  /** The exceptions stream holds it now: forget the local note. */
  seen(name: string, key: string): void {
    this.raised.delete(`${name}\u0000${key}`);
  }

  /** Resolves when the round in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs a round now (tests drive a controlled clock through this). */
  fireNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private arm(at: number | undefined, minDelay = 0): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = at ?? Infinity;
    if (at === undefined || this.stopped) return;
    const delay = Math.min(MAX_DELAY, Math.max(minDelay, at - this.o.clock()));
    this.timer = setTimeout(() => void this.fireNow(), delay);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    this.stats.rounds++;
    let retry = false;
    try {
      const now = this.o.clock();
      const due = this.o.dueBy(now, ROUND_LIMIT).filter((e) => !this.raised.has(`${e.name}\u0000${e.key}`));
      if (due.length > 0) {
        if (!(await this.o.catchUp())) retry = true;
        else {
          // Read again: catching up may have closed some.
          const still = this.o.dueBy(now, ROUND_LIMIT).filter((e) => !this.raised.has(`${e.name}\u0000${e.key}`));
          await Promise.all(
            still.map(async (e) => {
              // Noted before the publish: the exceptions fold may see it before the ack arrives.
              const id = `${e.name}\u0000${e.key}`;
              this.raised.add(id);
              try {
                await this.o.raise(e);
                this.stats.raised++;
              } catch (err) {
                this.raised.delete(id);
                retry = true;
                this.o.onError(err as Error, e);
              }
            }),
          );
          if (still.length >= ROUND_LIMIT) retry = true;
        }
      }
    } catch (err) {
      retry = true;
      this.o.onError(err as Error);
    }
    if (this.stopped) return;
    // The earliest due one may be one just raised (its fold has not come back yet): look past it.
    const next = this.nextNotRaised();
    if (retry) this.arm(next === undefined ? undefined : Math.max(next, this.o.clock()), RETRY_MS);
    else this.arm(next);
  }

  /** The earliest deadline not raised by this runner already (those wait for the exceptions fold). */
  private nextNotRaised(): number | undefined {
    const next = this.o.nextDeadline();
    if (next === undefined || this.raised.size === 0) return next;
    const head = this.o.dueBy(Infinity, this.raised.size + 1);
    const first = head.find((e) => !this.raised.has(`${e.name}\u0000${e.key}`));
    // Only raised ones at the head (their fold has not come back yet): look again shortly.
    return first ? first.record.deadline : this.o.clock() + RETRY_MS;
  }
}
