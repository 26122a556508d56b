/**
 * Limits calls to a remote service from one runner: at most `concurrency` at once and, when
 * `ratePerSecond` is set, no more than that many started per second (a token bucket holding
 * at most one second's worth).
 */
export class RateGate {
  private readonly rate: number | undefined;
  private readonly concurrency: number;
  private active = 0;
  private tokens: number;
  private last = performance.now();
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(ratePerSecond: number | undefined, concurrency: number) {
    this.rate = ratePerSecond;
    this.concurrency = concurrency;
    this.tokens = ratePerSecond ?? 0;
  }

  /** Resolves with a release function once a call may start. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active--;
          this.pump();
        });
      });
      this.pump();
    });
  }

  private refill(): void {
    if (this.rate === undefined) return;
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }

  private pump(): void {
    this.refill();
    while (this.waiting.length > 0 && this.active < this.concurrency) {
      if (this.rate !== undefined) {
        if (this.tokens < 1) {
          if (!this.timer) {
            const wait = ((1 - this.tokens) / this.rate) * 1000;
            this.timer = setTimeout(() => {
              this.timer = undefined;
              this.pump();
            }, Math.ceil(wait));
          }
          return;
        }
        this.tokens -= 1;
      }
      this.waiting.shift()?.();
    }
  }
}
