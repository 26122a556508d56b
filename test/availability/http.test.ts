/**
 * The availability HTTP API on a real server (port chosen by the OS) over an in-memory service:
 * every field of a batch query is type-checked before use, so a client's odd JSON is a 400
 * naming the field, never a 500 with a stack in the log.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { HttpServer } from '../../runtime/http/server.ts';
import { registerAvailabilityRoutes } from '../../runtime/availability/http.ts';
import { Access, parseApiKeys } from '../../runtime/http/access.ts';
import { MemoryAvailability } from '../../runtime/availability/memory.ts';
import { channelRegions } from '../../runtime/availability/policy.ts';
import { abortMidBody } from '../support/http-abort.ts';
import { POLICY, T0, ev, policyOf } from './helpers.ts';

const KEY = 'k-http-test-secret';
const lines: Array<{ level: number; msg?: string; err?: { stack?: string }; route?: string }> = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as (typeof lines)[number]);
    done();
  },
});
const http = new HttpServer(pino({ level: 'debug' }, sink));
let base = '';

beforeAll(async () => {
  const policy = policyOf(POLICY);
  const service = new MemoryAvailability(policy, () => T0);
  service.apply(...ev.position('X', 'A', 21, 1));
  registerAvailabilityRoutes(http, service, { access: new Access(parseApiKeys(KEY)), rate: { requestsPerSecond: 1000, burst: 1000 }, regions: channelRegions(policy), logger: pino({ level: 'debug' }, sink) });
  const { port } = await http.listen('127.0.0.1', 0);
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => http.close());

const post = (body: string): Promise<Response> => fetch(`${base}/v1/atp/query`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body });

describe('POST /v1/atp/query', () => {
  it('answers a well-formed batch', async () => {
    const r = await post('{"channel":"web","qty":2,"explain":false,"region":"EU","items":[{"sku":"X","qty":3}]}');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { results: Array<{ sku: string; quantity: number }> }).results.map((x) => [x.sku, x.quantity])).toEqual([['X', 3]]);
  });

  it('answers 400 naming the field for a value of the wrong type in every field, and logs no error', async () => {
    const cases: Array<[string, string]> = [
      ['{"qty":{"toString":1},"items":[{"sku":"X"}]}', 'qty'],
      ['{"qty":{"valueOf":1,"toString":null},"items":[{"sku":"X"}]}', 'qty'],
      ['{"qty":"5","items":[{"sku":"X"}]}', 'qty'],
      ['{"qty":[1],"items":[{"sku":"X"}]}', 'qty'],
      ['{"channel":{"toString":1},"items":[{"sku":"X"}]}', 'channel'],
      ['{"channel":["web"],"items":[{"sku":"X"}]}', 'channel'],
      ['{"region":{"toString":1},"items":[{"sku":"X"}]}', 'region'],
      ['{"explain":{"toString":1},"items":[{"sku":"X"}]}', 'explain'],
      ['{"items":{"length":1,"0":{"sku":"X"}}}', 'items'],
      ['{"items":"X"}', 'items'],
      ['{"items":[{"toString":1}]}', 'items[0].toString'],
      ['{"items":[null]}', 'items[0]'],
      ['{"items":[{"sku":{"toString":1}}]}', 'items[0].sku'],
      ['{"items":[{"sku":"X","qty":{"toString":1}}]}', 'items[0].qty'],
      ['{"items":[{"sku":"X"}],"__proto__":{"toString":1}}', '__proto__'],
      ['[{"toString":1}]', 'body'],
      ['"text"', 'body'],
    ];
    const before = lines.length;
    for (const [body, field] of cases) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      const answer = (await r.json()) as { error: string; field: string };
      expect(answer.field, body).toBe(field);
      expect(answer.error, body).not.toBe('');
    }
    expect(lines.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });

  it('shows the offending value as JSON in the message', async () => {
    const r = await post('{"qty":{"toString":1},"items":[{"sku":"X"}]}');
    expect(await r.json()).toEqual({ error: 'qty must be a number above 0 and at most 1e9, not {"toString":1}', field: 'qty' });
  });

  it('logs a client that hangs up mid-body at debug, without a stack', async () => {
    const before = lines.length;
    abortMidBody(Number(new URL(base).port), '/v1/atp/query', { 'X-API-Key': KEY });
    await expect.poll(() => lines.length, { timeout: 5000 }).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 100));
    const logged = lines.slice(before);
    expect(logged).toEqual([expect.objectContaining({ level: 20, route: 'query', msg: 'client closed the connection before the request body was complete' })]);
    expect(JSON.stringify(logged)).not.toContain('    at ');
  });
});

describe('GET /v1/atp/{sku}', () => {
  const get = (path: string): Promise<Response> => fetch(`${base}${path}`, { headers: { 'x-api-key': KEY } });

  it('names, without a channel, the regions each channel has a list for, and each region answers', async () => {
    const r = await get('/v1/atp/X?explain=true');
    expect(r.status).toBe(200);
    const all = (await r.json()) as { regions: Record<string, string[]>; channels: { channel: string }[] };
    expect(all.regions).toEqual({ web: ['EU'], market: [], b2b: [] });
    expect(all.channels.map((c) => c.channel)).toEqual(['web', 'market', 'b2b']);
    // The default list holds A (21 on hand, safety stock 1, b2b's ring-fence of 5); EU's holds only C, which has none.
    const byRegion = async (region?: string) => ((await (await get(`/v1/atp/X?channel=web${region ? `&region=${region}` : ''}`)).json()) as { available: number }).available;
    expect(await byRegion()).toBe(15);
    expect(await byRegion('EU')).toBe(0);
  });

  it('leaves the regions out of a one-channel answer', async () => {
    const one = (await (await get('/v1/atp/X?channel=web&explain=true')).json()) as Record<string, unknown>;
    expect(one.regions).toBeUndefined();
    expect(one.channel).toBe('web');
  });

  it('answers a bad parameter with 400 naming it', async () => {
    for (const [q, field] of [['explain=maybe', 'explain'], ['region=a%20b', 'region'], ['channel=nope', 'channel'], ['qty=-1', 'qty'], ['format=html', 'format']] as const) {
      const r = await get(`/v1/atp/X?${q}`);
      expect(r.status, q).toBe(400);
      expect(((await r.json()) as { field: string }).field, q).toBe(field);
    }
  });
});
