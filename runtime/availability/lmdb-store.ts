/**
 * The LMDB view: one environment under `<data>/availability/`, a named database per record
 * kind, and the last applied stream sequence. A batch of events is folded into an in-memory
 * overlay and committed with its last sequence in one synchronous transaction, so after any
 * crash the figures and `lastSeq` agree and the projection resumes right after it.
 *
 * Each SKU has one record, its full state (msgpack), which the fold and explain read; open
 * reservations are running totals in it, with one ledger line per reservation and location
 * and a time-ordered expiry index beside it (ledger.ts). Channel
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
import { mkdirSync, existsSync } from 'node:fs';
import { discardIfRebooted } from '../config/boot-id.ts';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { HoldRecord, InboundRecord, LocationMaster, ReservationRecord, SkuState } from './state.ts';
import { encodeFast, type LookupRecord } from './fast.ts';
import type { LedgerLine, LedgerReader } from './ledger.ts';
import { Batch, readLines, type LedgerKey } from './lmdb-batch.ts';

export { Batch } from './lmdb-batch.ts';

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
/**
 * The layout of the records. A view written in another layout (before the reservation ledger:
 * open reservations as a list in the location record) is emptied at open and rebuilt from the
 * stream, as after a host restart.
 */
const VIEW_FORMAT = 2;


export function atpDir(dataDir: string): string {
  return join(dataDir, 'availability');
}

export class AtpDb implements LedgerReader {
  readonly root: RootDatabase;
  readonly skus: Database<SkuState, string>;
  readonly reservations: Database<ReservationRecord, string>;
  readonly holds: Database<HoldRecord, string>;
  readonly inbound: Database<InboundRecord, string>;
  readonly receipts: Database<number, string>;
  readonly locations: Database<LocationMaster, string>;
  readonly meta: Database<unknown, string>;
  /** Ledger lines by [sku, location, expiresAt or NEVER, id]: a location's lines in expiry order. */
  readonly ledger: Database<LedgerLine, LedgerKey>;
  /** Open reservations that expire, by [expiresAt, id]: the next to time out come first. */
  readonly expiries: Database<number, LedgerKey>;
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
  /** The committed sweep point (stream time), as lookups need it. */
  private swept: number;
  /** True when a view in another layout was emptied at open (it is rebuilt from the stream). */
  readonly reformatted: boolean;

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
    this.ledger = root.openDB<LedgerLine, LedgerKey>({ name: 'ledger' });
    this.expiries = root.openDB<number, LedgerKey>({ name: 'expiries' });
    this.reformatted = !readOnly && this.lastSeq > 0 && this.meta.get('format') !== VIEW_FORMAT;
    if (this.reformatted) this.clearFigures();
    if (!readOnly && this.meta.get('format') !== VIEW_FORMAT) this.meta.putSync('format', VIEW_FORMAT);
    this.swept = (this.meta.get('sweptAt') as number | undefined) ?? 0;
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

  /**
   * Opens (creating with `readOnly: false`) the view in `<data>/availability/`. `reader`: the
   * file another thread of this process writes (opened with that writer's flags, which it
   * gives as `unsynced`); nothing is written, and lookup records are read from the file.
   */
  static open(dataDir: string, options: { readOnly?: boolean; reader?: { readonly unsynced: boolean } } = {}): AtpDb {
    const dir = atpDir(dataDir);
    const file = join(dir, LMDB_FILE);
    const readOnly = options.readOnly === true;
    if ((readOnly || options.reader) && !existsSync(file)) throw new Error(`no availability view in ${dir}`);
    mkdirSync(dir, { recursive: true });
    const { unsynced, discarded } = options.reader ? { unsynced: options.reader.unsynced, discarded: false } : readOnly ? { unsynced: false, discarded: false } : discardIfRebooted(dir, file);
    // Without fsync, writing straight into the map also saves copying every dirty page.
    const root = open({ path: file, maxDbs: 16, readOnly, noSync: unsynced, useWritemap: unsynced });
    const db = new AtpDb(root, readOnly || options.reader !== undefined, discarded);
    db.unsynced = unsynced;
    db.reader = options.reader !== undefined;
    return db;
  }

