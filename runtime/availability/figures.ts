/**
 * Channel figures from location curves, exactly as docs/availability.md defines them ("The figures, and Crossdock's choices"):
 *
 *   pool        = Σ ATP over the locations serving the channel and the customer's region
 *   channel ATS = pool − ring-fenced for others, then the share of that (rounded down), the
 *                 cap, the buffer (channel-rules.ts), never below 0
 *   promise     = earliest day with ATS ≥ quantity, in the calendars of the locations the
 *                 quantity is taken from; ship date after cut-off and working days
 *
 * A percentage buffer is of the figure before the buffer; a percentage ring-fence is of the
 * stock at the locations the two channels share. Pure: no I/O, no clock of its own.
 */
import type { ChannelExplain, ChannelFigure, LocationExplain, LocationFigure, SkuAvailability, Source, LookupQuery } from './api.ts';
import type { ChannelPolicy, PoolPlan } from './policy.ts';
import { channelStages, fenceAmount, type ChannelStages } from './channel-rules.ts';
import { poolPlan } from './policy.ts';
import type { SkuState } from './state.ts';
import { dateOfDay, shipDay } from './calendar.ts';
import { atpOn, counts, locationCurve, promiseDay, type Curve, type FigureContext } from './curve.ts';

export type { FigureContext } from './curve.ts';

/** The "now" of a figure: each location's own today. */
export const NOW = -Infinity;

/** The channel's figure on `day` from the curves of `plan.locations` (same order). */
export function channelAts(channel: ChannelPolicy, plan: PoolPlan, curves: readonly Curve[], day: number): ChannelStages {
  let pool = 0;
  for (let i = 0; i < curves.length; i++) pool += atpOn(curves[i] as Curve, day);
  let fenced = 0;
  for (const f of plan.fences) {
    let shared = 0;
    for (const i of f.sharedIndex) shared += atpOn(curves[i] as Curve, day);
    fenced += fenceAmount(f.rule, shared);
  }
  return channelStages(channel, pool, fenced);
}

/** Earliest day the channel can promise `quantity`: NOW, a day number, or undefined. */
export function channelPromiseDay(channel: ChannelPolicy, plan: PoolPlan, curves: readonly Curve[], quantity: number): number | undefined {
  if (channelAts(channel, plan, curves, NOW).ats >= quantity) return NOW;
  const candidates = new Set<number>();
  for (const c of curves) if (c.days) for (let i = 1; i < c.days.length; i++) candidates.add(c.days[i] as number);
  for (const d of [...candidates].sort((a, b) => a - b)) if (channelAts(channel, plan, curves, d).ats >= quantity) return d;
  return undefined;
}

/** Takes `quantity` from the plan's locations in allocation order, as ATP on `day` allows. */
export function allocate(plan: PoolPlan, curves: readonly Curve[], quantity: number, day: number): { index: number; quantity: number }[] {
  const out: { index: number; quantity: number }[] = [];
  let remaining = quantity;
  for (const i of plan.allocationOrder) {
    if (remaining <= 0) break;
    const take = Math.min(remaining, atpOn(curves[i] as Curve, day));
    if (take > 0) {
      out.push({ index: i, quantity: take });
      remaining -= take;
    }
  }
  return out;
}

function curvesFor(sku: string, state: SkuState | undefined, locations: readonly string[], ctx: FigureContext, explain: boolean, cache?: Map<string, Curve>): Curve[] {
  const out = new Array<Curve>(locations.length);
  for (let i = 0; i < locations.length; i++) {
    const id = locations[i] as string;
    let c = cache?.get(id);
    if (!c) {
      c = locationCurve(sku, state?.locations[id], id, ctx, explain);
      cache?.set(id, c);
    }
    out[i] = c;
  }
  return out;
}

