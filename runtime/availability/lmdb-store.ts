/**
 * The LMDB view: one environment under `<data>/availability/`, a named database per record
 * kind, and the last applied stream sequence. A batch of events is folded into an in-memory
 * overlay and committed with its last sequence in one synchronous transaction, so after any
 * crash the figures and `lastSeq` agree and the projection resumes right after it.
 *
 * SKU records are cached decoded (lmdb's weak LRU cache): a lookup is a map hit, not a
 * decode. The fold never mutates what it reads, so cached objects stay valid.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { FoldStore, HoldRecord, InboundRecord, LocationMaster, ReservationRecord, SkuState } from './state.ts';

export interface PublishedFigure {
  readonly available: number;
  readonly regions?: Readonly<Record<string, number>>;
  readonly seq: number;
}

export const LMDB_FILE = 'atp.mdb';

export function atpDir(dataDir: string): string {
  return join(dataDir, 'availability');
}

export class AtpDb {
  readonly root: RootDatabase;
  readonly skus: Database<SkuState, string>;
  readonly reservations: Database<ReservationRecord, string>;
  readonly holds: Database<HoldRecord, string>;
  readonly inbound: Database<InboundRecord, string>;
  readonly receipts: Database<number, string>;
  readonly locations: Database<LocationMaster, string>;
  readonly meta: Database<unknown, string>;
  /** Last figure published per `channel\0sku` (survives rebuilds: only real changes go out). */
  readonly published: Database<PublishedFigure, string>;
  readonly readOnly: boolean;

  private constructor(root: RootDatabase, readOnly: boolean) {
    this.root = root;
    this.readOnly = readOnly;
    const structures = Symbol.for('structures');
    this.skus = root.openDB<SkuState, string>({ name: 'skus', cache: true, sharedStructuresKey: structures });
    this.reservations = root.openDB<ReservationRecord, string>({ name: 'reservations', sharedStructuresKey: structures });
    this.holds = root.openDB<HoldRecord, string>({ name: 'holds' });
    this.inbound = root.openDB<InboundRecord, string>({ name: 'inbound' });
    this.receipts = root.openDB<number, string>({ name: 'receipts' });
    this.locations = root.openDB<LocationMaster, string>({ name: 'locations', cache: true });
    this.meta = root.openDB<unknown, string>({ name: 'meta' });
    this.published = root.openDB<PublishedFigure, string>({ name: 'published', cache: true });
  }

  /** Opens (creating with `readOnly: false`) the view in `<data>/availability/`. */
  static open(dataDir: string, options: { readOnly?: boolean } = {}): AtpDb {
    const dir = atpDir(dataDir);
    const readOnly = options.readOnly === true;
    if (readOnly && !existsSync(join(dir, LMDB_FILE))) throw new Error(`no availability view in ${dir}`);
    mkdirSync(dir, { recursive: true });
    const root = open({ path: join(dir, LMDB_FILE), maxDbs: 12, readOnly });
    return new AtpDb(root, readOnly);
  }

  get lastSeq(): number {
    return (this.meta.get('lastSeq') as number | undefined) ?? 0;
  }

  batch(): Batch {
    return new Batch(this);
  }

  /** Writes the batch and `lastSeq` in one transaction. */
  commit(batch: Batch, lastSeq: number): void {
    this.root.transactionSync(() => {
      for (const [k, v] of batch.skuWrites) this.skus.putSync(k, v);
      for (const [k, v] of batch.reservationWrites) this.reservations.putSync(k, v);
      for (const [k, v] of batch.holdWrites) this.holds.putSync(k, v);
      for (const [k, v] of batch.inboundWrites) this.inbound.putSync(k, v);
      for (const k of batch.receiptWrites) this.receipts.putSync(k, 1);
      for (const [k, v] of batch.locationWrites) this.locations.putSync(k, v);
      this.meta.putSync('lastSeq', lastSeq);
    });
  }

  /** Empties every figure (not the published ones) and sets lastSeq to 0, in one transaction. */
  clearFigures(): void {
    this.root.transactionSync(() => {
      for (const db of [this.skus, this.reservations, this.holds, this.inbound, this.receipts, this.locations]) db.clearSync();
      this.meta.putSync('lastSeq', 0);
    });
  }

  setMeta(key: string, value: unknown): void {
    this.meta.putSync(key, value);
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

/** A FoldStore over the view: reads see the batch's own writes first. */
export class Batch implements FoldStore {
  readonly skuWrites = new Map<string, SkuState>();
  readonly reservationWrites = new Map<string, ReservationRecord>();
  readonly holdWrites = new Map<string, HoldRecord>();
  readonly inboundWrites = new Map<string, InboundRecord>();
  readonly receiptWrites = new Set<string>();
  readonly locationWrites = new Map<string, LocationMaster>();
  private readonly db: AtpDb;

  constructor(db: AtpDb) {
    this.db = db;
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
}
