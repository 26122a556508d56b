/**
 * The runner killed with SIGKILL in the middle of a 10,000-message backlog and started again:
 * every message reaches the output and none twice. Nothing is acked before its output is
 * stored; redeliveries carry the same business-key message id and are dropped by the stream.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fastShopifyProject } from '../support/project.ts';
import { readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { startRunnerProcess } from '../support/runner-process.ts';
import { orderId, publishOrders } from '../support/orders.ts';

let nats: TestNats;
const project = fastShopifyProject();
const TOTAL = 10_000;

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.close();
});

it('loses nothing and duplicates nothing when the runner is SIGKILLed mid-backlog', { timeout: 240_000 }, async () => {
  // The streams exist once a runner has started; start one, stop it, then build the backlog.
  const first = startRunnerProcess(project.pipelinesDir, nats.url);
  await first.ready;
  first.child.kill('SIGTERM');
  await first.exited;
  await publishOrders(nats.js, 0, TOTAL);
  expect(await streamCount(nats.jsm, 'CHANNELS')).toBe(TOTAL);

  const victim = startRunnerProcess(project.pipelinesDir, nats.url);
  await victim.ready;
  await waitFor('a quarter of the backlog processed', async () => (await streamCount(nats.jsm, 'ERP')) >= TOTAL / 4, 60_000, 5);
  victim.child.kill('SIGKILL');
  const killed = await victim.exited;
  expect(killed.signal).toBe('SIGKILL');
  const atKill = await streamCount(nats.jsm, 'ERP');
  expect(atKill).toBeLessThan(TOTAL);

  const survivor = startRunnerProcess(project.pipelinesDir, nats.url);
  await survivor.ready;
  await waitFor('the whole backlog on the ERP stream', async () => (await streamCount(nats.jsm, 'ERP')) >= TOTAL, 120_000, 100);
  // Leave time for any stray redelivery to show up as a second copy if dedupe did not hold.
  await waitFor('the consumer to have nothing pending', async () => {
    const c = await nats.jsm.consumers.info('CHANNELS', 'shopify-orders');
    return c.num_pending === 0 && c.num_ack_pending === 0;
  }, 30_000, 100);
  survivor.child.kill('SIGTERM');
  expect((await survivor.exited).code).toBe(0);

  const out = await readStream(nats.jsm, 'ERP');
  const ids = out.map((m) => m.headers['Nats-Msg-Id']);
  expect(out.length).toBe(TOTAL);
  expect(new Set(ids).size).toBe(TOTAL);
  for (let n = 0; n < TOTAL; n += 997) expect(ids).toContain(orderId(n));
  expect(await streamCount(nats.jsm, 'DLQ')).toBe(0);
});
