/**
 * The `http` step against a stand-in ERP (a real node:http server) on a real runner: the ERP's
 * answer reaches later steps; 429 is retried no sooner than its Retry-After; a 4xx refusal is
 * dead-lettered with the ERP's response; secrets from the environment reach the ERP's headers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { repoFile, tempProject } from '../support/project.ts';
import { hdrs, readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

let nats: TestNats;
let runner: RunnerProcess;
let erp: Server;
const calls: { externalId: string; at: number; auth: string | undefined; correlation: string | undefined }[] = [];

const project = tempProject({
  'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
  'pipelines/erp-post-salesorders.yaml': repoFile('pipelines/orders/erp-post-salesorders.yaml').replace('backoff: [2s, 10s, 1m, 5m]', 'backoff: [100ms]'),
});

beforeAll(async () => {
  erp = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const order = JSON.parse(text) as { externalId: string };
      const seen = calls.filter((c) => c.externalId === order.externalId).length;
      calls.push({ externalId: order.externalId, at: Date.now(), auth: req.headers.authorization, correlation: req.headers['x-correlation-id'] as string | undefined });
      res.setHeader('content-type', 'application/json');
      if (order.externalId === 'busy' && seen === 0) {
        res.writeHead(429, { 'retry-after': '1' }).end(JSON.stringify({ error: 'slow down' }));
      } else if (order.externalId === 'refused') {
        res.writeHead(400).end(JSON.stringify({ error: 'unknown customer' }));
      } else {
        res.writeHead(201).end(JSON.stringify({ orderNumber: `SO-${order.externalId}` }));
      }
    });
  });
  await new Promise<void>((r) => erp.listen(0, '127.0.0.1', () => r()));
  nats = await startTestNats();
  process.env.ERP_URL = `http://127.0.0.1:${(erp.address() as AddressInfo).port}`;
  process.env.ERP_TOKEN = 'secret-token-123';
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  delete process.env.ERP_URL;
  delete process.env.ERP_TOKEN;
  await runner.ready;
});

afterAll(async () => {
  runner.child.kill('SIGTERM');
  await runner.exited;
  await nats.close();
  erp.close();
});

it('posts orders, records the ERP number, honours Retry-After, and dead-letters a refusal', async () => {
  const order = (externalId: string): Uint8Array => new TextEncoder().encode(JSON.stringify({ channel: 'shopify', externalId, orderNumber: `#${externalId}` }));
  await nats.js.publish('erp.salesorders.shopify', order('ok-1'), { headers: hdrs({ 'X-Correlation-Id': 'corr-ok-1' }) });
  await nats.js.publish('erp.salesorders.shopify', order('busy'));
  await nats.js.publish('erp.salesorders.shopify', order('refused'));
  await waitFor('two postings recorded and one dead letter', async () => (await readStream(nats.jsm, 'ERP')).filter((m) => m.subject.startsWith('erp.posted.')).length === 2 && (await streamCount(nats.jsm, 'DLQ')) === 1, 30_000);

  const posted = (await readStream(nats.jsm, 'ERP')).filter((m) => m.subject === 'erp.posted.salesorders.shopify').map((m) => JSON.parse(m.body) as { externalId: string; erpOrderNumber: string });
  expect(posted.map((p) => [p.externalId, p.erpOrderNumber]).sort()).toEqual([['busy', 'SO-busy'], ['ok-1', 'SO-ok-1']]);

  const busy = calls.filter((c) => c.externalId === 'busy');
  expect(busy.length).toBe(2);
  expect(busy[1]!.at - busy[0]!.at).toBeGreaterThanOrEqual(950);
  expect(calls.every((c) => c.auth === 'Bearer secret-token-123')).toBe(true);
  expect(calls.find((c) => c.externalId === 'ok-1')?.correlation).toBe('corr-ok-1');

  const [dead] = await readStream(nats.jsm, 'DLQ');
  expect(dead?.headers['Crossdock-Step']).toBe('1: http erp');
  expect(dead?.headers['Crossdock-Reason']).toMatch(/answered 400: \{"error":"unknown customer"\}/);
  expect(calls.filter((c) => c.externalId === 'refused').length).toBe(1);
  expect(runner.output()).not.toContain('secret-token-123');
  expect((await runner.metrics()).crossdock_messages_retried_total).toBeGreaterThanOrEqual(1);
});
