/**
 * Two runner processes on the same pipelines share the durable consumer: both do work, and
 * together they deliver every message to the output exactly once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fastShopifyProject } from '../support/project.ts';
import { readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { startRunnerProcess } from '../support/runner-process.ts';
import { publishOrders } from '../support/orders.ts';

let nats: TestNats;
const project = fastShopifyProject();
const TOTAL = 4000;

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.close();
});

it('splits the work between two runners and delivers each message once', { timeout: 180_000 }, async () => {
  const a = startRunnerProcess(project.pipelinesDir, nats.url);
  await a.ready;
  const b = startRunnerProcess(project.pipelinesDir, nats.url);
  await b.ready;
  await publishOrders(nats.js, 0, TOTAL);
  await waitFor('every message on the ERP stream', async () => (await streamCount(nats.jsm, 'ERP')) >= TOTAL, 120_000, 100);

  const [ma, mb] = await Promise.all([a.metrics(), b.metrics()]);
  const outA = ma.crossdock_messages_out_total ?? 0;
  const outB = mb.crossdock_messages_out_total ?? 0;
  expect(outA).toBeGreaterThan(0);
  expect(outB).toBeGreaterThan(0);
  expect(outA + outB).toBeGreaterThanOrEqual(TOTAL);

  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  expect((await a.exited).code).toBe(0);
  expect((await b.exited).code).toBe(0);
  const out = await readStream(nats.jsm, 'ERP');
  expect(out.length).toBe(TOTAL);
  expect(new Set(out.map((m) => m.headers['Nats-Msg-Id'])).size).toBe(TOTAL);
});
