/**
 * The trace index in LMDB (`<data>/trace/trace.mdb`), four tables written together:
 *
 *   hops      [stream, seq]                        → Hop
 *   keys      [value, time, stream, seq]           → field   (business key, correlation id, message id)
 *   links     [toStream, toSeq, fromStream, fromSeq] → 1      (reverse of source and duplicate-of links)
 *   positions stream                               → last folded sequence
 *
 * Every table is ordered by its key, so a lookup reads one range per value and a journey costs
 * what it holds, whatever the history. A batch of hops and the positions they reach commit in
 * one transaction: after any crash the index and its positions agree, and folding resumes.
 * Written without fsync (it is rebuilt from the streams); after a reboot of the host, whose
 * unsynced pages may be lost, it is emptied at open and folded again.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { discardIfRebooted } from '../../config/boot-id.ts';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { lookupValues, sourceRef, type Hop } from './hop.ts';
import { partnerDocument, seen, success, succeeded, type PartnerRecord } from '../kpi/partners.ts';

export type HopKey = [string, number];
export type ValueKey = [string, number, string, number];
export type LinkKey = [string, number, string, number];

const FILE = 'trace.mdb';
/** Bumped when what a hop holds changes: an index of another format is emptied and folded again. */
const FORMAT = 2;
/** Partner-document refs remembered for linking the hops made from them, and successes waiting for their source. */
const RECENT = 10_000;

export function traceDir(dataDir: string): string {
  return join(dataDir, 'trace');
}


export class TraceDb {
  readonly hops: Database<Hop, HopKey>;
  readonly values: Database<string, ValueKey>;
  readonly links: Database<1, LinkKey>;
  readonly positions: Database<number, string>;
  /** Partner → its first document and first success (partner onboarding). */
  readonly partnerFirsts: Database<PartnerRecord, string>;
  private readonly meta: Database<unknown, string>;
  /** Partner records as queued (this process is the only writer; reads must see its own writes). */
  private readonly partnerCache = new Map<string, PartnerRecord>();
  /** `STREAM:SEQ` of recent partner documents → partner. */
  private readonly recentDocs = new Map<string, string>();
  /** `STREAM:SEQ` → the earliest success made from it, for sources not folded yet (streams fold independently). */
  private readonly awaitingSource = new Map<string, number>();
  private readonly root: RootDatabase;
  /** Positions queued but perhaps not yet committed (this process is the only writer). */
  private readonly queued = new Map<string, number>();
  private lastCommit: Promise<unknown> = Promise.resolve();

  private constructor(root: RootDatabase, readOnly: boolean) {
    this.root = root;
    this.hops = root.openDB<Hop, HopKey>({ name: 'hops' });
    this.values = root.openDB<string, ValueKey>({ name: 'keys' });
    this.links = root.openDB<1, LinkKey>({ name: 'links' });
    this.positions = root.openDB<number, string>({ name: 'positions' });
    this.partnerFirsts = root.openDB<PartnerRecord, string>({ name: 'partners' });
    this.meta = root.openDB<unknown, string>({ name: 'meta' });
    if (!readOnly && this.meta.get('format') !== FORMAT) {
      this.clear();
      this.meta.putSync('format', FORMAT);
    }
  }

  /**
   * `readOnly`: another process's index (the CLI's). `reader`: the file another thread of this
   * process writes (operations/view-thread.ts), which has already formatted it: this one only reads, and
   * sees each of that thread's commits as it lands.
   */
  static open(dataDir: string, options: { readOnly?: boolean; reader?: boolean } = {}): TraceDb {
    const dir = traceDir(dataDir);
    const file = join(dir, FILE);
    const readOnly = options.readOnly === true;
    if (readOnly && !existsSync(file)) throw new Error(`no trace index in ${dir}`);
    mkdirSync(dir, { recursive: true });
    const { unsynced } = readOnly || options.reader ? { unsynced: false } : discardIfRebooted(dir, file);
    return new TraceDb(open({ path: file, maxDbs: 8, readOnly, noSync: unsynced }), readOnly || options.reader === true);
  }

