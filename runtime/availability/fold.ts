/**
 * The projection's fold: one inventory event applied to the state, deterministically. The
 * same events in the same order give the same state on every replica and on a rebuild:
 * nothing here reads the clock (reservation requests are decided at the event's stream time).
 *
 * - Snapshots apply only when their source version is higher than the one held.
 * - Reservations, holds and receipts are idempotent by id; a release seen before its
 *   reservation (or hold) leaves a tombstone so the late original never counts.
 * - Inbound lines are upserts by id; receipts take their quantity off the line they name.
 * - Open reservations are running totals per location plus ledger lines (ledger.ts). Before
 *   each event, reservations that expired by its stream time come off the totals, found by a
 *   range read of the time-ordered expiry index: each change costs the same however many
 *   reservations are open on the SKU.
 */
import type { AvailabilityPolicy } from './policy.ts';
import type { InventoryEvent, EventMeta, ReservationRequestedEvent } from './events.ts';
import { EMPTY_LOC, type FoldStore, type LocState, type LocationMaster, type ReservationRecord, type SkuState } from './state.ts';
import { NEVER, withLine, type LedgerLine } from './ledger.ts';
import { calendarOf, DEFAULT_CALENDAR, type LocationCalendar } from './calendar.ts';
import { fit, NOW } from './figures.ts';
import type { FigureContext } from './curve.ts';

export interface Applied {
  /** SKUs whose state changed. */
  readonly skus: readonly string[];
  /** The decision, for a reservation request that was decided now. */
  readonly decision?: ReservationRecord;
  /** Location master data that changed. */
  readonly location?: LocationMaster;
  /** SKUs whose reservations expired (by stream time) before this event applied. */
  readonly expired?: readonly string[];
}

const NOTHING: Applied = { skus: [] };
const calendars = new WeakMap<LocationMaster, LocationCalendar>();

/** Location calendars as the store currently holds them (defaults for unknown locations). */
export function calendarFrom(store: Pick<FoldStore, 'location'>): (id: string) => LocationCalendar {
  return (id) => {
    const m = store.location(id);
    if (!m) return DEFAULT_CALENDAR;
    let c = calendars.get(m);
    if (!c) {
      c = calendarOf(m);
      calendars.set(m, c);
    }
    return c;
  };
}

export function applyEvent(store: FoldStore, ev: InventoryEvent, meta: EventMeta, policy: AvailabilityPolicy): Applied {
  const expired = sweep(store, meta.time);
  const applied = applyOne(store, ev, meta, policy);
  return expired.length === 0 ? applied : { ...applied, expired };
}

/**
 * Takes reservations that expired by `time` off the totals (TigerBeetle's timeout), earliest
 * first from the expiry index; returns the SKUs concerned. The sweep point only moves forward.
 */
function sweep(store: FoldStore, time: number): string[] {
  if (time <= store.sweptAt()) return [];
  const skus = new Set<string>();
  for (const { at, id } of store.due(time)) {
    store.deleteDue(at, id);
    const r = store.reservation(id);
    if (r?.status !== 'active') continue;
    for (const l of unbook(store, r)) skus.add(l);
  }
  store.setSweptAt(time);
  return [...skus];
}

