/**
 * GET /v1/trace/:key — the journey of a document, for viewers. Hops carry their headers'
 * facts and business keys, never a body: a trace must not show one partner another's payload.
 */
import type { HttpServer } from '../../http/server.ts';
import { sendJson } from '../../http/server.ts';
import type { Access } from '../../http/access.ts';
import type { Journey } from './journey.ts';

export const MAX_KEY_LENGTH = 200;

export function registerTraceRoutes(http: HttpServer, access: Access, journey: (key: string) => Journey): void {
  http.route('GET', '/v1/trace/:key', (req, res, params) => {
    if (!access.require(req, res, 'viewer')) return;
    const key = (params.key ?? '').trim();
    if (key === '' || key.length > MAX_KEY_LENGTH) {
      sendJson(res, 400, { error: `key: give a business key, correlation id or message id of 1 to ${MAX_KEY_LENGTH} characters`, field: 'key' });
      return;
    }
    const j = journey(key);
    if (j.hops.length === 0) {
      sendJson(res, 404, { error: `no hop is indexed under '${key}'`, key });
      return;
    }
    sendJson(res, 200, j);
  });
}
