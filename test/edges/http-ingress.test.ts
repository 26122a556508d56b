/**
 * The Shopify webhook edge on a real runner and a real nats-server: 202 only after JetStream
 * stored the message; 401 for a bad signature, 400 for a body that is not a JSON object or a
 * webhook without the id header its message id needs, 413 for one too large, 422 and a dead
 * letter for a topic nobody handles, 503 while JetStream is down; Shopify's retries with the
 * same webhook id are stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, repoFile, tempProject } from '../support/project.ts';
import { readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

const SECRET = 'test-webhook-secret';
const order = readFileSync(join(REPO, 'test/fixtures/shopify/order.json'));
let nats: TestNats;
let runner: RunnerProcess;
let base: string;

function sign(body: Uint8Array | string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

function post(body: Uint8Array | string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${base}/webhooks/shopify`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

const project = tempProject({
  'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
  'pipelines/shopify-webhooks.yaml': repoFile('pipelines/edges/shopify-webhooks.yaml'),
});

beforeAll(async () => {
  nats = await startTestNats();
  process.env.SHOPIFY_WEBHOOK_SECRET = SECRET;
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  delete process.env.SHOPIFY_WEBHOOK_SECRET;
  const { httpPort } = await runner.ready;
  base = `http://127.0.0.1:${httpPort}`;
});

afterAll(async () => {
  runner.child.kill('SIGTERM');
  await runner.exited;
  await nats.close();
});

describe('Shopify webhook ingress', () => {
  it('answers 202 once the webhook is stored, with its topic as subject and the webhook id as message id', async () => {
    const r = await post(order, { 'X-Shopify-Hmac-Sha256': sign(order), 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'wh-1', 'X-Shopify-Shop-Domain': 'shop.example' });
    expect(r.status).toBe(202);
    const reply = (await r.json()) as { messages: { subject: string; id: string }[] };
    expect(reply.messages).toEqual([{ subject: 'channel.shopify.orders.created', id: 'shopify-webhook:wh-1' }]);
    // 202 means stored: the message is in the stream by the time the answer arrives.
    const [stored] = await readStream(nats.jsm, 'CHANNELS');
    expect(stored?.body).toBe(order.toString('utf8'));
    expect(stored?.headers).toMatchObject({ 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Shop-Domain': 'shop.example', 'Nats-Msg-Id': 'shopify-webhook:wh-1' });
    expect(stored?.headers['X-Shopify-Hmac-Sha256']).toBeUndefined();
  });

  it('stores a retried webhook (same id) once', async () => {
    const headers = { 'X-Shopify-Hmac-Sha256': sign(order), 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'wh-2' };
    const before = await streamCount(nats.jsm, 'CHANNELS');
    expect((await post(order, headers)).status).toBe(202);
    expect((await post(order, headers)).status).toBe(202);
    expect(await streamCount(nats.jsm, 'CHANNELS')).toBe(before + 1);
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const before = await streamCount(nats.jsm, 'CHANNELS');
    const wrong = await post(order, { 'X-Shopify-Hmac-Sha256': sign(order, 'another-secret'), 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'wh-3' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'signature does not match the body' });
    const missing = await post(order, { 'X-Shopify-Topic': 'orders/create' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'missing signature header x-shopify-hmac-sha256' });
    expect(await streamCount(nats.jsm, 'CHANNELS')).toBe(before);
  });

  it('answers 400 for a signed body that is not JSON', async () => {
    const text = 'order_id=1&total=2';
    const r = await post(text, { 'X-Shopify-Hmac-Sha256': sign(text), 'X-Shopify-Topic': 'orders/create' });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/^payload is not JSON/);
  });

  it('answers 413 for a body over the limit', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) });
    const r = await post(big, { 'X-Shopify-Hmac-Sha256': sign(big), 'X-Shopify-Topic': 'orders/create' });
    expect(r.status).toBe(413);
  });

  it('refuses a topic no pipeline handles with 422 and dead-letters the request whole', async () => {
    const body = JSON.stringify({ id: 99 });
    const r = await post(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Topic': 'carts/update', 'X-Shopify-Webhook-Id': 'wh-4' });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: string }).error).toBe('no flow handles Shopify topic carts/update');
    const dead = (await readStream(nats.jsm, 'DLQ')).find((m) => m.headers['Crossdock-Source-Subject'] === 'http:/webhooks/shopify');
    expect(dead?.body).toBe(body);
    expect(dead?.headers).toMatchObject({ 'X-Shopify-Topic': 'carts/update', 'Crossdock-Pipeline': 'shopify-webhooks' });
  });

  it('answers 400 naming the missing header for signed webhooks without a webhook id, and stores nothing', async () => {
    // Both would have been keyed 'shopify-webhook:' and the second dropped as a duplicate after a 202.
    const other = JSON.stringify({ ...(JSON.parse(order.toString('utf8')) as Record<string, unknown>), id: 820982911946154600 });
    const channels = await streamCount(nats.jsm, 'CHANNELS');
    const dead = await streamCount(nats.jsm, 'DLQ');
    for (const body of [order, other]) {
      const r = await post(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Topic': 'orders/create' });
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({ error: 'missing header X-Shopify-Webhook-Id' });
    }
    expect(await streamCount(nats.jsm, 'CHANNELS')).toBe(channels);
    expect(await streamCount(nats.jsm, 'DLQ')).toBe(dead);
  });

  it('stores two signed webhooks with distinct webhook ids as two messages', async () => {
    const other = JSON.stringify({ ...(JSON.parse(order.toString('utf8')) as Record<string, unknown>), id: 820982911946154601 });
    const before = await streamCount(nats.jsm, 'CHANNELS');
    const ids: string[] = [];
    for (const [body, id] of [[order, 'wh-10'], [other, 'wh-11']] as const) {
      const r = await post(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': id });
      expect(r.status).toBe(202);
      ids.push(...((await r.json()) as { messages: { id: string }[] }).messages.map((m) => m.id));
    }
    expect(ids).toEqual(['shopify-webhook:wh-10', 'shopify-webhook:wh-11']);
    expect(await streamCount(nats.jsm, 'CHANNELS')).toBe(before + 2);
  });

  it('answers 400 for a signed JSON body that is not an object, and stores nothing', async () => {
    const before = await streamCount(nats.jsm, 'CHANNELS');
    const cases: [string, string][] = [['"hello"', 'a string'], ['42', 'a number'], ['[{"id":1}]', 'an array'], ['null', 'null'], ['true', 'a boolean']];
    for (const [body, kind] of cases) {
      const r = await post(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': `wh-scalar-${kind}` });
      expect(r.status, body).toBe(400);
      expect(await r.json()).toEqual({ error: `body must be a JSON object, not ${kind}` });
    }
    expect(await streamCount(nats.jsm, 'CHANNELS')).toBe(before);
  });

  it('answers 503 while JetStream is unreachable, and 202 again once it is back', async () => {
    await nats.server.stop();
    await waitFor('the runner to notice', () => runner.output().includes('"nats":"disconnect"'), 10_000);
    const r = await post(order, { 'X-Shopify-Hmac-Sha256': sign(order), 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'wh-5' });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('5');
    await nats.restart(0);
    await waitFor('a 202 after the restart', async () => {
      const again = await post(order, { 'X-Shopify-Hmac-Sha256': sign(order), 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'wh-5' });
      return again.status === 202;
    }, 30_000, 250);
  });
});
