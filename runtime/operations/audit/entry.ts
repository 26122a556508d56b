/**
 * One audit entry: what it records, how it is written on the wire (a JSON body on
 * `audit.<kind>.<partner>`), and how it is sealed into the hash chain.
 *
 * Each entry carries the hash of the entry before it (`prev`) and its own hash over everything
 * else it says, its stream sequence included: changing, removing, reordering or inserting an
 * entry breaks the chain at that sequence. The body of the recorded document is not copied,
 * only its SHA-256: the document stays in its own stream, and the entry proves which bytes it was.
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

/** A sealed entry as stored. */
export interface AuditEntry extends AuditRecord {
  readonly v: 1;
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
export function entryHash(entry: Omit<AuditEntry, 'hash'> | AuditEntry): string {
  const { hash: _ignored, ...rest } = entry as AuditEntry;
  return sha256Hex(canonicalJson(rest));
}

export function sealEntry(record: AuditRecord, at: { readonly seq: number; readonly prev: string; readonly cursor: Readonly<Record<string, number>> }): AuditEntry {
  const unsealed = { ...stripUndefined(record), v: 1 as const, seq: at.seq, cursor: at.cursor, prev: at.prev };
  return { ...unsealed, hash: entryHash(unsealed) };
}

/** One subject token: no dots, wildcards or whitespace; anything else becomes `_`. */
export function subjectToken(text: string | undefined): string {
  if (text === undefined || text === '') return '-';
  return text.replace(/[\s.*>]/g, '_');
}

export function auditSubject(record: Pick<AuditRecord, 'kind' | 'partner'>): string {
  return `${AUDIT_PREFIX}.${record.kind}.${subjectToken(record.partner)}`;
}

/** The entry in a stored body, or a one-line reason it is not one. */
export function decodeEntry(data: Uint8Array): AuditEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return 'the body is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body is not a JSON object';
  const e = value as Record<string, unknown>;
  if (e.v !== 1) return 'not an audit entry (v is not 1)';
  if (typeof e.seq !== 'number' || typeof e.prev !== 'string' || typeof e.hash !== 'string') return 'seq, prev or hash is missing';
  if (typeof e.cursor !== 'object' || e.cursor === null) return 'cursor is missing';
  if (typeof e.kind !== 'string' || !AUDIT_KINDS.includes(e.kind as AuditKind)) return `kind '${String(e.kind)}' is not an audit kind`;
  if (!Array.isArray(e.keys) || typeof e.time !== 'string' || typeof e.actor !== 'string') return 'keys, time or actor is missing';
  return value as AuditEntry;
}

export function encodeEntry(entry: AuditEntry): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(entry));
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
