/** `GET /v1/audit?key=&partner=&kind=&since=&until=&limit=`: audit records from the index (each with its block's seq, its index in the block and the block's hash), for viewers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Access } from '../../http/access.ts';
import { sendJson, type HttpServer } from '../../http/server.ts';
import type { AuditIndex } from './index-store.ts';
import { QueryError, parseQuery, type QueryText } from './query.ts';

const PARAMS = ['key', 'partner', 'kind', 'since', 'until', 'limit'] as const;

export function registerAuditRoutes(http: HttpServer, index: AuditIndex, access: Access): void {
  http.route('GET', '/v1/audit', (req: IncomingMessage, res: ServerResponse) => {
    if (!access.require(req, res, 'viewer')) return;
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    for (const name of params.keys()) {
      if (!(PARAMS as readonly string[]).includes(name)) return sendJson(res, 400, { error: `unknown parameter '${name}' (${PARAMS.join(', ')})`, field: name });
      if (params.getAll(name).length > 1) return sendJson(res, 400, { error: `${name} is given more than once`, field: name });
    }
    const text: QueryText = Object.fromEntries(PARAMS.map((p) => [p, params.get(p) ?? undefined]));
    try {
      const entries = index.query(parseQuery(text));
      sendJson(res, 200, { entries, count: entries.length, indexedThrough: index.lastSeq });
    } catch (err) {
      if (err instanceof QueryError) return sendJson(res, 400, { error: err.message, field: err.field });
      throw err;
    }
  });
}
