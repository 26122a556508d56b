/**
 * Work items in LMDB, under `<data>/exceptions/`: the items by id; an index per filter field
 * ([field, value, id]) and per filter field with the state ([`field@state`, `state|value`, id],
 * for "the open ones of this partner"), each with its size, so a list reads the smallest index
 * its filters name, newest first; the parked actions, the running totals and how far each
 * stream is folded. A batch of messages is folded
 * and committed with both positions in one transaction, so after a crash the items and the
 * positions agree and the fold resumes right after them. Everything here is rebuilt from the
 * two streams when the folder is deleted.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { ParkedAction, Tables } from './fold.ts';
import { FILTER_FIELDS, matches, type ExceptionFilter, type FilterField, type WorkItem } from './model.ts';
import { addResolution, openKey, type OpenCount, type ResolutionStats } from './totals.ts';

type IndexKey = [string, string, number];
type SizeKey = [string, string];
type CountKey = [string, string, string];

/** The record layout; a folder written in another one is emptied and rebuilt from the streams. */
const FORMAT = 3;
const WITH_STATE: readonly FilterField[] = FILTER_FIELDS.filter((f) => f !== 'state');

/** The index entries ([name, value]) of an item. */
function indexEntries(item: WorkItem | undefined): SizeKey[] {
  if (!item) return [];
  const out: SizeKey[] = [];
  for (const f of FILTER_FIELDS) {
    const v = item[f];
    if (v !== undefined) out.push([f, v]);
  }
  for (const f of WITH_STATE) {
    const v = item[f];
    if (v !== undefined) out.push([`${f}@state`, `${item.state}|${v}`]);
  }
  return out;
}

/** The indexes a filter could read: each holds every match (and maybe more). */
function candidates(filter: ExceptionFilter): SizeKey[] {
  const out: SizeKey[] = [];
  for (const f of WITH_STATE) {
    const v = filter[f];
    if (v !== undefined) out.push(filter.state === undefined ? [f, v] : [`${f}@state`, `${filter.state}|${v}`]);
  }
  if (out.length === 0 && filter.state !== undefined) out.push(['state', filter.state]);
  return out;
}

export interface Positions {
  readonly exceptionsSeq: number;
  readonly workbenchSeq: number;
}

export function workbenchDir(dataDir: string): string {
  return join(dataDir, 'exceptions');
}

export class WorkbenchStore {
  private readonly root: RootDatabase;
  private readonly items: Database<WorkItem, number>;
  private readonly index: Database<true, IndexKey>;
  private readonly sizes: Database<number, SizeKey>;
  private readonly parked: Database<ParkedAction, [number, number]>;
  private readonly open: Database<number, CountKey>;
  private readonly resolution: Database<ResolutionStats, string>;
  /** [resolved at (epoch ms), id]: items resolved in a time window (KPIs) without a scan. */
  private readonly resolvedAt: Database<true, [number, number]>;
  private readonly meta: Database<unknown, string>;

  private constructor(root: RootDatabase) {
    this.root = root;
    this.items = root.openDB({ name: 'items' });
    this.index = root.openDB({ name: 'index' });
    this.sizes = root.openDB({ name: 'sizes' });
    this.parked = root.openDB({ name: 'parked' });
    this.open = root.openDB({ name: 'open' });
    this.resolution = root.openDB({ name: 'resolution' });
    this.resolvedAt = root.openDB({ name: 'resolved-at' });
    this.meta = root.openDB({ name: 'meta' });
  }

  /**
   * Opens (or creates) the store. `identity` names the streams it was folded from (their
   * creation times): a stream deleted and created again starts the fold over.
   */
  static async open(dir: string, identity: string): Promise<WorkbenchStore> {
    mkdirSync(dir, { recursive: true });
    let s = new WorkbenchStore(open({ path: join(dir, 'workbench.mdb'), maxDbs: 12 }));
    if (s.meta.get('format') !== FORMAT || s.meta.get('identity') !== identity) {
      await s.root.close();
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      s = new WorkbenchStore(open({ path: join(dir, 'workbench.mdb'), maxDbs: 12 }));
      s.root.transactionSync(() => {
        s.meta.putSync('format', FORMAT);
        s.meta.putSync('identity', identity);
      });
    }
    return s;
  }

  /** The store a runner writes, for reading beside it (the CLI); undefined when there is none or it is in another layout. */
  static openReadOnly(dir: string): WorkbenchStore | undefined {
    const file = join(dir, 'workbench.mdb');
    if (!existsSync(file)) return undefined;
    const s = new WorkbenchStore(open({ path: file, maxDbs: 12, readOnly: true }));
    if (s.meta.get('format') !== FORMAT) {
      void s.root.close();
      return undefined;
    }
    return s;
  }

  get positions(): Positions {
    return { exceptionsSeq: (this.meta.get('exceptionsSeq') as number | undefined) ?? 0, workbenchSeq: (this.meta.get('workbenchSeq') as number | undefined) ?? 0 };
  }

