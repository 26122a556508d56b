/**
 * The LMDB view: one environment under `<data>/availability/`, a named database per record
 * kind, and the last applied stream sequence. A batch of events is folded into an in-memory
 * overlay and committed with its last sequence in one synchronous transaction, so after any
 * crash the figures and `lastSeq` agree and the projection resumes right after it.
 *
 * Each SKU has one record, its full state (msgpack), which the fold and explain read. Channel
 * lookups read a flat lookup record (fast.ts) derived from it, held in memory: built from the
 * records at open and replaced after each commit. Not storing it halves the random B-tree
 * writes per event, which dominated the cost of applying events to a large view.
 *
 * Commits do not wait for fsync (about 7 ms each here, blocking lookups on the same thread):
 * the view is a cache of the stream. A process crash loses nothing (the OS has the pages);
 * after the host itself restarts, which could leave an unsynced LMDB file torn, the view is
 * discarded and rebuilt from the stream. The host's boot id, written beside the file, tells.
 * Where there is no boot id to read, commits are synced instead.
 */
import { mkdirSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { FoldStore, HoldRecord, InboundRecord, LocationMaster, ReservationRecord, SkuState } from './state.ts';
import { encodeFast, type LookupRecord } from './fast.ts';

export interface PublishedFigure {
  readonly available: number;
  readonly regions?: Readonly<Record<string, number>>;
  readonly seq: number;
}

/** The last figure published for a SKU, by channel. */
export type PublishedRecord = Readonly<Record<string, PublishedFigure>>;

export const LMDB_FILE = 'atp.mdb';
/**
 * Published records (one per SKU) written per transaction. A burst of change events queued thousands, and
 * writing them all in the next commit held the event loop for tens of milliseconds (lookups
 * and the projection wait meanwhile); the rest wait for the following commits.
 */
const PUBLISHED_CHUNK = 500;
const BOOT_ID_FILE = 'boot-id';

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

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
  /**
   * Last figures published per SKU, every channel in one record (survives rebuilds: only real
   * changes go out). One read and one write per changed SKU rather than one per channel: these
   * were most of the view's writes at thousands of events a second.
   */
  readonly publishedBySku: Database<PublishedRecord, string>;
  /** Earlier views: the same per `channel\0sku`, read where a SKU has no record of its own yet. */
  readonly published: Database<PublishedFigure, string>;
  private readonly legacyPublished: boolean;
  readonly readOnly: boolean;
  /** True when a view written before the host restarted was discarded at open (it is rebuilt from the stream). */
  readonly discarded: boolean;
  /**
   * Every lookup record, in memory (about 100 bytes per SKU-location): what channel lookups
   * read. Loaded from LMDB at open and replaced after each commit. Empty when read-only.
   */
  readonly lookup = new Map<string, LookupRecord>();
  /** Location ids by index, as lookup records refer to them (in memory, append-only). */
  private readonly locationIds: string[];
  private pendingPublished = new Map<string, PublishedRecord>();
  private publishedTimer: NodeJS.Timeout | undefined;
  private readonly locationIndexes = new Map<string, number>();

  private constructor(root: RootDatabase, readOnly: boolean, discarded: boolean) {
    this.root = root;
    this.readOnly = readOnly;
    this.discarded = discarded;
    const structures = Symbol.for('structures');
    this.skus = root.openDB<SkuState, string>({ name: 'skus', sharedStructuresKey: structures });
    this.reservations = root.openDB<ReservationRecord, string>({ name: 'reservations', sharedStructuresKey: structures });
    this.holds = root.openDB<HoldRecord, string>({ name: 'holds' });
    this.inbound = root.openDB<InboundRecord, string>({ name: 'inbound' });
    this.receipts = root.openDB<number, string>({ name: 'receipts' });
    this.locations = root.openDB<LocationMaster, string>({ name: 'locations', cache: true });
    this.meta = root.openDB<unknown, string>({ name: 'meta' });
    this.published = root.openDB<PublishedFigure, string>({ name: 'published' });
    this.publishedBySku = root.openDB<PublishedRecord, string>({ name: 'published-sku' });
    this.legacyPublished = false;
    for (const _ of this.published.getKeys({ limit: 1 })) this.legacyPublished = true;
    this.locationIds = [];
    if (!readOnly) {
      const indexFor = (id: string): number => this.indexFor(id);
      for (const { key, value } of this.skus.getRange()) this.lookup.set(key, encodeFast(value, indexFor));
    }
  }

  private indexFor(id: string): number {
    let i = this.locationIndexes.get(id);
    if (i === undefined) {
      i = this.locationIds.push(id) - 1;
      this.locationIndexes.set(id, i);
    }
    return i;
  }


  /** The index lookup records use for a location, or -1 when no record mentions it. */
  locationIndex(id: string): number {
    return this.locationIndexes.get(id) ?? -1;
  }

  /** Opens (creating with `readOnly: false`) the view in `<data>/availability/`. */
  static open(dataDir: string, options: { readOnly?: boolean } = {}): AtpDb {
    const dir = atpDir(dataDir);
    const file = join(dir, LMDB_FILE);
    const readOnly = options.readOnly === true;
    if (readOnly && !existsSync(file)) throw new Error(`no availability view in ${dir}`);
    mkdirSync(dir, { recursive: true });
    const boot = bootId();
    let discarded = false;
    if (!readOnly && boot !== undefined) {
      const marker = join(dir, BOOT_ID_FILE);
      const writtenUnder = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
      if (existsSync(file) && writtenUnder !== boot) {
        rmSync(file, { force: true });
        rmSync(`${file}-lock`, { force: true });
        discarded = true;
      }
      writeFileSync(marker, boot + '\n');
    }
    const unsynced = !readOnly && boot !== undefined;
    // Without fsync, writing straight into the map also saves copying every dirty page.
    const root = open({ path: file, maxDbs: 12, readOnly, noSync: unsynced, useWritemap: unsynced });
    return new AtpDb(root, readOnly, discarded);
  }

  get lastSeq(): number {
    return (this.meta.get('lastSeq') as number | undefined) ?? 0;
  }

  batch(): Batch {
    return new Batch(this);
  }

  /** Writes the batch and `lastSeq` in one transaction (with any published figures waiting). */
  commit(batch: Batch, lastSeq: number): void {
    const indexFor = (id: string): number => this.indexFor(id);
    const published = this.takePublished(PUBLISHED_CHUNK);
    this.root.transactionSync(() => {
      for (const [k, v] of published) this.publishedBySku.putSync(k, v);
      for (const [k, v] of batch.skuWrites) this.skus.putSync(k, v);
      for (const [k, v] of batch.reservationWrites) this.reservations.putSync(k, v);
      for (const [k, v] of batch.holdWrites) this.holds.putSync(k, v);
      for (const [k, v] of batch.inboundWrites) this.inbound.putSync(k, v);
      for (const k of batch.receiptWrites) this.receipts.putSync(k, 1);
      for (const [k, v] of batch.locationWrites) this.locations.putSync(k, v);
      this.meta.putSync('lastSeq', lastSeq);
    });
    // Visible to lookups only now that the transaction holding them is committed.
    for (const [k, v] of batch.skuWrites) this.lookup.set(k, encodeFast(v, indexFor));
  }

  /** Empties every figure (not the published ones) and sets lastSeq to 0, in one transaction. */
  clearFigures(): void {
    this.root.transactionSync(() => {
      for (const db of [this.skus, this.reservations, this.holds, this.inbound, this.receipts, this.locations]) db.clearSync();
      this.meta.putSync('lastSeq', 0);
    });
    this.lookup.clear();
  }

  /** The figures `channels` were last sent for a SKU, including ones queued and not yet written. */
  publishedRecord(sku: string, channels: readonly string[]): PublishedRecord | undefined {
    const r = this.pendingPublished.get(sku) ?? (this.publishedBySku.get(sku) as PublishedRecord | undefined);
    if (r !== undefined || !this.legacyPublished) return r;
    let legacy: Record<string, PublishedFigure> | undefined;
    for (const channel of channels) {
      const f = this.published.get(`${channel}\u0000${sku}`) as PublishedFigure | undefined;
      if (f !== undefined) (legacy ??= {})[channel] = f;
    }
    return legacy;
  }

  /**
   * Records figures channels were sent. They ride along with the projection's next commit
   * (one transaction instead of two); when no commit comes within a quarter second they are
   * written on their own, a chunk per turn of the event loop. A separate synchronous
   * transaction per group of change events held the event loop long enough to delay the
   * projection by tens of milliseconds.
   */
  queuePublished(entries: ReadonlyMap<string, PublishedRecord>): void {
    for (const [k, v] of entries) this.pendingPublished.set(k, v);
    this.armPublished(250);
  }

  private armPublished(delayMs: number): void {
    if (this.publishedTimer || this.pendingPublished.size === 0) return;
    this.publishedTimer = setTimeout(() => {
      this.publishedTimer = undefined;
      this.flushPublished(PUBLISHED_CHUNK);
      this.armPublished(0);
    }, delayMs);
    this.publishedTimer.unref();
  }

  /** Writes queued published figures now: all of them, or the oldest `limit`. */
  flushPublished(limit = Infinity): void {
    const entries = this.takePublished(limit);
    if (entries.length === 0) return;
    this.root.transactionSync(() => {
      for (const [k, v] of entries) this.publishedBySku.putSync(k, v);
    });
  }

  private takePublished(limit: number): [string, PublishedRecord][] {
    const pending = this.pendingPublished;
    let entries: [string, PublishedRecord][];
    if (pending.size <= limit) {
      entries = [...pending];
      this.pendingPublished = new Map();
    } else {
      entries = [];
      for (const e of pending) {
        if (entries.length >= limit) break;
        entries.push(e);
      }
      for (const [k] of entries) pending.delete(k);
    }
    if (this.pendingPublished.size === 0 && this.publishedTimer) {
      clearTimeout(this.publishedTimer);
      this.publishedTimer = undefined;
    }
    return entries;
  }

  async close(): Promise<void> {
    if (!this.readOnly) this.flushPublished();
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
