/**
 * The audit log's entries: what a record says, how a block of records is written on the wire (a
 * JSON body on `audit.<kind>.<partner>`), and how it is sealed into the hash chain.
 *
 * An entry is a block (v2): the records of one group of source messages, or one operator
 * action. Each block carries the hash of the entry before it (`prev`) and its own hash over
 * everything else it says, its stream sequence and every record included: changing, removing,
 * reordering or inserting a record or a block breaks the chain at that block's sequence. The body
 * of a recorded document is not copied, only its SHA-256: the document stays in its own stream,
 * and the record proves which bytes it was. Entries written before blocks (v1, one record each)
 * are still read: a log may hold v1 entries followed by blocks, and verifies as one chain.
 */
import { createHash } from 'node:crypto';

export const AUDIT_STREAM = 'AUDIT';
export const AUDIT_PREFIX = 'audit';
/** The `prev` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditKind = 'partner-transaction' | 'inventory-adjustment' | 'financial-posting' | 'erp-posting' | 'operator-action';
export const AUDIT_KINDS: readonly AuditKind[] = ['partner-transaction', 'inventory-adjustment', 'financial-posting', 'erp-posting', 'operator-action'];

/** What an entry says before it is sealed into the chain. */
export interface AuditRecord {
  readonly kind: AuditKind;
  /** `in`: into Crossdock (from a partner or system); `out`: towards one. */
  readonly direction?: 'in' | 'out';
  /** Partner, channel, warehouse or location the record belongs to. */
  readonly partner?: string;
  readonly documentType?: string;
  /** Business keys (order, PO, invoice, shipment numbers, SKUs): what `crossdock audit --key` finds. */
  readonly keys: readonly string[];
  /** The recorded message's subject. */
  readonly subject?: string;
  /** Where the recorded message is kept. */
  readonly source?: { readonly stream: string; readonly seq: number };
  /** SHA-256 of the recorded message's body, hex. */
  readonly bodySha256?: string;
  /** When it happened (the source message's stream time, or the action's time), ISO 8601. */
  readonly time: string;
  /** Who: a person or API key name for operator actions; `crossdock` for documents the runner saw. */
  readonly actor: string;
  /** Operator actions: what was done (`dlq.replay`, `exception.resolve`), to what, and why. */
  readonly action?: string;
  readonly target?: string;
  readonly note?: string;
}

/** Chain fields every stored entry carries, whatever its version. */
interface Sealed {
  /** Its sequence in the audit stream (the chain's order). */
  readonly seq: number;
  /**
   * Per source stream, the last sequence recorded up to and including this entry. The chain's
   * head says how far the log has got, so any runner can resume, and none records a message twice.
   */
  readonly cursor: Readonly<Record<string, number>>;
  readonly prev: string;
  readonly hash: string;
}

/**
 * A block as stored (v2): the records of one group the auditor handled (source messages of one
 * stream, in sequence order), or one operator action. One seal, one publish and one read-back per
 * group instead of per message: those were most of what the log cost a runner per order.
 */
export interface AuditBlock extends Sealed {
  readonly v: 2;
  readonly records: readonly AuditRecord[];
}

/** An entry written before blocks (v1): one record, its fields beside the chain's. Still read and verified. */
export interface AuditEntryV1 extends AuditRecord, Sealed {
  readonly v: 1;
}

/** Whatever the chain holds at a sequence. */
export type AuditEntry = AuditBlock | AuditEntryV1;

/** The records an entry holds, in order: a v1 entry is a block of one. */
export function recordsOf(entry: AuditEntry): readonly AuditRecord[] {
  if (entry.v === 2) return entry.records;
  const { v: _v, seq: _s, cursor: _c, prev: _p, hash: _h, ...record } = entry;
  return [record];
}

/** JSON with object keys sorted at every level: one text per value, so one hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The hash an entry must carry: over every field but `hash` itself. */
export function entryHash(entry: Omit<AuditBlock, 'hash'> | Omit<AuditEntryV1, 'hash'> | AuditEntry): string {
  const { hash: _ignored, ...rest } = entry as AuditEntry;
  return sha256Hex(canonicalJson(rest));
}

/**
 * A record's canonical JSON, computed once per record object: a block drafted again after a
 * refused append (another writer got in) reuses its records' texts, and so do the size check
 * that cuts groups into blocks and the bytes published.
 */
const recordTexts = new WeakMap<AuditRecord, string>();

