/**
 * The expectations view in LMDB (`<data>/expectations/`): records by (name, key), a
 * time-ordered index of due deadlines (the next firing is its first key, no scan), an index of
 * late ones, running totals per name, and the last sequence folded from each stream — all
 * written in one transaction per batch, so after any crash the view and its positions agree.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { discardIfRebooted } from '../../config/boot-id.ts';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { applyFired, applySighting, isClosedInTime, isDue, statusOf, type ExpectationRecord, type Sighting } from './state.ts';

type IndexKey = [number, string, string];
type RecordKey = [string, string];

export interface Totals {
  /** Opened, not closed in time, no exception yet (the due index). */
  open: number;
  closed: number;
  late: number;
}

/** What a batch changed, for the metrics (transitions, not states). */
export interface Transition {
  readonly name: string;
  readonly to: 'closed' | 'late';
  /** Seconds from the `when` to the `expect`, for closes. */
  readonly seconds?: number;
}

export interface Entry {
  readonly name: string;
  readonly key: string;
  readonly record: ExpectationRecord;
}

/** One write transaction's view of the tables; records read once and written once at the end. */
export class ExpectationBatch {
  readonly transitions: Transition[] = [];
  private readonly records = new Map<string, { name: string; key: string; before: ExpectationRecord | undefined; now: ExpectationRecord }>();
  private readonly seqs = new Map<string, number>();
  private readonly store: ExpectationStore;

  constructor(store: ExpectationStore) {
    this.store = store;
  }

  sight(name: string, key: string, s: Sighting): void {
    this.change(name, key, (r) => applySighting(r, s));
  }

  fired(name: string, key: string, at: number): void {
    this.change(name, key, (r) => applyFired(r, at));
  }

  /** The last sequence folded from `stream`, committed with the records. */
  folded(stream: string, seq: number): void {
    this.seqs.set(stream, seq);
  }

  /** The position of `stream`, including this batch's own progress. */
  seqOf(stream: string): number {
    return this.seqs.get(stream) ?? this.store.seqOf(stream);
  }

  private change(name: string, key: string, f: (r: ExpectationRecord | undefined) => ExpectationRecord): void {
    const id = `${name}\u0000${key}`;
    let cell = this.records.get(id);
    if (!cell) {
      const before = this.store.get(name, key);
      cell = { name, key, before, now: before as ExpectationRecord };
      this.records.set(id, cell);
    }
    const next = f(cell.now);
    if (next !== cell.now) cell.now = next;
  }

  /** Writes inside the store's transaction. */
  write(): void {
    const s = this.store;
    const totals = new Map<string, Totals>();
    const tot = (name: string): Totals => {
      let t = totals.get(name);
      if (!t) totals.set(name, (t = s.totals(name)));
      return t;
    };
    for (const { name, key, before, now } of this.records.values()) {
      if (now === before) continue;
      s.tables.records.putSync([name, key], now);
      const wasDue = before !== undefined && isDue(before);
      const nowDue = isDue(now);
      if (wasDue && (!nowDue || before.deadline !== now.deadline)) s.tables.due.removeSync([before.deadline as number, name, key]);
      if (nowDue && (!wasDue || before.deadline !== now.deadline)) s.tables.due.putSync([now.deadline as number, name, key], 1);
      const wasLate = before !== undefined && statusOf(before) === 'late';
      const nowLate = statusOf(now) === 'late';
      if (wasLate && (!nowLate || before.deadline !== now.deadline)) s.tables.late.removeSync([before.deadline as number, name, key]);
      if (nowLate && (!wasLate || before.deadline !== now.deadline)) s.tables.late.putSync([now.deadline as number, name, key], 1);
      const wasClosed = before !== undefined && isClosedInTime(before);
      const nowClosed = isClosedInTime(now);
      const t = tot(name);
      t.open += Number(nowDue) - Number(wasDue);
      t.closed += Number(nowClosed) - Number(wasClosed);
      t.late += Number(nowLate) - Number(wasLate);
      if (nowClosed && !wasClosed) this.transitions.push({ name, to: 'closed', seconds: Math.max(0, ((now.expectAt as number) - (now.whenAt as number)) / 1000) });
      if (nowLate && !wasLate) this.transitions.push({ name, to: 'late' });
      const timesBefore = before === undefined ? [] : timesOf(before);
      const timesNow = timesOf(now);
      for (const t of timesBefore) if (!timesNow.includes(t)) s.tables.times.removeSync([t, name, key]);
      for (const t of timesNow) if (!timesBefore.includes(t)) s.tables.times.putSync([t, name, key], 1);
    }
    for (const [name, t] of totals) s.tables.meta.putSync(['totals', name], t);
    for (const [stream, seq] of this.seqs) s.tables.meta.putSync(['seq', stream], seq);
  }
}

