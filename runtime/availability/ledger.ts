/**
 * The reservation ledger, after TigerBeetle's two-phase transfers: a reservation is a pending
 * amount against a SKU-location's running totals (reserve = pending, consume = post, release
 * = void, expiry = timeout). The location record holds only the totals (`reserved`, need-by
 * buckets, the next expiry), so changing it costs the same whatever the number of open
 * reservations; each reservation's units at a location are a ledger line of their own, keyed
 * by (SKU, location, expiry, id), and open reservations that expire sit in a time-ordered
 * index (expiry, id), so the next ones to time out are a range read from its start.
 *
 * Expiry is applied by stream time (the fold "sweeps" the index up to each event's time before
 * applying it), so every replica and every rebuild takes the same reservations off at the same
 * point. Lookups run on the clock, later than the last sweep: they take off the lines that
 * expired in between (a range read of that location's lines, usually empty).
 */
import type { LocState } from './location-state.ts';

/** One reservation's units at one SKU-location. */
export interface LedgerLine {
  readonly id: string;
  readonly quantity: number;
  readonly seq: number;
  /** Epoch ms; the line stops counting at this instant. */
  readonly expiresAt?: number;
  /** Day number the stock is needed (future-dated demand). */
  readonly needBy?: number;
}

/** The expiry key of lines that never expire: they sort after every real instant. */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** What lookups and explain read of the ledger. */
export interface LedgerReader {
  /** Stream time up to which expired reservations are off the totals (0: none yet). */
  sweptAt(): number;
  /** Open lines at a SKU-location expiring in (after, upTo], by expiry then id; never-expiring ones sort last. */
  lines(sku: string, location: string, after?: number, upTo?: number, limit?: number): LedgerLine[];
}

/** What the fold writes. */
export interface LedgerStore extends LedgerReader {
  setSweptAt(time: number): void;
  putLine(sku: string, location: string, line: LedgerLine): void;
  deleteLine(sku: string, location: string, line: LedgerLine): void;
  /** Open reservations expiring at or before `upTo`, earliest first. */
  due(upTo: number): { readonly at: number; readonly id: string }[];
  putDue(at: number, id: string): void;
  deleteDue(at: number, id: string): void;
}

/**
 * Running totals stay sums of the same decimals added and taken off in different orders:
 * rounded to 1e-9 so a location with nothing open reads exactly 0 rather than binary noise.
 */
export const settle = (v: number): number => Math.round(v * 1e9) / 1e9;

/** The location's totals with a line's units added (sign 1) or taken off (sign -1). */
export function withLine(loc: LocState, line: LedgerLine, sign: 1 | -1): LocState {
  const q = sign * line.quantity;
  if (line.needBy === undefined) return { ...loc, reserved: settle(loc.reserved + q) };
  const day = line.needBy;
  const dated: [number, number][] = [];
  let placed = false;
  for (const [d, v] of loc.dated) {
    if (!placed && d >= day) {
      placed = true;
      if (d === day) {
        const sum = settle(v + q);
        if (sum !== 0) dated.push([d, sum]);
        continue;
      }
      dated.push([day, q]);
    }
    dated.push([d, v]);
  }
  if (!placed) dated.push([day, q]);
  return { ...loc, dated };
}

/**
 * Units that counted at the last sweep but have expired by `now`, per location: taken off
 * by lookups (a decision's time is its sweep's, so it never needs this).
 */
export function expiredSinceSweep(ledger: LedgerReader, sku: string, location: string, loc: LocState, now: number): readonly LedgerLine[] {
  if (loc.nextExpiry === undefined || loc.nextExpiry > now) return [];
  return ledger.lines(sku, location, ledger.sweptAt(), now);
}

/** The ledger in plain maps (tests, fixtures, the in-memory service): reads sort, which is fine at their sizes. */
export class MemoryLedger implements LedgerStore {
  private swept = 0;
  private readonly byLocation = new Map<string, Map<string, LedgerLine>>();
  private readonly expiries = new Map<string, { at: number; id: string }>();

  sweptAt(): number {
    return this.swept;
  }
  setSweptAt(time: number): void {
    this.swept = time;
  }
  lines(sku: string, location: string, after = -Infinity, upTo = NEVER, limit = Infinity): LedgerLine[] {
    const all = [...(this.byLocation.get(`${sku}\u0000${location}`)?.values() ?? [])];
    const key = (l: LedgerLine): number => l.expiresAt ?? NEVER;
    const out = all.filter((l) => key(l) > after && key(l) <= upTo).sort((a, b) => key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return out.slice(0, limit);
  }
  putLine(sku: string, location: string, line: LedgerLine): void {
    const k = `${sku}\u0000${location}`;
    let m = this.byLocation.get(k);
    if (!m) this.byLocation.set(k, (m = new Map()));
    m.set(line.id, line);
  }
  deleteLine(sku: string, location: string, line: LedgerLine): void {
    this.byLocation.get(`${sku}\u0000${location}`)?.delete(line.id);
  }
  due(upTo: number): { at: number; id: string }[] {
    return [...this.expiries.values()].filter((e) => e.at <= upTo).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  putDue(at: number, id: string): void {
    this.expiries.set(`${at}\u0000${id}`, { at, id });
  }
  deleteDue(at: number, id: string): void {
    this.expiries.delete(`${at}\u0000${id}`);
  }
}
