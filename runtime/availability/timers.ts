/**
 * Figures that change with time alone: a reservation stops counting at its expiry, and a new
 * local day brings inbound supply inside the horizon (or makes it available). Both mark the
 * SKUs concerned dirty so change events go out without any inventory event.
 */
import type { AvailabilityPolicy } from './policy.ts';
import type { AtpDb } from './lmdb-store.ts';
import type { LocationCalendar } from './calendar.ts';
import { localDay } from './calendar.ts';

const MAX_DELAY = 2_147_000_000;

/** Reservation expiries, earliest first; fires `onDue` with the SKUs whose reservations expired. */
export class ExpiryTimer {
  private readonly due: { at: number; sku: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: () => number;
  private readonly onDue: (skus: string[]) => void;

  constructor(clock: () => number, onDue: (skus: string[]) => void) {
    this.clock = clock;
    this.onDue = onDue;
  }

  add(at: number, sku: string): void {
    if (at <= this.clock()) return;
    let lo = 0;
    let hi = this.due.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.due[mid] as { at: number }).at <= at) lo = mid + 1;
      else hi = mid;
    }
    this.due.splice(lo, 0, { at, sku });
    if (lo === 0) this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due.length = 0;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const first = this.due[0];
    if (!first) return;
    // A few ms late so "expiresAt > now" is already false when lookups run.
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_DELAY, Math.max(0, first.at - this.clock() + 2)));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock();
    const skus = new Set<string>();
    while (this.due.length > 0 && (this.due[0] as { at: number }).at <= now) skus.add((this.due.shift() as { sku: string }).sku);
    if (skus.size > 0) this.onDue([...skus]);
    this.arm();
  }
}

/** Checks once a minute whether a location's local day turned; then marks its SKUs with dated supply or demand. */
export class DaySweep {
  private readonly days = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(db: AtpDb, policy: AvailabilityPolicy, calendar: (id: string) => LocationCalendar, clock: () => number, onTurn: (skus: string[]) => void) {
    const check = (): void => {
      const now = clock();
      const turned = new Set<string>();
      for (const id of policy.locations.keys()) {
        const day = localDay(calendar(id).timeZone, now);
        const before = this.days.get(id);
        this.days.set(id, day);
        if (before !== undefined && before !== day) turned.add(id);
      }
      if (turned.size === 0) return;
      const skus: string[] = [];
      for (const { key, value } of db.skus.getRange()) {
        for (const id of turned) {
          const loc = value.locations[id];
          if (loc && (loc.inbound.length > 0 || loc.reservations.some((r) => r.needBy !== undefined))) {
            skus.push(key);
            break;
          }
        }
      }
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