export function channelFigure(sku: string, state: SkuState | undefined, channel: ChannelPolicy, region: string | undefined, quantity: number, ctx: FigureContext, explain = false, cache?: Map<string, Curve>): ChannelFigure {
  const plan = poolPlan(channel, region);
  const curves = curvesFor(sku, state, plan.locations, ctx, explain, cache);
  const now = channelAts(channel, plan, curves, NOW);
  const day = now.ats >= quantity ? NOW : channelPromiseDay(channel, plan, curves, quantity);
  let promiseDate: string | null = null;
  let shipDate: string | null = null;
  if (day !== undefined) {
    // The date is in the calendars of the locations the quantity is taken from: never before
    // today at any of them (a location twelve hours behind must not make it yesterday at the
    // one that ships). Nothing to take (quantity 0): the latest today of the pool.
    const taken = allocate(plan, curves, quantity, day);
    let promise = day;
    for (const c of taken.length > 0 ? taken.map((a) => curves[a.index] as Curve) : curves) promise = Math.max(promise, c.today);
    promiseDate = promise === NOW ? null : dateOfDay(promise);
    let ship = -Infinity;
    for (const a of taken) {
      const c = curves[a.index] as Curve;
      ship = Math.max(ship, shipDay(c.cal, Math.max(day, c.today), c.today, c.minute));
    }
    shipDate = ship === -Infinity ? null : dateOfDay(ship);
  }
  const figure: ChannelFigure = { channel: channel.name, ...(region === undefined ? {} : { region }), available: now.ats, quantity, promiseDate, shipDate };
  if (!explain) return figure;
  const ex: ChannelExplain = {
    locations: plan.locations,
    pool: now.pool,
    ringFencedForOthers: now.fenced,
    afterRingFences: now.afterRingFences,
    share: channel.sharePercent ?? null,
    afterShare: now.afterShare,
    cap: channel.cap ?? null,
    afterCap: now.afterCap,
    buffer: now.buffer,
    perLocation: curves.map((c) => locationFigureOf(sku, state, c, quantity, ctx, true)),
  };
  return { ...figure, explain: ex };
}

function locationFigureOf(sku: string, state: SkuState | undefined, c: Curve, quantity: number, ctx: FigureContext, explain: boolean): LocationFigure {
  const day = promiseDay(c, quantity);
  const figure: LocationFigure = {
    location: c.location,
    available: c.atpNow,
    quantity,
    promiseDate: day === undefined ? null : dateOfDay(day),
    shipDate: day === undefined ? null : dateOfDay(shipDay(c.cal, day, c.today, c.minute)),
  };
  return explain ? { ...figure, explain: explainLocation(sku, state, c, ctx) } : figure;
}

function explainLocation(sku: string, state: SkuState | undefined, c: Curve, ctx: FigureContext): LocationExplain {
  const loc = state?.locations[c.location];
  const p = c.parts;
  const sources: Source[] = [];
  if (loc && loc.version >= 0) sources.push({ kind: 'position', quantity: loc.onHand, seq: loc.positionSeq });
  for (const r of loc?.receipts ?? []) if (r.receivedAt > loc!.asOf) sources.push({ kind: 'receipt', id: r.id, quantity: r.quantity, seq: r.seq });
  // Every open line at the location (explain is rare; a hot SKU's list is long, and read only here).
  for (const r of loc ? ctx.ledger.lines(sku, c.location) : []) {
    if (!counts(r, ctx.now)) continue;
    sources.push({
      kind: 'reservation',
      id: r.id,
      quantity: r.quantity,
      seq: r.seq,
      ...(r.needBy === undefined ? {} : { day: dateOfDay(r.needBy) }),
      ...(r.expiresAt === undefined ? {} : { expiresAt: new Date(r.expiresAt).toISOString() }),
    });
  }
  for (const h of loc?.holds ?? []) sources.push({ kind: 'hold', id: h.id, quantity: h.quantity, seq: h.seq });
  for (const i of p?.inboundDays ?? []) sources.push({ kind: 'inbound', id: i.id, quantity: i.quantity, seq: i.seq, day: dateOfDay(i.day) });
  return {
    onHand: p?.onHand ?? 0,
    receivedSinceSnapshot: p?.received ?? 0,
    committed: p?.committed ?? 0,
    reserved: p?.reserved ?? 0,
    qualityHold: p?.holds ?? 0,
    safetyStock: p?.safetyStock ?? 0,
    physical: Math.max(0, p?.physicalRaw ?? 0),
    backlog: Math.max(0, -(p?.physicalRaw ?? 0)),
    inbound: p?.inbound ?? 0,
    snapshotVersion: loc && loc.version >= 0 ? loc.version : null,
    today: dateOfDay(c.today),
    timeZone: c.cal.timeZone,
    atpByDay: c.days ? c.days.map((d, i) => ({ day: dateOfDay(d), atp: (c.atp as readonly number[])[i] as number })) : [{ day: dateOfDay(c.today), atp: c.atpNow }],
    sources,
  };
}