function recordText(record: AuditRecord): string {
  let text = recordTexts.get(record);
  if (text === undefined) {
    text = canonicalJson(record);
    recordTexts.set(record, text);
  }
  return text;
}

/** The bytes a record adds to a stored block (its canonical JSON and a comma). */
export function recordBytes(record: AuditRecord): number {
  return Buffer.byteLength(recordText(record)) + 1;
}

/**
 * Canonical JSON of a block with or without its hash, assembled from its records' texts. The
 * keys in sorted order (cursor, hash, prev, records, seq, v) and each value canonical: the
 * same text canonicalJson gives, which is what verify recomputes from the stored JSON.
 */
function blockText(b: Omit<AuditBlock, 'hash'>, hash?: string): string {
  const records = b.records.map(recordText).join(',');
  const sealed = hash === undefined ? '' : `"hash":${JSON.stringify(hash)},`;
  return `{"cursor":${canonicalJson(b.cursor)},${sealed}"prev":${JSON.stringify(b.prev)},"records":[${records}],"seq":${canonicalJson(b.seq)},"v":2}`;
}

/** Seals records into a block at `at`; what undefined-valued fields a record has are left out, as JSON would. */
export function sealBlock(records: readonly AuditRecord[], at: { readonly seq: number; readonly prev: string; readonly cursor: Readonly<Record<string, number>> }): AuditBlock {
  if (records.length === 0) throw new Error('an audit block needs at least one record');
  const unsealed = { v: 2 as const, seq: at.seq, cursor: at.cursor, prev: at.prev, records };
  return { ...unsealed, hash: sha256Hex(blockText(unsealed)) };
}

/** One subject token: no dots, wildcards or whitespace; anything else becomes `_`. */
export function subjectToken(text: string | undefined): string {
  if (text === undefined || text === '') return '-';
  return text.replace(/[\s.*>]/g, '_');
}

export function auditSubject(record: Pick<AuditRecord, 'kind' | 'partner'>): string {
  return `${AUDIT_PREFIX}.${record.kind}.${subjectToken(record.partner)}`;
}

/**
 * A block's subject: its records' kind and partner when all share them (an operator action, a
 * group from one channel), `mixed` in place of whichever they do not share.
 */
export function blockSubject(block: Pick<AuditBlock, 'records'>): string {
  const [first, ...rest] = block.records as [AuditRecord, ...AuditRecord[]];
  const kind = rest.every((r) => r.kind === first.kind) ? first.kind : 'mixed';
  const partner = rest.every((r) => r.partner === first.partner) ? subjectToken(first.partner) : 'mixed';
  return `${AUDIT_PREFIX}.${kind}.${partner}`;
}

/** The entry in a stored body (a v2 block, or a v1 entry as written before blocks), or a one-line reason it is not one. */
export function decodeEntry(data: Uint8Array): AuditEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return 'the body is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body is not a JSON object';
  const e = value as Record<string, unknown>;
  if (e.v !== 1 && e.v !== 2) return 'not an audit entry (v is not 1 or 2)';
  if (typeof e.seq !== 'number' || typeof e.prev !== 'string' || typeof e.hash !== 'string') return 'seq, prev or hash is missing';
  if (typeof e.cursor !== 'object' || e.cursor === null) return 'cursor is missing';
  if (e.v === 1) {
    const bad = badRecord(e);
    return bad === undefined ? (value as AuditEntryV1) : bad;
  }
  if (!Array.isArray(e.records) || e.records.length === 0) return 'records is missing or empty';
  for (let i = 0; i < e.records.length; i++) {
    const r: unknown = e.records[i];
    const bad = typeof r === 'object' && r !== null && !Array.isArray(r) ? badRecord(r as Record<string, unknown>) : 'not an object';
    if (bad !== undefined) return `record ${i}: ${bad}`;
  }
  return value as AuditBlock;
}

function badRecord(r: Record<string, unknown>): string | undefined {
  if (typeof r.kind !== 'string' || !AUDIT_KINDS.includes(r.kind as AuditKind)) return `kind '${String(r.kind)}' is not an audit kind`;
  if (!Array.isArray(r.keys) || typeof r.time !== 'string' || typeof r.actor !== 'string') return 'keys, time or actor is missing';
  return undefined;
}

/** A block as published: its canonical JSON (assembled from the texts its records were hashed with). */
export function encodeEntry(entry: AuditEntry): Uint8Array {
  return new TextEncoder().encode(entry.v === 2 ? blockText(entry, entry.hash) : JSON.stringify(entry));
}
