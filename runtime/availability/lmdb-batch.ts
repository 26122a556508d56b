/**
 * The fold's store over the LMDB view, used inside the view's write transaction (AtpDb.transact):
 * records are buffered so a SKU changed by a thousand events is written once, and reads see
 * the batch's own writes first; ledger lines and the expiry index go straight into the
 * transaction, where LMDB's own range reads see them.
 */
import type { Database } from 'lmdb';
import type { FoldStore, HoldRecord, InboundRecord, LocationMaster, ReservationRecord, SkuState } from './state.ts';
import { NEVER, type LedgerLine } from './ledger.ts';

/** Ledger keys: [sku, location, expiresAt or NEVER, id] and [expiresAt, id]. */
export type LedgerKey = (string | number)[];

const lineKey = (sku: string, location: string, line: LedgerLine): LedgerKey => [sku, location, line.expiresAt ?? NEVER, line.id];

/** A location's lines expiring in (after, upTo], in key order: one cursor, stopped at the first key past the range. */
export function readLines(db: Database<LedgerLine, LedgerKey>, sku: string, location: string, after = -Infinity, upTo = NEVER, limit = Infinity): LedgerLine[] {
  const out: LedgerLine[] = [];
  if (limit <= 0) return out;
  const start = after === -Infinity ? [sku, location] : [sku, location, after];
  for (const { key, value } of db.getRange({ start })) {
    if (key[0] !== sku || key[1] !== location || (key[2] as number) > upTo) break;
    if ((key[2] as number) <= after) continue;
    out.push(value);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The view's tables a batch reads and writes (AtpDb has them). Declared here rather than
 * imported from lmdb-store.ts, which builds batches: the store depends on the batch, not back.
 */
export interface ViewTables {
  readonly skus: Database<SkuState, string>;
  readonly reservations: Database<ReservationRecord, string>;
  readonly holds: Database<HoldRecord, string>;
  readonly inbound: Database<InboundRecord, string>;
  readonly receipts: Database<number, string>;
  readonly locations: Database<LocationMaster, string>;
  readonly ledger: Database<LedgerLine, LedgerKey>;
  readonly expiries: Database<number, LedgerKey>;
  /** Stream time up to which expired reservations have been swept. */
  sweptAt(): number;
}

/** A FoldStore over the view: reads see the batch's own writes first. */
export class Batch implements FoldStore {
  private swept: number;
  readonly skuWrites = new Map<string, SkuState>();
  readonly reservationWrites = new Map<string, ReservationRecord>();
  readonly holdWrites = new Map<string, HoldRecord>();
  readonly inboundWrites = new Map<string, InboundRecord>();
  readonly receiptWrites = new Set<string>();
  readonly locationWrites = new Map<string, LocationMaster>();
  private readonly db: ViewTables;

  constructor(db: ViewTables) {
    this.db = db;
    this.swept = db.sweptAt();
  }

  get size(): number {
    return this.skuWrites.size + this.reservationWrites.size + this.holdWrites.size + this.inboundWrites.size + this.receiptWrites.size + this.locationWrites.size;
  }

  sku(sku: string): SkuState | undefined {
    return this.skuWrites.get(sku) ?? this.db.skus.get(sku);
  }
  putSku(sku: string, state: SkuState): void {
    this.skuWrites.set(sku, state);
  }
  reservation(id: string): ReservationRecord | undefined {
    return this.reservationWrites.get(id) ?? this.db.reservations.get(id);
  }
  putReservation(record: ReservationRecord): void {
    this.reservationWrites.set(record.id, record);
  }
  hold(id: string): HoldRecord | undefined {
    return this.holdWrites.get(id) ?? this.db.holds.get(id);
  }
  putHold(record: HoldRecord): void {
    this.holdWrites.set(record.id, record);
  }
  inbound(id: string): InboundRecord | undefined {
    return this.inboundWrites.get(id) ?? this.db.inbound.get(id);
  }
  putInbound(id: string, record: InboundRecord): void {
    this.inboundWrites.set(id, record);
  }
  hasReceipt(id: string): boolean {
    return this.receiptWrites.has(id) || this.db.receipts.get(id) !== undefined;
  }
  putReceipt(id: string): void {
    this.receiptWrites.add(id);
  }
  location(id: string): LocationMaster | undefined {
    return this.locationWrites.get(id) ?? this.db.locations.get(id);
  }
  putLocation(record: LocationMaster): void {
    this.locationWrites.set(record.id, record);
  }
  sweptAt(): number {
    return this.swept;
  }
  setSweptAt(time: number): void {
    this.swept = time;
  }
  lines(sku: string, location: string, after?: number, upTo?: number, limit?: number): LedgerLine[] {
    return readLines(this.db.ledger, sku, location, after, upTo, limit);
  }
  putLine(sku: string, location: string, line: LedgerLine): void {
    this.db.ledger.putSync(lineKey(sku, location, line), line);
  }
  deleteLine(sku: string, location: string, line: LedgerLine): void {
    this.db.ledger.removeSync(lineKey(sku, location, line));
  }
  due(upTo: number): { at: number; id: string }[] {
    const out: { at: number; id: string }[] = [];
    for (const key of this.db.expiries.getKeys()) {
      if ((key[0] as number) > upTo) break;
      out.push({ at: key[0] as number, id: key[1] as string });
    }
    return out;
  }
  putDue(at: number, id: string): void {
    this.db.expiries.putSync([at, id], 1);
  }
  deleteDue(at: number, id: string): void {
    this.db.expiries.removeSync([at, id]);
  }
}
