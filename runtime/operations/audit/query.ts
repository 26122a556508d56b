/**
 * The filters of an audit query, as the CLI and the HTTP API take them (text), checked once:
 * a bad value is an error naming its field.
 */
import { AUDIT_KINDS, type AuditKind } from './entry.ts';
import type { AuditQuery } from './index-store.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export class QueryError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'QueryError';
    this.field = field;
  }
}

export interface QueryText {
  readonly key?: string | undefined;
  readonly partner?: string | undefined;
  readonly kind?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly limit?: string | undefined;
}

/** A time: ISO 8601 (a date alone is midnight UTC), or a duration back from `now` (`90m`, `24h`, `7d`). */
export function parseTime(field: string, text: string, now: number): number {
  const ago = /^(\d+)(m|h|d)$/.exec(text);
  if (ago) return now - Number(ago[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 'm' | 'h' | 'd'];
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const t = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (Number.isFinite(t)) return t;
  }
  throw new QueryError(field, `${field} '${text}' is not a time: give ISO 8601 (2026-12-03T09:00:00Z, 2026-12-03) or a duration back from now (90m, 24h, 7d)`);
}

export function parseQuery(q: QueryText, now: number = Date.now()): AuditQuery {
  const text = (field: string, v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    if (v.trim() === '' || v.length > 200) throw new QueryError(field, `${field} must be 1-200 characters`);
    return v;
  };
  const key = text('key', q.key);
  const partner = text('partner', q.partner);
  const kindText = text('kind', q.kind);
  if (kindText !== undefined && !AUDIT_KINDS.includes(kindText as AuditKind)) throw new QueryError('kind', `kind '${kindText}' is not one of ${AUDIT_KINDS.join(', ')}`);
  const since = q.since === undefined ? undefined : parseTime('since', q.since, now);
  const until = q.until === undefined ? undefined : parseTime('until', q.until, now);
  if (since !== undefined && until !== undefined && until <= since) throw new QueryError('until', 'until must be after since');
  let limit = DEFAULT_LIMIT;
  if (q.limit !== undefined) {
    limit = Number(q.limit);
    if (!/^\d+$/.test(q.limit) || limit < 1 || limit > MAX_LIMIT) throw new QueryError('limit', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return {
    ...(key === undefined ? {} : { key }),
    ...(partner === undefined ? {} : { partner }),
    ...(kindText === undefined ? {} : { kind: kindText as AuditKind }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    limit,
  };
}
