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
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { lookupValues, sourceRef, type Hop } from './hop.ts';

export type HopKey = [string, number];
export type ValueKey = [string, number, string, number];
export type LinkKey = [string, number, string, number];

const FILE = 'trace.mdb';
const BOOT_ID_FILE = 'boot-id';
/** Bumped when what a hop holds changes: an index of another format is emptied and folded again. */
const FORMAT = 1;

export function traceDir(dataDir: string): string {
  return join(dataDir, 'trace');
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export class TraceDb {
  readonly hops: Database<Hop, HopKey>;
  readonly values: Database<string, ValueKey>;
  readonly links: Database<1, LinkKey>;
  readonly positions: Database<number, string>;
  private readonly meta: Database<unknown, string>;
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
    this.meta = root.openDB<unknown, string>({ name: 'meta' });
    if (!readOnly && this.meta.get('format') !== FORMAT) {
      this.clear();
      this.meta.putSync('format', FORMAT);
    }
  }

  static open(dataDir: string, options: { readOnly?: boolean } = {}): TraceDb {
    const dir = traceDir(dataDir);
    const file = join(dir, FILE);
    const readOnly = options.readOnly === true;
    if (readOnly && !existsSync(file)) throw new Error(`no trace index in ${dir}`);
    mkdirSync(dir, { recursive: true });
    const boot = bootId();
    if (!readOnly && boot !== undefined) {
      const marker = join(dir, BOOT_ID_FILE);
      const writtenUnder = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
      if (existsSync(file) && writtenUnder !== boot) {
        rmSync(file, { force: true });
        rmSync(`${file}-lock`, { force: true });
      }
      writeFileSync(marker, boot + '\n');
    }
    const unsynced = !readOnly && boot !== undefined;
    return new TraceDb(open({ path: file, maxDbs: 8, readOnly, noSync: unsynced }), readOnly);
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
    const reached = new Map<string, number>();
    let last: Promise<unknown> | undefined;
    for (const hop of hops) {
      const at = reached.get(hop.stream) ?? this.position(hop.stream);
      if (hop.seq <= at) continue;
      reached.set(hop.stream, hop.seq);
      written++;
      last = this.hops.put([hop.stream, hop.seq], hop);
      for (const v of lookupValues(hop)) last = this.values.put([v, hop.time, hop.stream, hop.seq], fieldOf(hop, v));
      for (const ref of linksOf(hop)) last = this.links.put([ref.stream, ref.seq, hop.stream, hop.seq], 1);
    }
    for (const [stream, seq] of reached) {
      this.queued.set(stream, seq);
      last = this.positions.put(stream, seq);
    }
    const committed = last ?? Promise.resolve(true);
    this.lastCommit = committed.catch(() => undefined);
    return { written, committed };
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
    });
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
  dump(): { hops: [HopKey, Hop][]; keys: [ValueKey, string][]; links: LinkKey[]; positions: [string, number][] } {
    return {
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
