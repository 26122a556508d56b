/**
 * A real three-node JetStream cluster with R3 streams and two runners attached to different
 * nodes, running the shipped Shopify order flow with availability and reservations. A stream
 * leader's node is SIGKILLed mid-backlog, then every node is restarted in turn under load:
 * every order reaches the ERP stream once, no unit is reserved twice or beyond the stock, and
 * both runners' availability views give the same answers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { streamCount, waitFor } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { publishOrders } from '../support/orders.ts';
import { API_KEY, SAFETY_STOCK, SKUS, atpAnswer, clusterProject, locationView, readAll, seedStock, tallyErp, type ErpTally } from '../support/cluster-orders.ts';

/** Orders per scenario, sized for a 2-core CI machine (the 20,000 took too long there). */
const KILL_ORDERS = 2000;
const ROLLING_ORDERS = 1000;
/** Stock below demand, so reservations compete for the last units while nodes die. */
const STOCK_1 = 1200;
const STOCK_2 = STOCK_1 + 400;

const project = clusterProject();
let cluster: TestCluster;
const runners: { name: string; node: string; proc: RunnerProcess; httpPort: number }[] = [];
const figures: Record<string, number | string> = {};

beforeAll(async () => {
  // The runners inherit the environment: the key opens their availability API to the test.
  process.env.CROSSDOCK_API_KEYS = API_KEY;
  cluster = await startTestCluster();
  // The first runner creates the R3 streams; the second finds them and shares the consumer.
  for (const [name, node] of [['A', 'n1'], ['B', 'n2']] as const) {
    const proc = startRunnerProcess(project.pipelinesDir, cluster.nodes.find((n) => n.name === node)!.url);
    runners.push({ name, node, proc, httpPort: 0 });
    const { httpPort } = await proc.ready;
    runners[runners.length - 1] = { name, node, proc, httpPort: httpPort ?? 0 };
  }
  for (const stream of ['CHANNELS', 'ERP', 'INVENTORY']) {
    expect((await cluster.jsm.streams.info(stream)).config.num_replicas).toBe(3);
  }
  await seedStock(cluster.js, STOCK_1, 1);
}, 120_000);

afterAll(async () => {
  for (const r of runners) if (r.proc.child.exitCode === null) r.proc.child.kill('SIGKILL');
  await Promise.all(runners.map((r) => r.proc.exited));
  await cluster?.close();
  rmSync(project.root, { recursive: true, force: true });
  console.log('cluster test figures', JSON.stringify(figures));
}, 60_000);

/** Waits until both runners have nothing pending, then checks the ERP stream for `from`..`to-1`. */
async function settle(from: number, to: number, timeoutMs: number): Promise<ErpTally> {
  // Only this flow writes to ERP, and earlier ranges are complete: a count is enough to wait on.
  await waitFor('every order of the range on the ERP stream', async () => (await streamCount(cluster.jsm, 'ERP')) >= to, timeoutMs, 200);
  await waitFor('the consumer to have nothing pending', async () => {
    const c = await cluster.jsm.consumers.info('CHANNELS', 'shopify-orders').catch(() => undefined);
    return c !== undefined && c.num_pending === 0 && c.num_ack_pending === 0;
  }, 60_000, 200);
  return tallyErp(cluster.js, cluster.jsm, from, to);
}

/**
 * Every runner's view has applied the whole INVENTORY stream within 20 s of the scenario's
 * end. Before the projection's pulls expired after 5 s, the view of a runner whose node went
 * away stood still for 45-90 s until its ordered consumer was re-created (viewCatchUpMs is
 * reported; 0.1-0.3 s now).
 */
async function viewsCaughtUp(what: string): Promise<void> {
  const started = Date.now();
  const last = (await cluster.jsm.streams.info('INVENTORY')).state.last_seq;
  await waitFor('every runner view at the last INVENTORY sequence', async () => {
    for (const r of runners) if ((await atpAnswer(r.httpPort, SKUS[0]).catch(() => ({ seq: -1 }))).seq < last) return false;
    return true;
  }, 20_000, 250);
  figures[`${what}ViewCatchUpMs`] = Date.now() - started;
}

/** No order twice, none lost, none reserved beyond the stock; the view agrees with the decisions. */
async function expectInvariants(what: string, tally: ErpTally, orders: number, acceptedSoFar: number, onHand: number): Promise<void> {
  expect(tally.missing).toBe(0);
  expect(tally.copies).toBe(orders);
  expect(tally.distinct).toBe(orders);
  expect(tally.accepted + tally.rejected).toBe(orders);
  expect(await streamCount(cluster.jsm, 'DLQ')).toBe(0);
  // A redelivery after a failover is our own publish again, not a customer's second order.
  expect((await readAll(cluster.js, cluster.jsm, 'EXCEPTIONS', 'exceptions.duplicate-order.>')).length).toBe(0);
  await viewsCaughtUp(what);
  for (const r of runners) {
    for (const sku of SKUS) {
      const view = await locationView(r.httpPort, sku);
      expect(view.onHand).toBe(onHand);
      // Each accepted order holds one unit of each SKU, and only accepted orders hold any.
      expect(view.reserved).toBe(acceptedSoFar);
      expect(view.reserved).toBeLessThanOrEqual(onHand - SAFETY_STOCK);
    }
  }
}

