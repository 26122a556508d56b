/**
 * The lookup record: per SKU, the time-independent part of each location's figure as a flat
 * array of numbers, derived from the full record whenever that is committed and kept in
 * memory (a map hit, no decode, little garbage; plain arrays rather than typed ones because
 * hundreds of thousands of small array buffers made garbage collection pauses several times
 * longer). A channel lookup then adds numbers:
 * expiring reservations and inbound supply are checked against the clock, the rest is summed
 * in advance. Where the answer needs the whole timeline, or a reservation there has expired
 * since the view last swept expiries (the record's totals still hold it), (future-dated demand, or a quantity
 * above what is there now while supply is on its way) the reader says so and the caller takes
 * the full path (figures.ts); a property test holds the two to the same answers.
 *
 * Layout (numbers): [count of locations] then per location
 *   [location index, base, nextExpiry or +Infinity, nInbound, nDated]
 *   nInbound  × [effective quantity, etaDay or NaN, etaMs or NaN]
 *   nDated    × [quantity, needBy day]
 * base = onHand + receipts since the snapshot − committed − holds − open reservations without
 * a need-by day (running totals: the record's size does not grow with open reservations). Location indexes come from a dictionary the view keeps in
 * memory, so the record does not depend on the policy.
 */
import type { SkuState } from './state.ts';
import type { AvailabilityPolicy, ChannelPolicy, PoolPlan } from './policy.ts';
import { poolPlan } from './policy.ts';
import { type LocationCalendar, localDay, localMinute, etaDay, shipDay, dateOfDay } from './calendar.ts';
import { channelStages, fenceAmount } from './channel-rules.ts';

/** A lookup record in memory. */
export type LookupRecord = readonly number[];

export function encodeFast(state: SkuState, indexOf: (location: string) => number): number[] {
  const words: number[] = [0];
  let count = 0;
  for (const [location, loc] of Object.entries(state.locations)) {
    let base = loc.onHand - loc.committed;
    for (const r of loc.receipts) if (r.receivedAt > loc.asOf) base += r.quantity;
    for (const h of loc.holds) base -= h.quantity;
    base -= loc.reserved;
    const dated: number[] = [];
    for (const [day, quantity] of loc.dated) dated.push(quantity, day);
    const inbound: number[] = [];
    const covered = new Map<string, number>();
    for (const e of loc.inbound) if (e.supersedes !== undefined) covered.set(e.supersedes, (covered.get(e.supersedes) ?? 0) + e.quantity);
    for (const e of loc.inbound) {
      const eff = e.quantity - e.received - (covered.get(e.id) ?? 0);
      if (eff > 0) inbound.push(eff, e.etaDay ?? NaN, e.etaMs ?? NaN);
    }
    words.push(indexOf(location), base, loc.nextExpiry ?? Infinity, inbound.length / 3, dated.length / 2, ...inbound, ...dated);
    count++;
  }
  words[0] = count;
  return words;
}

interface LocInfo {
  readonly id: string;
  /** Dictionary index; -1 until a record mentions the location. */
  index: number;
  readonly lead: number;
  readonly safety: number;
  readonly safetyBySku: ReadonlyMap<string, number> | undefined;
  readonly cal: LocationCalendar;
  minuteStart: number;
  today: number;
  /** The ship day for goods there today. */
  shipToday: number;
}

interface PlanInfo {
  readonly locs: readonly LocInfo[];
  /** Scratch for the ATP of each location (lookups are synchronous, so one array per plan does). */
  readonly atp: Float64Array;
}

export interface FastFigure {
  readonly available: number;
  readonly promiseDate: string | null;
  readonly shipDate: string | null;
}

/** Channel figures from lookup records; undefined when the full path must answer. */
export class FastReader {
  private readonly policy: AvailabilityPolicy;
  private readonly calendar: (location: string) => LocationCalendar;
  private readonly locationIndex: (location: string) => number;
  private plans = new WeakMap<PoolPlan, PlanInfo>();
  private readonly dates = new Map<number, string>();
  private later = false;

  constructor(policy: AvailabilityPolicy, calendar: (location: string) => LocationCalendar, locationIndex: (location: string) => number) {
    this.policy = policy;
    this.calendar = calendar;
    this.locationIndex = locationIndex;
  }

  /** Location master data changed (time zone, cut-off, days): forget what was derived from it. */
  invalidate(): void {
    this.plans = new WeakMap();
  }

