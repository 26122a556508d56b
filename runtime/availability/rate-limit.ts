/** A token bucket per API key: `burst` requests at once, then `perSecond` sustained. */

export interface RateDecision {
  readonly allowed: boolean;
  /** Whole seconds until the request would be allowed (for Retry-After). */
  readonly retryAfterSeconds: number;
}

const ALLOWED: RateDecision = { allowed: true, retryAfterSeconds: 0 };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly clock: () => number;

  constructor(perSecond: number, burst: number, clock: () => number = () => performance.now()) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
  }

  /** Takes `cost` tokens from `key`'s bucket when it has them. */
  take(key: string, cost = 1): RateDecision {
    const now = this.clock();
    const need = Math.min(cost, this.burst);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
      b.at = now;
    }
    if (b.tokens >= need) {
      b.tokens -= need;
      return ALLOWED;
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((need - b.tokens) / this.perSecond)) };
  }
}
