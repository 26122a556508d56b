/**
 * GET /v1/trace/:key on a real server (port chosen by the OS) over a journey function: the
 * answer names the document id of a hop that is a dead letter or an exception, so a client
 * can link to it; a bad key is a 400 naming the field, an unknown one a 404 naming the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { HttpServer } from '../../../runtime/http/server.ts';
import { Access, parseApiKeys } from '../../../runtime/http/access.ts';
import { registerTraceRoutes, MAX_KEY_LENGTH, type AnsweredJourney } from '../../../runtime/operations/trace/http.ts';
import type { Journey, JourneyHop } from '../../../runtime/operations/trace/journey.ts';

const KEY = 'k-trace-http-test';
const http = new HttpServer(pino({ level: 'silent' }));
let base = '';
const asked: string[] = [];

const hop = (stream: string, seq: number, subject: string, outcome: JourneyHop['outcome']): JourneyHop => ({ stream, seq, subject, outcome, time: '2030-01-07T10:00:00.000Z', sincePreviousMs: 0, keys: { orderNumber: 'PO-1' } });
const JOURNEY: Journey = {
  key: 'PO-1',
  matchedAs: ['orderNumber'],
  hops: [
    hop('CHANNELS', 4, 'channel.b2b.orders.created', 'delivered'),
    hop('DLQ', 9, 'dlq.b2b-portal-orders', 'dead-lettered'),
    hop('EXCEPTIONS', 12, 'exceptions.late-ack.acme', 'exception'),
    hop('EXCEPTIONS', 13, 'exceptions.duplicate-order.shopify', 'duplicate'),
    hop('ERP', 30, 'erp.salesorders.shopify', 'duplicate'),
  ],
  spanMs: 0,
  truncated: false,
};

beforeAll(async () => {
  registerTraceRoutes(http, new Access(parseApiKeys(`viewer:vera:${KEY}`)), (key) => {
    asked.push(key);
    return key === 'PO-1' ? JOURNEY : { key, matchedAs: [], hops: [], spanMs: 0, truncated: false };
  });
  base = `http://127.0.0.1:${(await http.listen('127.0.0.1', 0)).port}`;
});
afterAll(() => http.close());

const get = (key: string): Promise<Response> => fetch(`${base}/v1/trace/${key}`, { headers: { 'x-api-key': KEY } });

describe('GET /v1/trace/:key', () => {
  it('gives a dead-lettered hop its dead letter id and a hop on an exception subject its exception id', async () => {
    const r = await get('PO-1');
    expect(r.status).toBe(200);
    const j = (await r.json()) as AnsweredJourney;
    expect(j.hops.map((h) => [h.subject, h.deadLetterId, h.exceptionId])).toEqual([
      ['channel.b2b.orders.created', undefined, undefined],
      ['dlq.b2b-portal-orders', 9, undefined],
      ['exceptions.late-ack.acme', undefined, 12],
      ['exceptions.duplicate-order.shopify', undefined, 13],
      // A duplicate reported on its own subject is no exception item.
      ['erp.salesorders.shopify', undefined, undefined],
    ]);
    expect(j.matchedAs).toEqual(['orderNumber']);
  });

  it('decodes the key from the path, and answers an unknown one with 404 naming it', async () => {
    const r = await get(encodeURIComponent('#8002 x'));
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: "no hop is indexed under '#8002 x'", key: '#8002 x' });
    expect(asked).toContain('#8002 x');
  });

  it('answers an empty or too long key with 400 naming the field', async () => {
    for (const key of ['%20%20', 'x'.repeat(MAX_KEY_LENGTH + 1)]) {
      const r = await get(key);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { field: string }).field).toBe('key');
    }
  });

  it('refuses a request without a key', async () => {
    expect((await fetch(`${base}/v1/trace/PO-1`)).status).toBe(401);
  });
});
