/**
 * Inventory synchronization delays as this runner's view sees them: for each warehouse event
 * the view applies, the time from the stream storing it to the commit that makes it visible.
 * Kept as per-minute, per-warehouse histograms on a log scale (1 ms to about 1 h, 8 buckets
 * a decade), for the last 24 hours: memory is bounded by minutes × warehouses × buckets,
 * whatever the event rate. Delays are read only once the view has caught up at start: a
 * rebuild is not a delay a channel sees.
 */
import type { DelaySample } from './compute.ts';

const MINUTE = 60_000;
const KEEP_MINUTES = 24 * 60;
const PER_DECADE = 8;
const MIN_MS = 1;
/** Bucket i holds delays up to MIN_MS × 10^(i/PER_DECADE) ms; the last catches the rest. */
const BUCKETS = 6.6 * PER_DECADE;
const bound = (i: number): number => MIN_MS * 10 ** (i / PER_DECADE);
const bucketOf = (ms: number): number => (ms <= MIN_MS ? 0 : Math.min(Math.ceil(Math.log10(ms / MIN_MS) * PER_DECADE), Math.floor(BUCKETS)));

export class SyncDelays {
  /** minute start → warehouse → counts per bucket. */
  private readonly minutes = new Map<number, Map<string, Uint32Array>>();
  private live = false;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** From now on commits are live traffic, not the catch-up at start. */
  caughtUp(): void {
    this.live = true;
  }

  record(events: readonly { readonly location: string; readonly storedAt: number }[]): void {
    if (!this.live || events.length === 0) return;
    const now = this.now();
    const minute = now - (now % MINUTE);
    let byWarehouse = this.minutes.get(minute);
    if (!byWarehouse) {
      this.minutes.set(minute, (byWarehouse = new Map()));
      this.prune(minute);
    }
    for (const e of events) {
      let counts = byWarehouse.get(e.location);
      if (!counts) byWarehouse.set(e.location, (counts = new Uint32Array(Math.floor(BUCKETS) + 1)));
      (counts[bucketOf(Math.max(0, now - e.storedAt))] as number)++;
    }
  }

  /** The recorded delays as weighted samples (a bucket's upper bound, in seconds). */
  samples(): DelaySample[] {
    const out: DelaySample[] = [];
    for (const [at, byWarehouse] of this.minutes) {
      for (const [warehouse, counts] of byWarehouse) {
        counts.forEach((count, i) => {
          if (count > 0) out.push({ at, warehouse, seconds: bound(i) / 1000, count });
        });
      }
    }
    return out;
  }

  /** The oldest minute still held (KPIs before it are not available from this runner). */
  get since(): number | undefined {
    let first: number | undefined;
    for (const m of this.minutes.keys()) if (first === undefined || m < first) first = m;
    return first;
  }

  private prune(current: number): void {
    for (const m of this.minutes.keys()) if (m <= current - KEEP_MINUTES * MINUTE) this.minutes.delete(m);
  }
}