const VIEW_FILE = 'expectations.mdb';
/** Layout of the tables; a view in another layout is emptied at open and refolded from the streams. */
const FORMAT = 2;

/** The instants a record is found by in the time index (KPIs over a window read it). */
function timesOf(r: ExpectationRecord): number[] {
  const out: number[] = [];
  for (const t of [r.whenAt, r.expectAt, r.deadline]) if (t !== undefined && !out.includes(t)) out.push(t);
  return out;
}

/** The last thing known of a record: after it, nothing in the view refers to the record's time. */
function newestInstant(r: ExpectationRecord): number {
  return Math.max(...timesOf(r), r.firedAt ?? -Infinity);
}

export function expectationsDir(dataDir: string): string {
  return join(dataDir, 'expectations');
}


export interface Tables {
  readonly records: Database<ExpectationRecord, RecordKey>;
  readonly due: Database<number, IndexKey>;
  readonly late: Database<number, IndexKey>;
  /** [instant, name, key] for each of a record's whenAt, expectAt and deadline. */
  readonly times: Database<number, IndexKey>;
  readonly meta: Database<unknown, (string | number)[]>;
}

export class ExpectationStore {
  readonly tables: Tables;
  private readonly root: RootDatabase;

  private constructor(root: RootDatabase) {
    this.root = root;
    this.tables = {
      records: root.openDB<ExpectationRecord, RecordKey>({ name: 'records' }),
      due: root.openDB<number, IndexKey>({ name: 'due' }),
      late: root.openDB<number, IndexKey>({ name: 'late' }),
      times: root.openDB<number, IndexKey>({ name: 'times' }),
      meta: root.openDB<unknown, (string | number)[]>({ name: 'meta' }),
    };
  }

  /** Empties a view written in another layout (its positions go too: it is refolded from the streams). */
  private upgrade(): void {
    const t = this.tables;
    if (t.meta.get(['format']) === FORMAT) return;
    this.root.transactionSync(() => {
      t.records.clearSync();
      t.due.clearSync();
      t.late.clearSync();
      t.times.clearSync();
      t.meta.clearSync();
      t.meta.putSync(['format'], FORMAT);
    });
  }

  /**
   * Like the availability view: commits are not fsynced (a process crash loses nothing, the
   * pages are in the OS's cache), and a view written before the host last booted may have lost
   * pages, so it is removed and rebuilt from the streams. Without a boot id, every commit syncs.
   */
  static open(dataDir: string): ExpectationStore {
    const dir = expectationsDir(dataDir);
    const file = join(dir, VIEW_FILE);
    mkdirSync(dir, { recursive: true });
    const { unsynced } = discardIfRebooted(dir, file);
    const store = new ExpectationStore(open({ path: file, maxDbs: 8, noSync: unsynced, useWritemap: unsynced }));
    store.upgrade();
    return store;
  }

  /** The view a runner writes, for reading beside it (the CLI); undefined when there is none. */
  static openReadOnly(dataDir: string): ExpectationStore | undefined {
    const file = join(expectationsDir(dataDir), VIEW_FILE);
    return existsSync(file) ? new ExpectationStore(open({ path: file, maxDbs: 8, readOnly: true })) : undefined;
  }