  /** Commits skip fsync (a reader in another thread must open the file with the same flags). */
  unsynced = false;
  /** Another thread of this process writes the file (see open). */
  private reader = false;
  private writtenWaiters: (() => void)[] = [];

  /**
   * The lookup record of a SKU as committed: from memory for the writer, from the file for a
   * reader (whose memory no commit refreshes).
   */
  lookupRecord(sku: string): LookupRecord | undefined {
    if (!this.reader) return this.lookup.get(sku);
    const state = this.skus.get(sku);
    return state ? encodeFast(state, (id) => this.indexFor(id)) : undefined;
  }

  /** Calls `done` once every published figure queued so far is committed (at once when none waits). */
  whenPublishedWritten(done: () => void): void {
    if (this.pendingPublished.size === 0) done();
    else this.writtenWaiters.push(done);
  }

  private publishedDrained(): void {
    if (this.pendingPublished.size > 0 || this.writtenWaiters.length === 0) return;
    const waiters = this.writtenWaiters;
    this.writtenWaiters = [];
    for (const w of waiters) w();
  }

  get lastSeq(): number {
    return (this.meta.get('lastSeq') as number | undefined) ?? 0;
  }

  sweptAt(): number {
    // A reader sees the writer's commits in the file, not in this object.
    return this.reader ? ((this.meta.get('sweptAt') as number | undefined) ?? 0) : this.swept;
  }

  lines(sku: string, location: string, after?: number, upTo?: number, limit?: number): LedgerLine[] {
    return readLines(this.ledger, sku, location, after, upTo, limit);
  }

  /**
   * Folds a batch inside one write transaction and commits it there with its last sequence
   * (and any published figures waiting): after any crash the figures and `lastSeq` agree.
   * Ledger lines and the expiry index are written straight into the transaction, so the
   * fold's range reads see its own writes; records a batch may change many times (SKUs,
   * reservations) are buffered and written once at the end. `fold` returns the last sequence
   * it applied; when that is not past the view's, nothing is recorded. If it throws, the
   * transaction is aborted and the error passed on.
   */
  transact(fold: (batch: Batch) => number): void {
    const indexFor = (id: string): number => this.indexFor(id);
    const published = this.takePublished(PUBLISHED_CHUNK);
    let batch: Batch | undefined;
    this.root.transactionSync(() => {
      for (const [k, v] of published) this.publishedBySku.putSync(k, v);
      const b = new Batch(this);
      const lastSeq = fold(b);
      if (lastSeq <= this.lastSeq) return;
      for (const [k, v] of b.skuWrites) this.skus.putSync(k, v);
      for (const [k, v] of b.reservationWrites) this.reservations.putSync(k, v);
      for (const [k, v] of b.holdWrites) this.holds.putSync(k, v);
      for (const [k, v] of b.inboundWrites) this.inbound.putSync(k, v);
      for (const k of b.receiptWrites) this.receipts.putSync(k, 1);
      for (const [k, v] of b.locationWrites) this.locations.putSync(k, v);
      this.meta.putSync('sweptAt', b.sweptAt());
      this.meta.putSync('lastSeq', lastSeq);
      batch = b;
    });
    this.publishedDrained();
    if (!batch) return;
    this.swept = batch.sweptAt();
    // Visible to lookups only now that the transaction holding them is committed.
    for (const [k, v] of batch.skuWrites) this.lookup.set(k, encodeFast(v, indexFor));
  }

  /** Empties every figure (not the published ones) and sets lastSeq to 0, in one transaction. */
  clearFigures(): void {
    this.root.transactionSync(() => {
      for (const db of [this.skus, this.reservations, this.holds, this.inbound, this.receipts, this.locations, this.ledger, this.expiries]) db.clearSync();
      this.meta.putSync('lastSeq', 0);
      this.meta.putSync('sweptAt', 0);
    });
    this.swept = 0;
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
    this.publishedDrained();
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