  figure(sku: string, rec: LookupRecord | undefined, channel: ChannelPolicy, region: string | undefined, quantity: number, now: number): FastFigure | undefined {
    const plan = poolPlan(channel, region);
    const info = this.planInfo(plan);
    const atp = info.atp;
    this.later = false;
    let latestToday = -Infinity;
    for (let i = 0; i < info.locs.length; i++) {
      const loc = info.locs[i] as LocInfo;
      this.tick(loc, now);
      if (loc.today > latestToday) latestToday = loc.today;
      const a = this.locNow(sku, rec, loc, now);
      if (a < 0) return undefined;
      atp[i] = a;
    }
    const available = ats(channel, plan, atp);
    if (quantity > available) return this.later ? undefined : { available, promiseDate: null, shipDate: null };
    // The promise date is today in the calendars of the locations the quantity is taken from
    // (the latest of them), as in figures.ts.
    let ship = -Infinity;
    let promise = -Infinity;
    let remaining = quantity;
    for (const i of plan.allocationOrder) {
      if (remaining <= 0) break;
      const take = Math.min(remaining, atp[i] as number);
      if (take > 0) {
        remaining -= take;
        const loc = info.locs[i] as LocInfo;
        ship = Math.max(ship, loc.shipToday);
        promise = Math.max(promise, loc.today);
      }
    }
    if (promise === -Infinity) promise = latestToday;
    return { available, promiseDate: promise === -Infinity ? null : this.date(promise), shipDate: ship === -Infinity ? null : this.date(ship) };
  }

  /** ATP now at one location, or -1 when only the full timeline can tell. */
  private locNow(sku: string, rec: LookupRecord | undefined, loc: LocInfo, now: number): number {
    if (!rec) return 0;
    if (loc.index < 0) {
      loc.index = this.locationIndex(loc.id);
      if (loc.index < 0) return 0;
    }
    const n = rec[0] as number;
    let p = 1;
    for (let k = 0; k < n; k++) {
      const nIn = rec[p + 3] as number;
      const nDated = rec[p + 4] as number;
      if (rec[p] !== loc.index) {
        p += 5 + nIn * 3 + nDated * 2;
        continue;
      }
      // A reservation here expired after the last sweep: the full path takes it off.
      if ((rec[p + 2] as number) <= now) return -1;
      const safety = loc.safetyBySku?.get(sku) ?? loc.safety;
      let v = (rec[p + 1] as number) - safety;
      let q = p + 5;
      if (nIn > 0) {
        const horizonEnd = loc.today + this.policy.horizonDays;
        for (let i = 0; i < nIn; i++, q += 3) {
          const d = rec[q + 1] as number;
          const eta = Number.isNaN(d) ? etaDay({ etaMs: rec[q + 2] as number }, loc.cal.timeZone) : d;
          const day = Math.max(eta, loc.today) + loc.lead;
          if (day <= loc.today) v += rec[q] as number;
          else if (day <= horizonEnd) this.later = true;
        }
      }
      for (let i = 0; i < nDated; i++, q += 2) {
        // Demand dated later changes today's figure through the timeline: the full path decides.
        if ((rec[q + 1] as number) > loc.today) return -1;
        v -= rec[q] as number;
      }
      return v > 0 ? v : 0;
    }
    return 0;
  }

  private planInfo(plan: PoolPlan): PlanInfo {
    let info = this.plans.get(plan);
    if (!info) {
      const locs = plan.locations.map((id): LocInfo => {
        const lp = this.policy.locations.get(id);
        return {
          id,
          index: this.locationIndex(id),
          lead: lp?.receivingLeadDays ?? this.policy.receivingLeadDays,
          safety: lp?.safetyStock ?? 0,
          safetyBySku: lp && lp.safetyStockBySku.size > 0 ? lp.safetyStockBySku : undefined,
          cal: this.calendar(id),
          minuteStart: NaN,
          today: 0,
          shipToday: 0,
        };
      });
      info = { locs, atp: new Float64Array(locs.length) };
      this.plans.set(plan, info);
    }
    return info;
  }

  /** Today and the ship day at a location, recomputed once a minute. */
  private tick(loc: LocInfo, now: number): void {
    if (now >= loc.minuteStart && now < loc.minuteStart + 60_000) return;
    loc.minuteStart = now - (now % 60_000);
    loc.today = localDay(loc.cal.timeZone, now);
    loc.shipToday = shipDay(loc.cal, loc.today, loc.today, localMinute(loc.cal.timeZone, now));
  }

  private date(day: number): string {
    let d = this.dates.get(day);
    if (d === undefined) {
      d = dateOfDay(day);
      if (this.dates.size > 10_000) this.dates.clear();
      this.dates.set(day, d);
    }
    return d;
  }
}

/** channel ATS from the ATP of the plan's locations (the same rules as figures.ts channelAts). */
function ats(channel: ChannelPolicy, plan: PoolPlan, atp: Float64Array): number {
  let pool = 0;
  for (const a of atp) pool += a;
  let fenced = 0;
  for (const f of plan.fences) {
    let shared = 0;
    for (const i of f.sharedIndex) shared += atp[i] as number;
    fenced += fenceAmount(f.rule, shared);
  }
  return channelStages(channel, pool, fenced).ats;
}