let acceptedBefore = 0;

it('loses, duplicates and oversells nothing when the CHANNELS leader node is SIGKILLed mid-backlog', { timeout: 300_000 }, async () => {
  const started = Date.now();
  await publishOrders(cluster.js, 0, KILL_ORDERS / 2, 64);
  // The rest arrives while the node is down and the stream elects a new leader.
  const publishing = publishOrders(cluster.js, KILL_ORDERS / 2, KILL_ORDERS, 32);
  await waitFor('a quarter of the orders processed', async () => (await streamCount(cluster.jsm, 'ERP')) >= KILL_ORDERS / 4, 60_000, 20);
  const leader = await cluster.streamLeader('CHANNELS');
  expect(leader).toBeDefined();
  const erpAtKill = await streamCount(cluster.jsm, 'ERP');
  expect(erpAtKill).toBeLessThan(KILL_ORDERS);
  await cluster.kill(leader!);
  const killedAt = Date.now();
  await waitFor('a new CHANNELS leader', async () => {
    const now = await cluster.streamLeader('CHANNELS').catch(() => undefined);
    return now !== undefined && now !== leader;
  }, 60_000, 200);
  figures.electionMs = Date.now() - killedAt;
  await publishing;
  await cluster.start(leader!);
  await cluster.healthy();
  const restartedAt = Date.now();
  const tally = await settle(0, KILL_ORDERS, 90_000);
  figures.killSettleMs = Date.now() - restartedAt;
  figures.killedNode = leader!;
  figures.erpAtKill = erpAtKill;
  figures.killScenarioMs = Date.now() - started;
  figures.killAccepted = tally.accepted;
  figures.killRejected = tally.rejected;
  await expectInvariants('kill', tally, KILL_ORDERS, tally.accepted, STOCK_1);
  // Stock below demand: the last units were contended for, and some orders were refused.
  expect(tally.rejected).toBeGreaterThan(0);
  acceptedBefore = tally.accepted;
  for (const r of runners) expect(r.proc.child.exitCode).toBeNull();
});

it('loses, duplicates and oversells nothing through a rolling restart of all three nodes', { timeout: 300_000 }, async () => {
  const started = Date.now();
  await seedStock(cluster.js, STOCK_2, 2);
  const from = KILL_ORDERS;
  const to = KILL_ORDERS + ROLLING_ORDERS;
  let restarting = true;
  let published = from;
  // A steady trickle of orders while each node in turn goes down and comes back, paced to
  // outlast the restarts (checked below), then the rest at full speed.
  const publishing = (async () => {
    for (let n = from; n < to; n += 20) {
      await publishOrders(cluster.js, n, Math.min(n + 20, to), 10);
      published = Math.min(n + 20, to);
      if (restarting) await new Promise((r) => setTimeout(r, 250));
    }
  })();
  for (const node of cluster.nodes) {
    await cluster.stop(node.name);
    await new Promise((r) => setTimeout(r, 1000));
    await cluster.start(node.name);
    await cluster.healthy();
  }
  restarting = false;
  figures.rollingRestartMs = Date.now() - started;
  figures.rollingPublishedDuringRestarts = published - from;
  // The load overlapped every restart, the last one included.
  expect(published).toBeLessThan(to);
  await publishing;
  const restartedAt = Date.now();
  const tally = await settle(from, to, 90_000);
  figures.rollingSettleMs = Date.now() - restartedAt;
  figures.rollingScenarioMs = Date.now() - started;
  figures.rollingAccepted = tally.accepted;
  figures.rollingRejected = tally.rejected;
  await expectInvariants('rolling', tally, ROLLING_ORDERS, acceptedBefore + tally.accepted, STOCK_2);
  expect(tally.rejected).toBeGreaterThan(0);
  for (const r of runners) expect(r.proc.child.exitCode).toBeNull();
});

it('gives the same availability answers on every runner afterwards', { timeout: 180_000 }, async () => {
  await viewsCaughtUp('final');
  for (const sku of SKUS) {
    const answers = await Promise.all(runners.map((r) => atpAnswer(r.httpPort, sku)));
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
  }
  // Each runner applied every event itself (its own view), not a copy of another's.
  expect(new Set(runners.map((r) => r.node)).size).toBe(runners.length);
});
