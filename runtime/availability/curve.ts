/**
 * One location's ATP over time, exactly as docs/availability.md defines it ("The figures, and Crossdock's choices"):
 *
 *   physical  = onHand (+ receipts since the snapshot) − committed − reserved(unexpired) − holds − safety stock
 *   supply(d) = physical + Σ inbound whose ETA + receiving lead time ≤ d, within the horizon
 *   ATP(d)    = min over t ≥ d of cumulative supply(t) − cumulative demand(t)
 *
 * Demand dated later (reservations with a need-by day) is subtracted on its day, and the
 * suffix minimum keeps earlier days from promising stock it already holds. Pure: the state,
 * the policy and the clock in, numbers out.
 */
import type { AvailabilityPolicy } from './policy.ts';
import type { LocState } from './state.ts';
import { expiredSinceSweep, type LedgerReader } from './ledger.ts';
import { DEFAULT_CALENDAR, etaDay, localDay, localMinute, type LocationCalendar } from './calendar.ts';

export interface FigureContext {
  readonly policy: AvailabilityPolicy;
  /** The instant figures are for (epoch ms): the clock for lookups, the event time for decisions. */
  readonly now: number;
  calendar(location: string): LocationCalendar;
  /** Open reservation lines: what expired since the last sweep, and explain's sources. */
  readonly ledger: LedgerReader;
}

export interface CurveParts {
  readonly onHand: number;
  readonly received: number;
  readonly committed: number;
  readonly reserved: number;
  readonly holds: number;
  readonly safetyStock: number;
  /** Before flooring: negative when demand exceeds stock. */
  readonly physicalRaw: number;
  readonly inbound: number;
  /** Inbound entries counted, with the day each becomes available (for explain). */
  readonly inboundDays: readonly { readonly id: string; readonly quantity: number; readonly day: number; readonly seq: number }[];
}

export interface Curve {
  readonly location: string;
  readonly today: number;
  /** Minutes after local midnight now. */
  readonly minute: number;
  readonly cal: LocationCalendar;
  /** ATP from today on. */
  readonly atpNow: number;
  /** When ATP changes later: atp[i] holds from days[i] (days[0] is today). Undefined: never. */
  readonly days: readonly number[] | undefined;
  readonly atp: readonly number[] | undefined;
  readonly parts?: CurveParts;
}

const EPS = 1e-9;
/** Rounding that ignores binary noise (0.1 × 30 is not quite 3). */
export const floorQ = (v: number): number => Math.floor(v + EPS);
export const ceilQ = (v: number): number => Math.ceil(v - EPS);

export function safetyStockFor(policy: AvailabilityPolicy, location: string, sku: string): number {
  const lp = policy.locations.get(location);
  if (!lp) return 0;
  return lp.safetyStockBySku.get(sku) ?? lp.safetyStock;
}

/** True while a reservation counts at `now`. */
export function counts(entry: { readonly expiresAt?: number }, now: number): boolean {
  return entry.expiresAt === undefined || entry.expiresAt > now;
}

