/**
 * `crossdock run` with an availability policy, as an operator starts it: the HTTP API (auth,
 * rate limit, bad input, batch limits, explain), a pipeline with atp and reserve steps, and
 * `crossdock atp SKU` reading the runner's LMDB files while it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, readStream, waitFor, type TestNats } from '../support/nats.ts';
import { tempProject } from '../support/project.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { STREAMS_YAML, publishAll } from '../availability/live.ts';
import { POLICY, ev } from '../availability/helpers.ts';

const KEY = 'k1-test-secret-abcdef';
const LIMITED = 'k2-test-secret-ghijkl';

const project = tempProject({
  'pipelines/streams.yaml': STREAMS_YAML,
  'pipelines/availability.yaml': `${POLICY}  api: { rateLimit: { requestsPerSecond: 1, burst: 60 } }\n`,
  'pipelines/orders.yaml': `pipeline: web-orders
description: Web orders with availability and a reservation.
owner: test
input: { jetstream: { stream: CHANNELS, subject: channel.web.orders, ackWait: 5s } }
steps:
  - atp: {}
  - reserve: {}
  - route:
      - when: reservation.status = 'rejected'
        to: shortage
      - to: erp
outputs:
  erp: { jetstream: { subject: "'erp.orders'", id: "'web:' & externalId" } }
  shortage: { jetstream: { subject: "'exceptions.shortage'", id: "'web:' & externalId" } }
errors: { maxDeliver: 5, backoff: [100ms], deadLetter: dlq.web-orders }
`,
});

let nats: TestNats;
let runner: RunnerProcess;
let base: string;
let lastSeq = 0;

async function appliedSeq(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^crossdock_atp_last_seq (\d+)$/m.exec(text)?.[1] ?? 0);
}

async function publish(events: Parameters<typeof publishAll>[1]): Promise<void> {
  lastSeq = await publishAll(nats.js, events);
  await waitFor('the runner to apply the events', async () => (await appliedSeq()) >= lastSeq, 20_000);
}

const get = (path: string, key: string | null = KEY): Promise<Response> => fetch(`${base}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
const post = (body: unknown, key = KEY): Promise<Response> =>
  fetch(`${base}/v1/atp/query`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

beforeAll(async () => {
  nats = await startTestNats();
  process.env.CROSSDOCK_API_KEYS = `${KEY}, ${LIMITED}`;
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  const { httpPort } = await runner.ready;
  base = `http://127.0.0.1:${httpPort}`;
  await publish([ev.position('X', 'A', 21, 1), ev.position('X', 'B', 10, 1), ev.position('Y', 'B', 2, 1), ev.inbound('po1', 'Y', 'B', 6, '2031-06-02')]);
});
afterAll(async () => {
  runner?.child.kill('SIGTERM');
  await runner?.exited;
  delete process.env.CROSSDOCK_API_KEYS;
  await nats.close();
});

describe('the availability HTTP API', () => {
  it('refuses requests without a known API key, and never logs keys', async () => {
    const none = await get('/v1/atp/X?channel=web', null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toEqual({ error: 'missing API key: send Authorization: Bearer KEY or X-API-Key: KEY' });
    expect((await get('/v1/atp/X', 'wrong')).status).toBe(401);
    expect((await post({ items: [{ sku: 'X' }] }, 'wrong')).status).toBe(401);
    expect(runner.output()).not.toContain(KEY);
  });

  it('answers one SKU for a channel, and every channel and location without one', async () => {
    const res = await get('/v1/atp/X?channel=web&qty=3');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ sku: 'X', known: true, channel: 'web', quantity: 3, available: 25 });
    // No region asked: no region field; the figure is the channel's default list.
    expect(Object.keys(body)).not.toContain('region');
    expect(await (await get('/v1/atp/X?channel=web&region=EU')).json()).toMatchObject({ channel: 'web', region: 'EU', available: 0 });
    expect(body.seq).toBeGreaterThanOrEqual(lastSeq);
    expect(typeof body.promiseDate).toBe('string');
    const all = (await (await get('/v1/atp/X')).json()) as { channels: { channel: string; available: number }[]; locations: { location: string; available: number }[] };
    expect(all.channels.map((c) => [c.channel, c.available])).toEqual([['web', 25], ['market', 11], ['b2b', 20]]);
    expect(all.locations.map((l) => [l.location, l.available])).toEqual([['A', 20], ['B', 10], ['C', 0]]);
  });

  it('explains a figure: each component and the stream sequence behind it', async () => {
    const body = (await (await get('/v1/atp/Y?channel=web&qty=5&explain=true')).json()) as { promiseDate: string; explain: { pool: number; perLocation: { location: string; explain: { sources: { kind: string; seq: number }[]; atpByDay: unknown[] } }[] } };
    expect(body.explain.pool).toBe(2);
    const b = body.explain.perLocation.find((l) => l.location === 'B')!.explain;
    expect(b.sources.map((s) => s.kind)).toEqual(['position']);
    expect(b.sources[0]!.seq).toBe(3);
    expect(body.promiseDate).toBeNull(); // the PO arrives beyond the horizon
  });

  it('rejects bad input with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/v1/atp/X?channel=fax', 'channel'],
      ['/v1/atp/X?qty=abc', 'qty'],
      ['/v1/atp/X?qty=-1', 'qty'],
      ['/v1/atp/X?explain=maybe', 'explain'],
      ['/v1/atp/X?region=E%20U', 'region'],
      ['/v1/atp/X?chanel=web', 'chanel'],
      [`/v1/atp/${'S'.repeat(129)}`, 'sku'],
    ];
    for (const [path, field] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { field: string }).field, path).toBe(field);
    }
  });

  it('answers a batch of SKUs, up to 1,000', async () => {
    const res = await post({ channel: 'web', items: [{ sku: 'X', qty: 30 }, { sku: 'Y' }, { sku: 'NEW' }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { seq: number; results: { sku: string; available: number; known: boolean; quantity: number }[] };
    expect(body.results.map((r) => [r.sku, r.available, r.known, r.quantity])).toEqual([['X', 25, true, 30], ['Y', 2, true, 1], ['NEW', 0, false, 1]]);
    const tooMany = await post({ channel: 'web', items: Array.from({ length: 1001 }, (_, i) => ({ sku: `S${i}` })) });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({ error: 'at most 1000 items per request (got 1001)', field: 'items' });
    for (const [body, field] of [
      ['{"items": [', 'body'],
      [{ items: [] }, 'items'],
      [{ items: [{ sku: 'X' }, { sku: 'Y', qty: 0 }] }, 'items[1].qty'],
      [{ items: [{ sku: 'X', quantity: 2 }] }, 'items[0].quantity'],
      [{ channel: 'fax', items: [{ sku: 'X' }] }, 'channel'],
    ] as const) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as { field: string }).field).toBe(field);
    }
  });

  it('limits each key with a token bucket: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 70; i++) {
      const r = await get('/v1/atp/X?channel=web', LIMITED);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
      await r.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(60);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Another key has its own bucket.
    expect((await get('/v1/atp/X?channel=web')).status).toBe(200);
  });
});

describe('a pipeline with atp and reserve steps', () => {
  it('reserves what fits and sends shortages to exceptions', { timeout: 60_000 }, async () => {
    const order = (id: string, sku: string, quantity: number): string => JSON.stringify({ externalId: id, channel: 'web', lines: [{ lineNumber: 1, sku, quantity }] });
    await nats.js.publish('channel.web.orders', order('1', 'X', 20));
    await nats.js.publish('channel.web.orders', order('2', 'X', 20));
    await waitFor('both orders handled', async () => (await readStream(nats.jsm, 'ERP')).length + (await readStream(nats.jsm, 'EXCEPTIONS')).length >= 2);
    const [erp] = await readStream(nats.jsm, 'ERP');
    const [shortage] = await readStream(nats.jsm, 'EXCEPTIONS');
    expect(JSON.parse(erp!.body)).toMatchObject({ externalId: '1', lines: [{ availability: { available: 25 } }], reservation: { id: 'web:1', status: 'accepted' } });
    expect(JSON.parse(shortage!.body)).toMatchObject({ externalId: '2', reservation: { status: 'rejected', shortages: [{ sku: 'X', requested: 20, available: 5 }] } });
  });

  it('is read by `crossdock atp SKU` from the LMDB files while the runner runs', async () => {
    const r = await runCli(['atp', 'X', '--channel', 'web', '--json', '--pipelines', project.pipelinesDir, '--data', runner.dataDir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sku: 'X', known: true, channels: [{ channel: 'web', available: 5 }] });
    const text = await runCli(['atp', 'X', '--explain', '--pipelines', project.pipelinesDir, '--data', runner.dataDir]);
    expect(text.stdout).toMatch(/^web\s+5\s/m);
    expect(text.stdout).toContain('reservation');
    // Each stage of a channel's figure in the order it applies: ring-fences, share, cap, buffer.
    const market = await runCli(['atp', 'X', '--channel', 'market', '--explain', '--pipelines', project.pipelinesDir, '--data', runner.dataDir]);
    const m = /^market: pool (\d+) over B, A; − ring-fenced for others (\d+) = (\d+); share 50% → (\d+); cap 40 → (\d+); − buffer 1 = (\d+)$/m.exec(market.stdout);
    expect(m, market.stdout).not.toBeNull();
    const [pool, fenced, afterFences, afterShare, afterCap, available] = m!.slice(1).map(Number) as [number, number, number, number, number, number];
    expect(fenced).toBeGreaterThan(0); // so the order of fence and share shows
    expect([afterFences, afterShare, afterCap, available]).toEqual([pool - fenced, Math.floor(afterFences / 2), Math.min(afterShare, 40), Math.max(0, afterCap - 1)]);
    expect(market.stdout).toMatch(new RegExp(`^market\\s+${available}\\s`, 'm'));
  });
});
