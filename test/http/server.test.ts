/** The runner's HTTP router: routes with parameters, 404/405, and malformed paths answered, not fatal. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { HttpServer, sendJson } from '../../runtime/http/server.ts';

const http = new HttpServer(pino({ level: 'silent' }));
let base = '';

beforeAll(async () => {
  http.route('GET', '/v1/items/:sku', (_req, res, params) => sendJson(res, 200, params));
  http.route('POST', '/v1/items', (_req, res) => sendJson(res, 201, {}));
  const { port } = await http.listen('127.0.0.1', 0);
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => http.close());

it('passes decoded path parameters to the handler', async () => {
  const r = await fetch(`${base}/v1/items/A%2FB%20C`);
  expect(await r.json()).toEqual({ sku: 'A/B C' });
});

it('answers 404 for no route and 405 for a known path with another method', async () => {
  expect((await fetch(`${base}/nope`)).status).toBe(404);
  expect((await fetch(`${base}/v1/items`)).status).toBe(405);
});

it('answers 400 to a malformed %-escape and keeps serving', async () => {
  const bad = await fetch(`${base}/v1/items/%E0%A4%A`);
  expect(bad.status).toBe(400);
  expect(await bad.json()).toEqual({ error: 'malformed URL path: /v1/items/%E0%A4%A' });
  expect((await fetch(`${base}/v1/items/OK`)).status).toBe(200);
});