/** Every figure for one SKU: one channel (with `query.channel`), or every channel and location. */
export function skuAvailability(sku: string, state: SkuState | undefined, query: LookupQuery, ctx: FigureContext, seq: number): SkuAvailability {
  const quantity = query.quantity ?? 1;
  const explain = query.explain === true;
  const policy = ctx.policy;
  if (query.channel !== undefined) {
    const channel = policy.channelByName.get(query.channel);
    if (!channel) throw new RangeError(`unknown channel '${query.channel}' (known: ${[...policy.channelByName.keys()].join(', ')})`);
    return { sku, known: state !== undefined, seq, channels: [channelFigure(sku, state, channel, query.region, quantity, ctx, explain)] };
  }
  const cache = new Map<string, Curve>();
  const channels = policy.channels.map((c) => channelFigure(sku, state, c, query.region, quantity, ctx, explain, cache));
  const locations = [...policy.locations.keys()].map((id) => {
    let c = cache.get(id);
    if (!c) c = locationCurve(sku, state?.locations[id], id, ctx, explain);
    return locationFigureOf(sku, state, c, quantity, ctx, explain);
  });
  return { sku, known: state !== undefined, seq, channels, locations };
}

export interface Fit {
  readonly available: number;
  /** Present when the quantity fits: where it is taken from. */
  readonly allocations?: readonly { readonly location: string; readonly quantity: number }[];
}

/** Whether `quantity` fits the channel's figure on `day` (NOW or a need-by day), and where from. */
export function fit(sku: string, state: SkuState | undefined, channel: ChannelPolicy, region: string | undefined, quantity: number, day: number, ctx: FigureContext): Fit {
  const plan = poolPlan(channel, region);
  const curves = curvesFor(sku, state, plan.locations, ctx, false);
  const { ats } = channelAts(channel, plan, curves, day);
  if (ats < quantity) return { available: ats };
  return { available: ats, allocations: allocate(plan, curves, quantity, day).map((a) => ({ location: plan.locations[a.index] as string, quantity: a.quantity })) };
}

/** What a channel sees of a SKU now: the default figure and, when it has regional lists, each region's. */
export interface VisibleFigure {
  readonly available: number;
  readonly regions?: Readonly<Record<string, number>>;
}

export function visibleFigure(sku: string, state: SkuState | undefined, channel: ChannelPolicy, ctx: FigureContext, cache: Map<string, Curve>): VisibleFigure {
  const at = (plan: PoolPlan): number => channelAts(channel, plan, curvesFor(sku, state, plan.locations, ctx, false, cache), NOW).ats;
  const available = at(channel.fallback);
  if (channel.byRegion.size === 0) return { available };
  const regions: Record<string, number> = {};
  for (const [region, plan] of channel.byRegion) regions[region] = at(plan);
  return { available, regions };
}

/** A region missing on one side counts as 0. Without allocation: change events compare thousands a second. */
export function sameFigure(a: VisibleFigure, b: VisibleFigure): boolean {
  if (a.available !== b.available) return false;
  const ra = a.regions;
  const rb = b.regions;
  if (ra) for (const k in ra) if ((ra[k] ?? 0) !== (rb?.[k] ?? 0)) return false;
  if (rb) for (const k in rb) if ((rb[k] ?? 0) !== (ra?.[k] ?? 0)) return false;
  return true;
}
