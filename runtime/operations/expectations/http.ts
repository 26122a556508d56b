/**
 * `GET /v1/expectations`: each expectation's totals, and its open or late instances (earliest
 * deadline first), for the CLI, the KPIs and the console. Read-only: the viewer role suffices.
 */
import type { Access } from '../../http/access.ts';
import { sendJson, type HttpServer } from '../../http/server.ts';
import type { ExpectationItem, ExpectationSummary } from './service.ts';

/** The read side the route needs (ExpectationService has it). */
export interface ExpectationReader {
  summary(): ExpectationSummary[];
  list(state: 'open' | 'late', name: string | undefined, limit: number): ExpectationItem[];
  has(name: string): boolean;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface ExpectationQuery {
  readonly state: 'open' | 'late';
  readonly name?: string;
  readonly limit: number;
}

/** The query, or the field that is wrong and why. */
export function parseExpectationQuery(search: URLSearchParams, known: (name: string) => boolean): ExpectationQuery | { field: string; error: string } {
  for (const k of search.keys()) if (!['state', 'name', 'limit'].includes(k)) return { field: k, error: `unknown query parameter '${k}' (known: state, name, limit)` };
  const state = search.get('state') ?? 'open';
  if (state !== 'open' && state !== 'late') return { field: 'state', error: `state must be open or late, not '${state}'` };
  const name = search.get('name') ?? undefined;
  if (name !== undefined && !known(name)) return { field: 'name', error: `no expectation named '${name}'` };
  const text = search.get('limit');
  const limit = text === null ? DEFAULT_LIMIT : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return { field: 'limit', error: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
  return { state, ...(name !== undefined ? { name } : {}), limit };
}

export function registerExpectationRoutes(http: HttpServer, reader: ExpectationReader, access: Access): void {
  http.route('GET', '/v1/expectations', (req, res) => {
    if (!access.require(req, res, 'viewer')) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = parseExpectationQuery(url.searchParams, (n) => reader.has(n));
    if ('error' in q) {
      sendJson(res, 400, { error: q.error, field: q.field });
      return;
    }
    sendJson(res, 200, { expectations: reader.summary(), state: q.state, items: reader.list(q.state, q.name, q.limit) });
  });
}
