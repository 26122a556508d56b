/**
 * nats-server stopped and started again while messages flow: the runner reconnects by itself,
 * publishes that failed during the outage are retried, and every message arrives once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fastShopifyProject } from '../support/project.ts';
import { readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { publishOrders } from '../support/orders.ts';

let nats: TestNats;
let runner: RunnerProcess;
const project = fastShopifyProject();
const TOTAL = 3000;

beforeAll(async () => {
  nats = await startTestNats();
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  await runner.ready;
});
afterAll(async () => {
  runner.child.kill('SIGKILL');
  await runner.exited;
  await nats.close();
});

it('reconnects after a server restart mid-stream and loses nothing', { timeout: 180_000 }, async () => {
  const publishing = (async () => {
    for (let from = 0; from < TOTAL; from += 100) {
      await publishOrders(nats.js, from, from + 100, 50);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await waitFor('some output before the outage', async () => (await streamCount(nats.jsm, 'ERP')) > 300, 30_000, 5);
  await nats.restart(1000);
  await publishing;
  await waitFor('every message on the ERP stream', async () => (await streamCount(nats.jsm, 'ERP')) >= TOTAL, 90_000, 100);
  const out = await readStream(nats.jsm, 'ERP');
  expect(out.length).toBe(TOTAL);
  expect(new Set(out.map((m) => m.headers['Nats-Msg-Id'])).size).toBe(TOTAL);
  expect(runner.output()).toMatch(/"nats":"(disconnect|reconnect)"/);
  expect(runner.child.exitCode).toBeNull();
});