  get(name: string, key: string): ExpectationRecord | undefined {
    return this.tables.records.get([name, key]);
  }

  seqOf(stream: string): number {
    return (this.tables.meta.get(['seq', stream]) as number | undefined) ?? 0;
  }

  totals(name: string): Totals {
    const t = this.tables.meta.get(['totals', name]) as Totals | undefined;
    return t ? { ...t } : { open: 0, closed: 0, late: 0 };
  }

  /** Runs `fold` in one write transaction; returns what changed. */
  transact(fold: (batch: ExpectationBatch) => void): readonly Transition[] {
    const batch = new ExpectationBatch(this);
    this.root.transactionSync(() => {
      fold(batch);
      batch.write();
    });
    return batch.transitions;
  }

  /**
   * Forgets what is older than `cutoff`, reading the time index from its oldest entry (never the
   * live records): each index entry before the cutoff goes, and with it a record whose every
   * instant is before the cutoff and which is not due (closed, late and raised, or an expected
   * document whose opening never came). A due record stays whatever its age: it still has to
   * fire. Totals are lifetime counts and stay. At most `limit` index entries per call, in one
   * transaction; `more` says whether older entries remain.
   */
  prune(cutoff: number, limit: number): { visited: number; removed: number; more: boolean } {
    const t = this.tables;
    let visited = 0;
    let removed = 0;
    let more = false;
    this.root.transactionSync(() => {
      // Read before writing: removing under an open cursor would move it.
      const keys = [...t.times.getKeys({ end: [cutoff], limit: limit + 1 })];
      more = keys.length > limit;
      for (const key of keys.slice(0, limit)) {
        visited++;
        t.times.removeSync(key);
        const [, name, id] = key;
        const record = this.get(name, id);
        if (!record || isDue(record) || newestInstant(record) >= cutoff) continue;
        t.records.removeSync([name, id]);
        if (record.deadline !== undefined) t.late.removeSync([record.deadline, name, id]);
        for (const at of timesOf(record)) t.times.removeSync([at, name, id]);
        removed++;
      }
    });
    return { visited, removed, more };
  }

  /** How many records the view holds (tests and the prune's log line). */
  get size(): number {
    return this.tables.records.getCount();
  }

  /** The earliest due deadline, or undefined when nothing is due. */
  nextDeadline(): number | undefined {
    for (const key of this.tables.due.getKeys({ limit: 1 })) return key[0];
    return undefined;
  }

  /**
   * Records with an opening, expected document or deadline in [since, until), each once, and
   * every record still due: what KPIs over that window need, read without a scan of history.
   */
  *touched(since: number, until: number): Generator<Entry> {
    const seen = new Set<string>();
    const emit = function* (this: ExpectationStore, name: string, key: string): Generator<Entry> {
      const id = `${name}\u0000${key}`;
      if (seen.has(id)) return;
      seen.add(id);
      const record = this.get(name, key);
      if (record) yield { name, key, record };
    };
    for (const k of this.tables.times.getKeys({ start: [since], end: [until] })) yield* emit.call(this, k[1], k[2]);
    for (const k of this.tables.due.getKeys()) yield* emit.call(this, k[1], k[2]);
  }

  /** Due entries with a deadline at or before `now`, earliest first. */
  dueBy(now: number, limit: number): Entry[] {
    return this.entries(this.tables.due, undefined, limit, now);
  }

  /** Open (due) or late entries, earliest deadline first, optionally of one expectation. */
  list(state: 'open' | 'late', name: string | undefined, limit: number): Entry[] {
    return this.entries(state === 'open' ? this.tables.due : this.tables.late, name, limit, Infinity);
  }

  private entries(index: Database<number, IndexKey>, name: string | undefined, limit: number, upTo: number): Entry[] {
    const out: Entry[] = [];
    for (const key of index.getKeys()) {
      if (key[0] > upTo || out.length >= limit) break;
      if (name !== undefined && key[1] !== name) continue;
      const record = this.get(key[1], key[2]);
      if (record) out.push({ name: key[1], key: key[2], record });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