function applyOne(store: FoldStore, ev: InventoryEvent, meta: EventMeta, policy: AvailabilityPolicy): Applied {
  switch (ev.type) {
    case 'position': {
      const loc = locOf(store, ev.sku, ev.location);
      if (ev.version <= loc.version) return NOTHING;
      write(store, ev.sku, ev.location, {
        ...loc,
        version: ev.version,
        asOf: ev.asOf,
        onHand: ev.onHand,
        committed: ev.committed,
        positionSeq: meta.seq,
        receipts: loc.receipts.filter((r) => r.receivedAt > ev.asOf),
      });
      return { skus: [ev.sku] };
    }
    case 'reservation.created': {
      const existing = store.reservation(ev.id);
      const base = { id: ev.id, origin: 'event' as const, lines: ev.lines, seq: meta.seq, ...opt('channel', ev.channel), ...opt('expiresAt', ev.expiresAt), ...opt('needBy', ev.needBy) };
      if (existing) {
        if (existing.status === 'closed-unseen') store.putReservation({ ...base, status: closedStatus(existing) });
        return NOTHING;
      }
      store.putReservation({ ...base, status: 'active' });
      return { skus: hold(store, ev.id, ev.lines, meta, ev.expiresAt, ev.needBy) };
    }
    case 'reservation.requested':
      return decide(store, ev, meta, policy);
    case 'reservation.released':
    case 'reservation.consumed': {
      const status = ev.type === 'reservation.released' ? 'released' : 'consumed';
      const existing = store.reservation(ev.id);
      if (!existing) {
        store.putReservation({ id: ev.id, status: 'closed-unseen', origin: 'event', lines: [], reason: status, seq: meta.seq });
        return NOTHING;
      }
      if (existing.status !== 'active') return NOTHING;
      store.putReservation({ ...existing, status });
      const expired = existing.expiresAt !== undefined && existing.expiresAt <= store.sweptAt();
      if (expired) return NOTHING;
      if (existing.expiresAt !== undefined) store.deleteDue(existing.expiresAt, existing.id);
      return { skus: unbook(store, existing) };
    }
    case 'hold.placed': {
      const existing = store.hold(ev.id);
      if (existing) {
        if (existing.status === 'released-unseen') store.putHold({ id: ev.id, status: 'released', sku: ev.sku, location: ev.location, seq: meta.seq });
        return NOTHING;
      }
      store.putHold({ id: ev.id, status: 'active', sku: ev.sku, location: ev.location, seq: meta.seq });
      const loc = locOf(store, ev.sku, ev.location);
      write(store, ev.sku, ev.location, { ...loc, holds: [...loc.holds, { id: ev.id, quantity: ev.quantity, seq: meta.seq }] });
      return { skus: [ev.sku] };
    }
    case 'hold.released': {
      const existing = store.hold(ev.id);
      if (!existing) {
        store.putHold({ id: ev.id, status: 'released-unseen', seq: meta.seq });
        return NOTHING;
      }
      if (existing.status !== 'active' || existing.sku === undefined || existing.location === undefined) return NOTHING;
      store.putHold({ ...existing, status: 'released' });
      const loc = locOf(store, existing.sku, existing.location);
      write(store, existing.sku, existing.location, { ...loc, holds: loc.holds.filter((h) => h.id !== ev.id) });
      return { skus: [existing.sku] };
    }
    case 'inbound': {
      const skus: string[] = [ev.sku];
      const previous = store.inbound(ev.id);
      if (previous && (previous.sku !== ev.sku || previous.location !== ev.location)) {
        // The line moved (a corrected SKU or location): it leaves its old place.
        const old = locOf(store, previous.sku, previous.location);
        write(store, previous.sku, previous.location, { ...old, inbound: old.inbound.filter((e) => e.id !== ev.id) });
        skus.push(previous.sku);
      }
      const received = previous?.received ?? 0;
      store.putInbound(ev.id, { sku: ev.sku, location: ev.location, received });
      const loc = locOf(store, ev.sku, ev.location);
      const i = loc.inbound.findIndex((e) => e.id === ev.id);
      const entry = {
        id: ev.id,
        kind: ev.kind,
        quantity: ev.quantity,
        received,
        ...opt('etaDay', ev.etaDay),
        ...opt('etaMs', ev.etaMs),
        ...opt('supersedes', ev.supersedes),
        document: ev.document,
        seq: meta.seq,
      };
      const inbound = i >= 0 ? loc.inbound.map((e, j) => (j === i ? entry : e)) : [...loc.inbound, entry];
      write(store, ev.sku, ev.location, { ...loc, inbound });
      return { skus: [...new Set(skus)] };
    }
    case 'receipt': {
      if (store.hasReceipt(ev.id)) return NOTHING;
      store.putReceipt(ev.id);
      const skus = new Set<string>();
      const line = ev.inbound === undefined ? undefined : store.inbound(ev.inbound);
      if (line) {
        store.putInbound(ev.inbound as string, { ...line, received: line.received + ev.quantity });
        const loc = locOf(store, line.sku, line.location);
        write(store, line.sku, line.location, { ...loc, inbound: loc.inbound.map((e) => (e.id === ev.inbound ? { ...e, received: e.received + ev.quantity } : e)) });
        skus.add(line.sku);
      }
      const loc = locOf(store, ev.sku, ev.location);
      if (ev.receivedAt > loc.asOf) {
        write(store, ev.sku, ev.location, { ...loc, receipts: [...loc.receipts, { id: ev.id, quantity: ev.quantity, receivedAt: ev.receivedAt, seq: meta.seq }] });
        skus.add(ev.sku);
      }
      return { skus: [...skus] };
    }
    case 'location': {
      const master: LocationMaster = {
        id: ev.id,
        kind: ev.kind,
        region: ev.region,
        timeZone: ev.timeZone,
        ...opt('cutOff', ev.cutOff),
        ...opt('workingDays', ev.workingDays),
        ...opt('holidays', ev.holidays),
        seq: meta.seq,
      };
      store.putLocation(master);
      return { skus: [], location: master };
    }
  }
}

/**
 * A request is accepted whole when every SKU's total fits the channel's figure at this point
 * in the stream, and then allocated to locations; otherwise it is rejected whole, with the
 * shortage per SKU. Decided once: a repeated id keeps the first decision.
 */
