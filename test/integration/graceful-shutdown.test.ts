/**
 * SIGTERM with messages in flight: the runner stops pulling, finishes and acknowledges what it
 * holds, exits 0, and leaves nothing half-done (every acknowledged input has its output; every
 * unacknowledged input is still in the stream for the next runner).
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

it('finishes in-flight work on SIGTERM, exits 0, and the next runner completes the rest exactly once', { timeout: 180_000 }, async () => {
  const first = startRunnerProcess(project.pipelinesDir, nats.url);
  await first.ready;
  await publishOrders(nats.js, 0, TOTAL);
  await waitFor('processing under way', async () => (await streamCount(nats.jsm, 'ERP')) > 200, 60_000, 5);

  const signalledAt = Date.now();
  first.child.kill('SIGTERM');
  const exit = await first.exited;
  expect(exit.code).toBe(0);
  // The default grace is 10 s; a clean stop takes far less, but the bound is what is promised.
  expect(Date.now() - signalledAt).toBeLessThan(15_000);
  expect(first.output()).toContain('"msg":"stopped"');

  // Messages the server delivered to the last pull after the stop are handed back (nak) and
  // still count as ack-pending until redelivered; none of them was acked.
  const consumer = await nats.jsm.consumers.info('CHANNELS', 'shopify-orders');
  const acked = TOTAL - consumer.num_pending - consumer.num_ack_pending;
  const outputs = await streamCount(nats.jsm, 'ERP');
  expect(outputs).toBeGreaterThanOrEqual(acked); // nothing acknowledged without its output
  expect(outputs).toBeLessThanOrEqual(acked + consumer.num_ack_pending);
  expect(outputs).toBeLessThan(TOTAL);
  expect(first.output()).toMatch(/"unfinished":0,"msg":"stopped"/);

  const second = startRunnerProcess(project.pipelinesDir, nats.url);
  await second.ready;
  await waitFor('the rest of the backlog', async () => (await streamCount(nats.jsm, 'ERP')) >= TOTAL, 120_000, 100);
  second.child.kill('SIGTERM');
  expect((await second.exited).code).toBe(0);
  const out = await readStream(nats.jsm, 'ERP');
  expect(out.length).toBe(TOTAL);
  expect(new Set(out.map((m) => m.headers['Nats-Msg-Id'])).size).toBe(TOTAL);
});
