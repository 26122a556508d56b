/**
 * The audit log's query index: an LMDB view of the AUDIT stream, written in stream order with
 * its last sequence in the same transaction (so a crash never leaves it half-applied), and
 * rebuilt by deleting its folder. Queries read one ordered range: a key's entries, a
 * partner's or a kind's entries in a time range, or every entry in a time range; none scans
 * the log. The stream stays the record; this only finds entries in it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { discardIfRebooted } from '../../config/boot-id.ts';
import { open, type Database, type RootDatabase } from 'lmdb';
import { decodeEntry, type AuditEntry, type AuditKind } from './entry.ts';

export interface AuditQuery {
  readonly key?: string;
  readonly partner?: string;
  readonly kind?: AuditKind;
  /** Epoch ms, inclusive. */
  readonly since?: number;
  /** Epoch ms, exclusive. */
  readonly until?: number;
  readonly limit: number;
}

/** An entry as the index keeps and answers it (without the chain's cursor). */
export type IndexedEntry = Omit<AuditEntry, 'cursor'>;

const TOP = Number.MAX_SAFE_INTEGER;

export class AuditIndex {
  private readonly root: RootDatabase;
  private readonly entries: Database<IndexedEntry, number>;
  private readonly byKey: Database<null, [string, number, number]>;
  private readonly byPartner: Database<null, [string, number, number]>;
  private readonly byKind: Database<null, [string, number, number]>;
  private readonly byTime: Database<null, [number, number]>;
  private readonly meta: Database<number, string>;

  private constructor(root: RootDatabase) {
    this.root = root;
    this.entries = root.openDB({ name: 'entries' });
    this.byKey = root.openDB({ name: 'by-key' });
    this.byPartner = root.openDB({ name: 'by-partner' });
    this.byKind = root.openDB({ name: 'by-kind' });
    this.byTime = root.openDB({ name: 'by-time' });
    this.meta = root.openDB({ name: 'meta' });
  }

  /**
   * Opens (creating) the index in `<dir>/audit-index/`. Commits skip fsync: a synced commit per
   * batch cost the runner more CPU than everything else it did per order on the Shopify flow,
   * and the index is rebuilt from the AUDIT stream whenever the host restarted since it was
   * written (config/boot-id.ts).
   */
  static open(dir: string): AuditIndex {
    const path = join(dir, 'audit-index');
    mkdirSync(path, { recursive: true });
    const file = join(path, 'index.lmdb');
    const { unsynced } = discardIfRebooted(path, file);
    return new AuditIndex(open({ path: file, maxDbs: 8, noSync: unsynced }));
  }

  get lastSeq(): number {
    return this.meta.get('lastSeq') ?? 0;
  }

  /**
   * Indexes stream messages in one write transaction, committed on lmdb's write thread (the
   * caller's thread only encodes; a synchronous commit per group was the largest single cost the
   * audit log put on a runner). Sequences at or below the index's own (read inside the
   * transaction: the CLI may catch up the same files while a runner runs) are skipped; a message
   * that is not an entry is skipped too (`audit verify` is what names it). Resolves with how many
   * entries it indexed.
   */
  apply(messages: readonly { readonly seq: number; readonly data: Uint8Array }[]): Promise<number> {
    return this.root.transaction(() => {
      let applied = 0;
      let last = this.lastSeq;
      for (const m of messages) {
        if (m.seq <= last) continue;
        last = m.seq;
        const e = decodeEntry(m.data);
        if (typeof e === 'string') continue;
        const { cursor: _cursor, ...kept } = e;
        const t = Date.parse(e.time);
        const time = Number.isFinite(t) ? t : 0;
        void this.entries.put(m.seq, kept);
        for (const k of new Set(e.keys)) void this.byKey.put([k, time, m.seq], null);
        if (e.partner !== undefined) void this.byPartner.put([e.partner, time, m.seq], null);
        void this.byKind.put([e.kind, time, m.seq], null);
        void this.byTime.put([time, m.seq], null);
        applied++;
      }
      void this.meta.put('lastSeq', last);
      return applied;
    });
  }

  /**
   * Entries matching every filter, in time order (the recorded message's stream time; the
   * log's own order is the order entries were written, which across streams need not be the
   * order things happened), at most `limit`. The narrowest index given is read (key, then partner, then kind, then time); the
   * other filters are checked on what it yields.
   */
  query(q: AuditQuery): IndexedEntry[] {
    const since = q.since ?? 0;
    const until = q.until ?? TOP;
    const fits = (e: IndexedEntry): boolean => {
      if (q.partner !== undefined && e.partner !== q.partner) return false;
      if (q.kind !== undefined && e.kind !== q.kind) return false;
      if (q.key !== undefined && !e.keys.includes(q.key)) return false;
      const t = Date.parse(e.time);
      return t >= since && t < until;
    };
    const seqs: Iterable<number> =
      q.key !== undefined
        ? this.byKey.getKeys({ start: [q.key, since, 0], end: [q.key, until, 0] }).map((k) => k[2])
        : q.partner !== undefined
          ? this.byPartner.getKeys({ start: [q.partner, since, 0], end: [q.partner, until, 0] }).map((k) => k[2])
          : q.kind !== undefined
            ? this.byKind.getKeys({ start: [q.kind, since, 0], end: [q.kind, until, 0] }).map((k) => k[2])
            : this.byTime.getKeys({ start: [since, 0], end: [until, 0] }).map((k) => k[1]);
    const out: IndexedEntry[] = [];
    for (const seq of seqs) {
      const e = this.entries.get(seq);
      if (e && fits(e)) out.push(e);
      if (out.length >= q.limit) break;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
