/**
 * The audit log's query index: an LMDB view of the AUDIT stream, one row per record (a block's
 * records are rows [block seq, index]), written in stream order with its last sequence in the
 * same transaction (so a crash never leaves it half-applied), and rebuilt by deleting its
 * folder. Queries read one ordered range: a key's records, a partner's or a kind's records in a
 * time range, or every record in a time range; none scans the log. The stream stays the record;
 * this only finds records in it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { discardIfRebooted } from '../../config/boot-id.ts';
import { open, type Database, type RootDatabase } from 'lmdb';
import { decodeEntry, recordsOf, type AuditKind, type AuditRecord } from './entry.ts';

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

/** A record as the index keeps and answers it: with where it is in the chain, the block's sequence, its index in the block, and the block's hash. */
export type IndexedEntry = AuditRecord & {
  readonly seq: number;
  readonly index: number;
  readonly hash: string;
};

/** A record's row: [block seq, index in the block]. */
type Row = [number, number];

const TOP = Number.MAX_SAFE_INTEGER;
/**
 * The layout of what is stored. An index of another format (rows per entry, before blocks) is
 * emptied on open and folded again from the stream.
 */
const FORMAT = 2;

export class AuditIndex {
  private readonly root: RootDatabase;
  private readonly entries: Database<IndexedEntry, Row>;
  private readonly byKey: Database<null, [string, number, ...Row]>;
  private readonly byPartner: Database<null, [string, number, ...Row]>;
  private readonly byKind: Database<null, [string, number, ...Row]>;
  private readonly byTime: Database<null, [number, ...Row]>;
  private readonly meta: Database<number, string>;

  private constructor(root: RootDatabase, reader: boolean) {
    this.root = root;
    this.entries = root.openDB({ name: 'entries' });
    this.byKey = root.openDB({ name: 'by-key' });
    this.byPartner = root.openDB({ name: 'by-partner' });
    this.byKind = root.openDB({ name: 'by-kind' });
    this.byTime = root.openDB({ name: 'by-time' });
    this.meta = root.openDB({ name: 'meta' });
    if (!reader && this.meta.get('format') !== FORMAT) {
      root.transactionSync(() => {
        this.entries.clearSync();
        this.byKey.clearSync();
        this.byPartner.clearSync();
        this.byKind.clearSync();
        this.byTime.clearSync();
        this.meta.clearSync();
        void this.meta.put('format', FORMAT);
      });
    }
  }

  /**
   * Opens (creating) the index in `<dir>/audit-index/`. Commits skip fsync: a synced commit per
   * batch cost the runner more CPU than everything else it did per order on the Shopify flow,
   * and the index is rebuilt from the AUDIT stream whenever the host restarted since it was
   * written (config/boot-id.ts).
   */
  static open(dir: string, options: { reader?: boolean } = {}): AuditIndex {
    const path = join(dir, 'audit-index');
    mkdirSync(path, { recursive: true });
    const file = join(path, 'index.lmdb');
    // A reader opens the file the runner's views thread writes (operations/view-thread.ts), which
    // has already checked the boot and the format: it only reads.
    const { unsynced } = options.reader ? { unsynced: true } : discardIfRebooted(path, file);
    return new AuditIndex(open({ path: file, maxDbs: 8, noSync: unsynced }), options.reader === true);
  }

  get lastSeq(): number {
    return this.meta.get('lastSeq') ?? 0;
  }

  /**
   * Indexes stream messages in one write transaction, committed on lmdb's write thread (the
   * caller's thread only encodes; a synchronous commit per group was the largest single cost the
   * audit log put on a runner). Sequences at or below the index's own (read inside the
   * transaction: the CLI may catch up the same files while a runner runs) are skipped; a message
   * that is not an entry is skipped too (`audit verify` is what names it). A v1 entry is a block of
   * one record. Resolves with how many records it indexed.
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
        const records = recordsOf(e);
        for (let i = 0; i < records.length; i++) {
          const r = records[i] as AuditRecord;
          const t = Date.parse(r.time);
          const time = Number.isFinite(t) ? t : 0;
          void this.entries.put([m.seq, i], { ...r, seq: m.seq, index: i, hash: e.hash });
          for (const k of new Set(r.keys)) void this.byKey.put([k, time, m.seq, i], null);
          if (r.partner !== undefined) void this.byPartner.put([r.partner, time, m.seq, i], null);
          void this.byKind.put([r.kind, time, m.seq, i], null);
          void this.byTime.put([time, m.seq, i], null);
          applied++;
        }
      }
      void this.meta.put('lastSeq', last);
      return applied;
    });
  }

  /**
   * Records matching every filter, in time order (the recorded message's stream time; the
   * log's own order is the order blocks were written, which across streams need not be the
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
    // Ranges end before [.., until] (the shortest key at `until`): every row at `until` sorts after it.
    const rows: Iterable<Row> =
      q.key !== undefined
        ? this.byKey.getKeys({ start: [q.key, since], end: [q.key, until] }).map((k) => [k[2], k[3]] as Row)
        : q.partner !== undefined
          ? this.byPartner.getKeys({ start: [q.partner, since], end: [q.partner, until] }).map((k) => [k[2], k[3]] as Row)
          : q.kind !== undefined
            ? this.byKind.getKeys({ start: [q.kind, since], end: [q.kind, until] }).map((k) => [k[2], k[3]] as Row)
            : this.byTime.getKeys({ start: [since], end: [until] }).map((k) => [k[1], k[2]] as Row);
    const out: IndexedEntry[] = [];
    for (const row of rows) {
      const e = this.entries.get(row);
      if (e && fits(e)) out.push(e);
      if (out.length >= q.limit) break;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
