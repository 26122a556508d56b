/**
 * Figures that change with time alone: a reservation stops counting at its expiry, and a new
 * local day brings inbound supply inside the horizon (or makes it available). Both mark the
 * SKUs concerned dirty so change events go out without any inventory event.
 */
import type { AvailabilityPolicy } from './policy.ts';
import type { AtpDb } from './lmdb-store.ts';
import type { LocationCalendar } from './calendar.ts';
import { localDay } from './calendar.ts';
import type { LookupRecord } from './fast.ts';

const MAX_DELAY = 2_147_000_000;

interface Due {
  readonly at: number;
  readonly sku: string;
}

/** Reservation expiries in a binary heap, earliest first; fires `onDue` with the SKUs whose reservations expired. */
export class ExpiryTimer {
  private readonly heap: Due[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private readonly clock: () => number;
  private readonly onDue: (skus: string[]) => void;

  constructor(clock: () => number, onDue: (skus: string[]) => void) {
    this.clock = clock;
    this.onDue = onDue;
  }

  add(at: number, sku: string): void {
    if (at <= this.clock()) return;
    const h = this.heap;
    h.push({ at, sku });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as Due).at <= at) break;
      [h[i], h[parent]] = [h[parent] as Due, h[i] as Due];
      i = parent;
    }
    if (at < this.armedFor) this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
    this.heap.length = 0;
  }

  private pop(): Due | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && (h[l] as Due).at < (h[m] as Due).at) m = l;
        if (r < h.length && (h[r] as Due).at < (h[m] as Due).at) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Due, h[i] as Due];
        i = m;
      }
    }
    return top;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const first = this.heap[0];
    this.armedFor = first ? first.at : Infinity;
    if (!first) return;
    // A few ms late so "expiresAt > now" is already false when lookups run.
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_DELAY, Math.max(0, first.at - this.clock() + 2)));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock();
    const skus = new Set<string>();
    while (this.heap.length > 0 && (this.heap[0] as Due).at <= now) skus.add((this.pop() as Due).sku);
    if (skus.size > 0) this.onDue([...skus]);
    this.arm();
  }
}

/**
 * Checks once a minute whether a location's local day turned; then marks the SKUs with dated
 * supply or demand there. Reads the in-memory lookup records (fast.ts layout), not LMDB.
 */
export class DaySweep {
  private readonly days = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(db: AtpDb, policy: AvailabilityPolicy, calendar: (id: string) => LocationCalendar, clock: () => number, onTurn: (skus: string[]) => void) {
    const check = (): void => {
      const now = clock();
      const turned = new Set<number>();
      for (const id of policy.locations.keys()) {
        const day = localDay(calendar(id).timeZone, now);
        const before = this.days.get(id);
        this.days.set(id, day);
        const index = db.locationIndex(id);
        if (before !== undefined && before !== day && index >= 0) turned.add(index);
      }
      if (turned.size === 0) return;
      const skus: string[] = [];
      for (const [sku, rec] of db.lookup) if (hasDated(rec, turned)) skus.push(sku);
      if (skus.length > 0) onTurn(skus);
    };
    check();
    this.timer = setInterval(check, 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** True when the record has inbound supply or dated demand at one of `locations`. */
function hasDated(rec: LookupRecord, locations: ReadonlySet<number>): boolean {
  let p = 1;
  for (let k = 0; k < (rec[0] as number); k++) {
    const nIn = rec[p + 3] as number;
    const nDated = rec[p + 4] as number;
    if (locations.has(rec[p] as number) && (nIn > 0 || nDated > 0)) return true;
    p += 5 + nIn * 3 + nDated * 2;
  }
  return false;
}