  /** The last sequence of `stream` folded (queued, in this process; committed, in another). */
  position(stream: string): number {
    return this.queued.get(stream) ?? this.positions.get(stream) ?? 0;
  }

  /**
   * Queues `hops` (each past its stream's position) and the positions they reach as one LMDB
   * transaction, committed on lmdb's write thread: every write queued in one event turn commits
   * together, so the main thread only encodes. Returns how many hops were new, and the commit.
   * This process is the file's only writer, so positions are tracked here as they are queued.
   */
  commit(hops: readonly Hop[]): { written: number; committed: Promise<unknown> } {
    let written = 0;
    // One lmdb batch: its puts are queued for the write thread without a handshake each (outside
    // a batch every put synchronises with that thread: a tenth of the indexer's time).
    const committed = this.root.batch(() => {
      const reached = new Map<string, number>();
      const fresh: Hop[] = [];
      for (const hop of hops) {
        const at = reached.get(hop.stream) ?? this.position(hop.stream);
        if (hop.seq <= at) continue;
        reached.set(hop.stream, hop.seq);
        written++;
        fresh.push(hop);
        void this.hops.put([hop.stream, hop.seq], hop);
        for (const v of lookupValues(hop)) void this.values.put([v, hop.time, hop.stream, hop.seq], fieldOf(hop, v));
        for (const ref of linksOf(hop)) void this.links.put([ref.stream, ref.seq, hop.stream, hop.seq], 1);
      }
      for (const [stream, seq] of reached) {
        this.queued.set(stream, seq);
        void this.positions.put(stream, seq);
      }
      if (fresh.length > 0) this.notePartners(fresh);
    });
    this.lastCommit = committed.catch(() => undefined);
    return { written, committed };
  }

  /**
   * Partner onboarding (kpi/partners.ts): each partner's first document and the first a
   * pipeline finished from one of them. Times are minimums, so fold order does not matter; a
   * hop made before its source is folded (another stream) waits for it in memory.
   */
  private notePartners(hops: readonly Hop[]): void {
    const changed = new Map<string, PartnerRecord>();
    const record = (partner: string): PartnerRecord | undefined => changed.get(partner) ?? this.partnerCache.get(partner) ?? this.partnerFirsts.get(partner);
    const remember = <V>(map: Map<string, V>, key: string, value: V): void => {
      map.set(key, value);
      if (map.size > RECENT) map.delete(map.keys().next().value as string);
    };
    for (const h of hops) {
      const partner = partnerDocument(h);
      if (partner === undefined) continue;
      const ref = `${h.stream}:${h.seq}`;
      remember(this.recentDocs, ref, partner);
      let r = seen(record(partner), h.time);
      const waiting = this.awaitingSource.get(ref);
      if (waiting !== undefined) {
        r = success(r, waiting);
        this.awaitingSource.delete(ref);
      }
      for (const [stream, seq] of this.linkedFrom(h.stream, h.seq, 10)) {
        const made = this.hops.get([stream, seq]);
        if (made && sourceRef(made.source) && succeeded(made)) r = success(r, made.time);
      }
      changed.set(partner, r);
    }
    for (const h of hops) {
      if (!succeeded(h)) continue;
      const src = sourceRef(h.source);
      if (!src) continue;
      const ref = `${src.stream}:${src.seq}`;
      const stored = this.recentDocs.has(ref) ? undefined : this.hops.get([src.stream, src.seq]);
      const partner = this.recentDocs.get(ref) ?? (stored ? partnerDocument(stored) : undefined);
      if (partner !== undefined) changed.set(partner, success(record(partner), h.time));
      else if (!stored) remember(this.awaitingSource, ref, Math.min(this.awaitingSource.get(ref) ?? Infinity, h.time));
    }
    for (const [partner, r] of changed) {
      this.partnerCache.set(partner, r);
      void this.partnerFirsts.put(partner, r);
    }
  }

