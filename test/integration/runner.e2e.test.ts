/**
 * End to end over a real nats-server: the shipped Shopify flow run by `crossdock run`, a
 * fixture published, the SalesOrder read back from the ERP stream; a poison message
 * dead-lettered whole while its neighbours pass, then replayed after the mapping is fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastShopifyProject, REPO } from '../support/project.ts';
import { hdrs, readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { shopifyOrder } from '../support/orders.ts';

let nats: TestNats;
const project = fastShopifyProject();
let runner: RunnerProcess;

beforeAll(async () => {
  nats = await startTestNats();
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  await runner.ready;
});

afterAll(async () => {
  runner.child.kill('SIGTERM');
  await runner.exited;
  await nats.close();
});

describe('crossdock run, end to end', () => {
  it('maps and validates a Shopify order and publishes the SalesOrder with subject, id and correlation id', async () => {
    const order = readFileSync(join(REPO, 'test/fixtures/shopify/order.json'));
    await nats.js.publish('channel.shopify.orders.created', order, { headers: hdrs({ 'X-Correlation-Id': 'corr-e2e-1' }) });
    await waitFor('the SalesOrder on the ERP stream', async () => (await streamCount(nats.jsm, 'ERP')) >= 1);
    const [out] = await readStream(nats.jsm, 'ERP');
    expect(out?.subject).toBe('erp.salesorders.shopify');
    expect(out?.headers['Nats-Msg-Id']).toBe('shopify:450789469');
    expect(out?.headers['X-Correlation-Id']).toBe('corr-e2e-1');
    const expected = JSON.parse(readFileSync(join(REPO, 'test/fixtures/pipelines/shopify-orders/order-450789469.sales-order.json'), 'utf8')) as unknown;
    expect(JSON.parse(out!.body)).toEqual(expected);
  });

  it('dead-letters a poison message whole while its neighbours pass, and replays it once the mapping is fixed', async () => {
    const before = await streamCount(nats.jsm, 'ERP');
    const poison = shopifyOrder(7, { currency: 'usd' });
    await nats.js.publish('channel.shopify.orders.created', shopifyOrder(6));
    await nats.js.publish('channel.shopify.orders.created', poison, { headers: hdrs({ 'X-Correlation-Id': 'corr-poison', 'X-Partner': 'shop-42' }) });
    await nats.js.publish('channel.shopify.orders.created', shopifyOrder(8));
    await waitFor('two good orders and one dead letter', async () => (await streamCount(nats.jsm, 'ERP')) === before + 2 && (await streamCount(nats.jsm, 'DLQ')) === 1);

    const erpIds = (await readStream(nats.jsm, 'ERP')).map((m) => m.headers['Nats-Msg-Id']);
    expect(erpIds).toContain('shopify:1000006');
    expect(erpIds).toContain('shopify:1000008');
    expect(erpIds).not.toContain('shopify:1000007');

    const [dead] = await readStream(nats.jsm, 'DLQ');
    expect(dead?.subject).toBe('dlq.shopify-orders');
    expect(dead?.body).toBe(new TextDecoder().decode(poison));
    expect(dead?.headers).toMatchObject({
      'X-Correlation-Id': 'corr-poison',
      'X-Partner': 'shop-42',
      'Crossdock-Pipeline': 'shopify-orders',
      'Crossdock-Step': '3: validate canonical/sales-order.schema.json',
      'Crossdock-Failure': 'permanent',
      'Crossdock-Deliveries': '1',
      'Crossdock-Source-Subject': 'channel.shopify.orders.created',
      'Crossdock-Source-Stream': 'CHANNELS',
    });
    expect(dead?.headers['Crossdock-Reason']).toMatch(/\/currency: must match pattern/);
    expect(Date.parse(dead?.headers['Crossdock-Failed-At'] ?? '')).not.toBeNaN();
    // Every log line about the message carries its correlation id.
    const about = runner.output().split('\n').filter((l) => l.includes('"seq":') && l.includes('currency'));
    expect(about.length).toBeGreaterThan(0);
    for (const line of about) expect(JSON.parse(line)).toMatchObject({ correlationId: 'corr-poison', pipeline: 'shopify-orders' });

    const listed = await runCli(['dlq', 'list', '--nats', nats.url]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/shopify-orders\s+3: validate canonical\/sales-order\.schema\.json\s+does not match/);

    // The fix: the mapping upper-cases currency codes. Restart the runner on the fixed project.
    const mappingFile = join(project.root, 'mappings/shopify/order-to-sales-order.jsonata');
    writeFileSync(mappingFile, readFileSync(mappingFile, 'utf8').replace('"currency": $o.currency', '"currency": $uppercase($o.currency)'));
    runner.child.kill('SIGTERM');
    expect((await runner.exited).code).toBe(0);
    runner = startRunnerProcess(project.pipelinesDir, nats.url);
    await runner.ready;

    const replay = await runCli(['dlq', 'replay', String(dead!.seq), '--nats', nats.url]);
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toContain('replayed 1 of 1');
    await waitFor('the replayed order on the ERP stream', async () => (await readStream(nats.jsm, 'ERP')).some((m) => m.headers['Nats-Msg-Id'] === 'shopify:1000007'));
    const replayed = (await readStream(nats.jsm, 'ERP')).find((m) => m.headers['Nats-Msg-Id'] === 'shopify:1000007');
    expect(replayed?.headers['X-Correlation-Id']).toBe('corr-poison');
    expect(JSON.parse(replayed!.body)).toMatchObject({ currency: 'USD', externalId: '1000007' });
    expect(await streamCount(nats.jsm, 'DLQ')).toBe(0);
  });

  it('posts an order sent twice once, and reports the second copy as a duplicate-order exception', async () => {
    const before = await streamCount(nats.jsm, 'ERP');
    await nats.js.publish('channel.shopify.orders.created', shopifyOrder(42), { headers: hdrs({ 'X-Correlation-Id': 'first' }) });
    await waitFor('the first copy posted', async () => (await streamCount(nats.jsm, 'ERP')) === before + 1);
    await nats.js.publish('channel.shopify.orders.created', shopifyOrder(42), { headers: hdrs({ 'X-Correlation-Id': 'second' }) });
    await waitFor('the duplicate reported', async () => (await streamCount(nats.jsm, 'EXCEPTIONS')) === 1);
    expect(await streamCount(nats.jsm, 'ERP')).toBe(before + 1);
    const [dup] = await readStream(nats.jsm, 'EXCEPTIONS');
    expect(dup?.subject).toBe('exceptions.duplicate-order.shopify');
    expect(dup?.headers['X-Correlation-Id']).toBe('second');
    expect(dup?.headers['Crossdock-Duplicate-Of']).toMatch(/^ERP:\d+$/);
    const body = JSON.parse(dup!.body) as { type: string; reason: string; documents: { externalId: string }[] };
    expect(body.type).toBe('duplicate');
    expect(body.reason).toMatch(/erp\.salesorders\.shopify already holds message shopify:1000042/);
    expect(body.documents[0]?.externalId).toBe('1000042');
  });

  it('serves /healthz, /readyz once every consumer is bound, and /metrics', async () => {
    const { httpPort } = await runner.ready;
    const base = `http://127.0.0.1:${httpPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, nats: true, pipelines: [{ name: 'shopify-orders', ready: true }] });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^crossdock_messages_in_total\{pipeline="shopify-orders"\} \d+$/m);
    expect(metrics).toMatch(/^crossdock_processing_seconds_count\{pipeline="shopify-orders"\} \d+$/m);
    // Every step is timed and counted by the engine, without the step doing anything.
    expect(metrics).toMatch(/^crossdock_step_outcomes_total\{outcome="passed",pipeline="shopify-orders",position="3",step="validate canonical\/sales-order\.schema\.json"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^crossdock_step_seconds_count\{pipeline="shopify-orders",position="1",step="[^"]+"\} [1-9]\d*$/m);
  });
});