export function locationCurve(sku: string, loc: LocState | undefined, location: string, ctx: FigureContext, explain = false): Curve {
  const cal = ctx.calendar(location) ?? DEFAULT_CALENDAR;
  const now = ctx.now;
  const today = localDay(cal.timeZone, now);
  const minute = localMinute(cal.timeZone, now);
  const safety = safetyStockFor(ctx.policy, location, sku);
  if (!loc) {
    const parts = explain ? { onHand: 0, received: 0, committed: 0, reserved: 0, holds: 0, safetyStock: safety, physicalRaw: -safety, inbound: 0, inboundDays: [] } : undefined;
    return { location, today, minute, cal, atpNow: 0, days: undefined, atp: undefined, ...(parts ? { parts } : {}) };
  }
  let received = 0;
  for (const r of loc.receipts) if (r.receivedAt > loc.asOf) received += r.quantity;
  let changes: [number, number][] | undefined;
  let reserved = loc.reserved;
  // Lines that expired between the last sweep (stream time) and now still sit in the totals.
  let expiredDated: Map<number, number> | undefined;
  for (const l of expiredSinceSweep(ctx.ledger, sku, location, loc, now)) {
    if (l.needBy === undefined) reserved -= l.quantity;
    else (expiredDated ??= new Map()).set(l.needBy, (expiredDated.get(l.needBy) ?? 0) + l.quantity);
  }
  for (const [day, total] of loc.dated) {
    const q = total - (expiredDated?.get(day) ?? 0);
    if (q <= 1e-9) continue;
    if (day > today) (changes ??= []).push([day, -q]);
    else reserved += q;
  }
  let holds = 0;
  for (const h of loc.holds) holds += h.quantity;
  const physicalRaw = loc.onHand + received - loc.committed - reserved - holds - safety;
  let base = physicalRaw;
  let inboundSum = 0;
  const inboundDays: { id: string; quantity: number; day: number; seq: number }[] | undefined = explain ? [] : undefined;
  if (loc.inbound.length > 0) {
    const lead = ctx.policy.locations.get(location)?.receivingLeadDays ?? ctx.policy.receivingLeadDays;
    const horizonEnd = today + ctx.policy.horizonDays;
    const superseded = supersededQuantities(loc);
    for (const e of loc.inbound) {
      const eff = e.quantity - e.received - (superseded?.get(e.id) ?? 0);
      if (eff <= 0) continue;
      const day = Math.max(etaDay(e, cal.timeZone), today) + lead;
      if (day > horizonEnd) continue;
      inboundSum += eff;
      inboundDays?.push({ id: e.id, quantity: eff, day, seq: e.seq });
      if (day <= today) base += eff;
      else (changes ??= []).push([day, eff]);
    }
  }
  const parts: CurveParts | undefined = explain
    ? { onHand: loc.onHand, received, committed: loc.committed, reserved, holds, safetyStock: safety, physicalRaw, inbound: inboundSum, inboundDays: inboundDays ?? [] }
    : undefined;
  if (!changes) return { location, today, minute, cal, atpNow: Math.max(0, base), days: undefined, atp: undefined, ...(parts ? { parts } : {}) };
  return { location, today, minute, cal, ...timeline(today, base, changes), ...(parts ? { parts } : {}) };
}

/** Units of each PO-ack line already covered by ASN lines that name it. */
function supersededQuantities(loc: LocState): Map<string, number> | undefined {
  let map: Map<string, number> | undefined;
  for (const e of loc.inbound) {
    if (e.supersedes === undefined) continue;
    map ??= new Map();
    map.set(e.supersedes, (map.get(e.supersedes) ?? 0) + e.quantity);
  }
  return map;
}

/** Cumulative supply − demand by day, then the suffix minimum (backward consumption). */
function timeline(today: number, base: number, changes: [number, number][]): { atpNow: number; days: number[]; atp: number[] } {
  changes.sort((a, b) => a[0] - b[0]);
  const days = [today];
  const cum = [base];
  let running = base;
  for (const [day, delta] of changes) {
    running += delta;
    if (days[days.length - 1] === day) cum[cum.length - 1] = running;
    else {
      days.push(day);
      cum.push(running);
    }
  }
  const atp = new Array<number>(cum.length);
  let min = Infinity;
  for (let i = cum.length - 1; i >= 0; i--) {
    min = Math.min(min, cum[i] as number);
    atp[i] = Math.max(0, min);
  }
  return { atpNow: atp[0] as number, days, atp };
}

/** ATP on `day` (days before today read as today). */
export function atpOn(curve: Curve, day: number): number {
  const days = curve.days;
  if (!days) return curve.atpNow;
  const atp = curve.atp as readonly number[];
  let i = 0;
  while (i + 1 < days.length && (days[i + 1] as number) <= day) i++;
  return atp[i] as number;
}

/** Earliest day from today with ATP ≥ quantity, or undefined. */
export function promiseDay(curve: Curve, quantity: number): number | undefined {
  if (curve.atpNow >= quantity) return curve.today;
  const days = curve.days;
  if (!days) return undefined;
  const atp = curve.atp as readonly number[];
  for (let i = 1; i < days.length; i++) if ((atp[i] as number) >= quantity) return days[i];
  return undefined;
}