  /** Every partner's first document and first success. */
  partners(): { partner: string; firstSeen: number; firstSuccess?: number }[] {
    const all = new Map<string, PartnerRecord>();
    for (const { key, value } of this.partnerFirsts.getRange()) all.set(key, value);
    for (const [k, v] of this.partnerCache) all.set(k, v);
    const out: { partner: string; firstSeen: number; firstSuccess?: number }[] = [];
    for (const [partner, r] of all) if (r.firstSeen !== undefined) out.push({ partner, firstSeen: r.firstSeen, ...(r.firstSuccess === undefined ? {} : { firstSuccess: r.firstSuccess }) });
    return out;
  }

  /**
   * Hops stored in [since, until), stream by stream: a stream's times grow with its sequence,
   * so the first is found by a binary search and the rest are read in order (no scan of history).
   */
  *hopsBetween(since: number, until: number): Generator<Hop> {
    for (const stream of [...this.positions.getKeys()]) {
      const firstAtOrAfter = (seq: number): Hop | undefined => {
        for (const { value } of this.hops.getRange({ start: [stream, seq], end: [stream, Infinity], limit: 1 })) return value;
        return undefined;
      };
      let lo = 1;
      let hi = this.position(stream) + 1;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        const h = firstAtOrAfter(mid);
        if (h === undefined || h.time >= since) hi = mid;
        else lo = h.seq + 1;
      }
      for (const { value } of this.hops.getRange({ start: [stream, lo], end: [stream, Infinity] })) {
        if (value.time >= until) break;
        if (value.time >= since) yield value;
      }
    }
  }

  /** Resolves once everything queued so far is committed. */
  committed(): Promise<unknown> {
    return this.lastCommit;
  }

  /** Empties the index (rebuild). */
  clear(): void {
    this.queued.clear();
    this.root.transactionSync(() => {
      this.hops.clearSync();
      this.values.clearSync();
      this.links.clearSync();
      this.positions.clearSync();
      this.partnerFirsts.clearSync();
    });
    this.partnerCache.clear();
    this.recentDocs.clear();
    this.awaitingSource.clear();
  }

  hop(stream: string, seq: number): Hop | undefined {
    return this.hops.get([stream, seq]);
  }

  /** Hops found by a value, oldest first, at most `limit`. */
  byValue(value: string, limit: number): { ref: HopKey; field: string }[] {
    const out: { ref: HopKey; field: string }[] = [];
    for (const { key, value: field } of this.values.getRange({ start: [value], end: [value, Infinity], limit })) out.push({ ref: [key[2], key[3]], field });
    return out;
  }

  /** Hops that name this one as their source or as the original they duplicate. */
  linkedFrom(stream: string, seq: number, limit: number): HopKey[] {
    const out: HopKey[] = [];
    for (const key of this.links.getKeys({ start: [stream, seq], end: [stream, seq + 1], limit })) out.push([key[2], key[3]]);
    return out;
  }

  /** Every entry of every table, in key order: two indexes hold the same when these are equal. */
  dump(): { hops: [HopKey, Hop][]; keys: [ValueKey, string][]; links: LinkKey[]; positions: [string, number][]; partners: [string, PartnerRecord][] } {
    return {
      partners: [...this.partnerFirsts.getRange()].map(({ key, value }) => [key, value]),
      hops: [...this.hops.getRange()].map(({ key, value }) => [key, value]),
      keys: [...this.values.getRange()].map(({ key, value }) => [key, value]),
      links: [...this.links.getKeys()],
      positions: [...this.positions.getRange()].map(({ key, value }) => [key, value]),
    };
  }

  async close(): Promise<void> {
    await this.lastCommit;
    await this.root.close();
  }
}

function fieldOf(hop: Hop, value: string): string {
  for (const [field, v] of Object.entries(hop.keys)) if (v === value) return field;
  return value === hop.correlationId ? 'correlationId' : 'msgId';
}

/** The hops a hop points back to: what it was made from, and the original it duplicates. */
export function linksOf(hop: Hop): { stream: string; seq: number }[] {
  const out: { stream: string; seq: number }[] = [];
  const src = sourceRef(hop.source);
  if (src) out.push(src);
  const dup = sourceRef(hop.duplicateOf);
  if (dup) out.push(dup);
  return out;
}