function decide(store: FoldStore, ev: ReservationRequestedEvent, meta: EventMeta, policy: AvailabilityPolicy): Applied {
  const existing = store.reservation(ev.id);
  const requested = aggregate(ev.lines);
  const base = { id: ev.id, origin: 'request' as const, channel: ev.channel, requested, seq: meta.seq, ...opt('expiresAt', ev.expiresAt), ...opt('needBy', ev.needBy) };
  if (existing) {
    if (existing.status === 'closed-unseen') store.putReservation({ ...base, lines: [], status: closedStatus(existing) });
    return NOTHING;
  }
  const channel = policy.channelByName.get(ev.channel);
  if (!channel) {
    const decision: ReservationRecord = { ...base, lines: [], status: 'rejected', reason: `unknown channel '${ev.channel}'`, shortages: requested.map((r) => ({ sku: r.sku, requested: r.quantity, available: 0 })) };
    store.putReservation(decision);
    return { skus: [], decision };
  }
  const ctx: FigureContext = { policy, now: meta.time, calendar: calendarFrom(store), ledger: store };
  const day = ev.needBy ?? NOW;
  const lines: { sku: string; location: string; quantity: number }[] = [];
  const shortages: { sku: string; requested: number; available: number }[] = [];
  for (const r of requested) {
    const f = fit(r.sku, store.sku(r.sku), channel, ev.region, r.quantity, day, ctx);
    if (!f.allocations) shortages.push({ sku: r.sku, requested: r.quantity, available: f.available });
    else for (const a of f.allocations) lines.push({ sku: r.sku, location: a.location, quantity: a.quantity });
  }
  if (shortages.length > 0) {
    const decision: ReservationRecord = { ...base, lines: [], status: 'rejected', reason: 'shortage', shortages };
    store.putReservation(decision);
    return { skus: [], decision };
  }
  const decision: ReservationRecord = { ...base, lines, status: 'active' };
  store.putReservation(decision);
  return { skus: hold(store, ev.id, lines, meta, ev.expiresAt, ev.needBy), decision };
}

function aggregate(lines: readonly { readonly sku: string; readonly quantity: number }[]): { sku: string; quantity: number }[] {
  const bySku = new Map<string, number>();
  for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}

/** One line per SKU-location (an event may name one twice): what the ledger holds for a reservation. */
function ledgerLines(r: { readonly id: string; readonly lines: readonly { sku: string; location: string; quantity: number }[]; readonly expiresAt?: number; readonly needBy?: number }, seq: number): { sku: string; location: string; line: LedgerLine }[] {
  const merged = new Map<string, { sku: string; location: string; line: LedgerLine }>();
  for (const l of r.lines) {
    const k = `${l.sku}\u0000${l.location}`;
    const prev = merged.get(k);
    const quantity = (prev?.line.quantity ?? 0) + l.quantity;
    merged.set(k, { sku: l.sku, location: l.location, line: { id: r.id, quantity, seq, ...opt('expiresAt', r.expiresAt), ...opt('needBy', r.needBy) } });
  }
  return [...merged.values()];
}

/** Books a reservation's lines (pending amounts) against the location totals; returns the SKUs touched. */
function hold(store: FoldStore, id: string, lines: readonly { sku: string; location: string; quantity: number }[], meta: EventMeta, expiresAt: number | undefined, needBy: number | undefined): string[] {
  // Already expired by stream time: it never counts (and needs no index entry).
  if (expiresAt !== undefined && expiresAt <= store.sweptAt()) return [];
  const skus = new Set<string>();
  for (const { sku, location, line } of ledgerLines({ id, lines, ...opt('expiresAt', expiresAt), ...opt('needBy', needBy) }, meta.seq)) {
    const loc = withLine(locOf(store, sku, location), line, 1);
    const next = expiresAt === undefined || (loc.nextExpiry !== undefined && loc.nextExpiry <= expiresAt) ? loc : { ...loc, nextExpiry: expiresAt };
    write(store, sku, location, next);
    store.putLine(sku, location, line);
    skus.add(sku);
  }
  if (expiresAt !== undefined) store.putDue(expiresAt, id);
  return [...skus];
}

/** Takes an open reservation's lines off the location totals (release, consume or expiry); returns the SKUs touched. */
function unbook(store: FoldStore, r: ReservationRecord): string[] {
  const skus = new Set<string>();
  for (const { sku, location, line } of ledgerLines(r, r.seq)) {
    store.deleteLine(sku, location, line);
    let loc = withLine(locOf(store, sku, location), line, -1);
    if (line.expiresAt !== undefined && loc.nextExpiry === line.expiresAt) {
      // It may have been the earliest: the next one is the first expiring line left (one read).
      const { nextExpiry: _, ...rest } = loc;
      const first = store.lines(sku, location, -Infinity, NEVER - 1, 1)[0];
      loc = first?.expiresAt === undefined ? rest : { ...rest, nextExpiry: first.expiresAt };
    }
    write(store, sku, location, loc);
    skus.add(sku);
  }
  return [...skus];
}

function closedStatus(tombstone: ReservationRecord): 'released' | 'consumed' {
  return tombstone.reason === 'consumed' ? 'consumed' : 'released';
}

function locOf(store: FoldStore, sku: string, location: string): LocState {
  return store.sku(sku)?.locations[location] ?? EMPTY_LOC;
}

function write(store: FoldStore, sku: string, location: string, loc: LocState): void {
  const state: SkuState | undefined = store.sku(sku);
  store.putSku(sku, { locations: { ...(state?.locations ?? {}), [location]: loc } });
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