  /** Runs `fold` over the tables and stores the positions it returns with its writes, in one transaction. */
  commit(fold: (t: Tables) => Positions): void {
    this.root.transactionSync(() => {
      const positions = fold(this.tables);
      this.meta.putSync('exceptionsSeq', positions.exceptionsSeq);
      this.meta.putSync('workbenchSeq', positions.workbenchSeq);
    });
  }

  get(id: number): WorkItem | undefined {
    return this.items.get(id);
  }

  /**
   * Newest first; with `before`, only ids below it (the cursor of the previous page). Reads the
   * smallest index the filters name (an empty one answers at once) and checks the other
   * filters on each item it finds.
   */
  list(filter: ExceptionFilter, limit: number, before?: number): WorkItem[] {
    const out: WorkItem[] = [];
    const top = before === undefined ? Number.MAX_SAFE_INTEGER : before - 1;
    let best: SizeKey | undefined;
    let bestSize = Infinity;
    for (const c of candidates(filter)) {
      const n = this.sizes.get(c) ?? 0;
      if (n < bestSize) [best, bestSize] = [c, n];
    }
    if (best && bestSize === 0) return out;
    const ids = best
      ? mapIter(this.index.getKeys({ start: [best[0], best[1], top], end: [best[0], best[1], 0], reverse: true }), (k) => k[2])
      : this.items.getKeys({ start: top, end: 0, reverse: true });
    for (const id of ids) {
      const item = this.items.get(id);
      if (!item || !matches(item, filter)) continue;
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Items resolved in [since, until), then every item not resolved now: what resolution-time KPIs read. */
  *forKpis(since: number, until: number): Generator<WorkItem> {
    for (const [, id] of this.resolvedAt.getKeys({ start: [since], end: [until] })) {
      const item = this.items.get(id);
      if (item) yield item;
    }
    for (const state of ['open', 'acknowledged']) {
      for (const k of this.index.getKeys({ start: ['state', state, 0], end: ['state', state, Number.MAX_SAFE_INTEGER] })) {
        const item = this.items.get(k[2]);
        if (item) yield item;
      }
    }
  }

  openCounts(): OpenCount[] {
    const out: OpenCount[] = [];
    for (const { key, value } of this.open.getRange()) if (value > 0) out.push({ state: key[0] as OpenCount['state'], type: key[1], partner: key[2], count: value });
    return out;
  }

  resolutionStats(): Map<string, ResolutionStats> {
    const out = new Map<string, ResolutionStats>();
    for (const { key, value } of this.resolution.getRange()) out.set(key, value);
    return out;
  }

  async close(): Promise<void> {
    await this.root.close();
  }

  /** The fold's view of the databases; only used inside commit's transaction. */
  private readonly tables: Tables = {
    get: (id) => this.items.get(id),
    put: (after, before) => {
      this.items.putSync(after.id, after);
      const was = indexEntries(before);
      const now = indexEntries(after);
      const key = (e: SizeKey): string => `${e[0]}\u0000${e[1]}`;
      const nowKeys = new Set(now.map(key));
      const wasKeys = new Set(was.map(key));
      for (const e of was) if (!nowKeys.has(key(e))) this.indexEntry(e, after.id, -1);
      for (const e of now) if (!wasKeys.has(key(e))) this.indexEntry(e, after.id, 1);
      this.count(openKey(before), -1);
      this.count(openKey(after), 1);
      if (before?.resolvedAt !== after.resolvedAt) {
        if (before?.resolvedAt !== undefined) this.resolvedAt.removeSync([Date.parse(before.resolvedAt), after.id]);
        if (after.resolvedAt !== undefined) this.resolvedAt.putSync([Date.parse(after.resolvedAt), after.id], true);
      }
    },
    park: (id, action) => {
      this.parked.putSync([id, action.seq], action);
    },
    unpark: (id) => {
      const out: { id: number; action: ParkedAction }[] = [];
      for (const { key, value } of this.parked.getRange({ end: [id, Number.MAX_SAFE_INTEGER] })) out.push({ id: key[0], action: value });
      for (const p of out) this.parked.removeSync([p.id, p.action.seq]);
      return out;
    },
    resolved: (type, seconds) => {
      this.resolution.putSync(type, addResolution(this.resolution.get(type), seconds));
    },
  };

  private indexEntry(e: SizeKey, id: number, d: 1 | -1): void {
    if (d > 0) this.index.putSync([e[0], e[1], id], true);
    else this.index.removeSync([e[0], e[1], id]);
    const n = (this.sizes.get(e) ?? 0) + d;
    if (n > 0) this.sizes.putSync(e, n);
    else this.sizes.removeSync(e);
  }

  private count(key: ReturnType<typeof openKey>, d: number): void {
    if (!key) return;
    const k: CountKey = [key[0], key[1], key[2]];
    const n = (this.open.get(k) ?? 0) + d;
    if (n > 0) this.open.putSync(k, n);
    else this.open.removeSync(k);
  }
}

function* mapIter<T, U>(it: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const x of it) yield f(x);
}
