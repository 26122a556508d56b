/**
 * A real three-node JetStream cluster with R3 streams and two runners attached to different
 * nodes, running the shipped Shopify order flow with availability and reservations. Mid-
 * backlog, the stream leader's node is SIGKILLed; then a runner and its node (the stream
 * leader's if a runner is on it) are SIGKILLed together and both started again; then every
 * node is restarted in turn under load. Each time every order reaches the ERP stream once, no
 * unit is reserved twice or beyond the stock, and every runner's availability view gives the
 * same answers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { streamCount, waitFor } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { publishOrders } from '../support/orders.ts';
import { API_KEY, SAFETY_STOCK, SKUS, atpAnswer, clusterOrders, clusterProject, locationView, readAll, seedStock, tallyErp, type ErpTally } from '../support/cluster-orders.ts';

/** Orders of the leader-kill scenario; CROSSDOCK_CLUSTER_ORDERS=20000 is the size. */
const KILL_ORDERS = clusterOrders(process.env.CROSSDOCK_CLUSTER_ORDERS, 2000);
const PAIR_ORDERS = 1000;
const ROLLING_ORDERS = 1000;
/** Waits and test timeouts grow with the leader-kill backlog. */
const SLOW = Math.max(1, KILL_ORDERS / 2000);

const project = clusterProject();
let cluster: TestCluster;
interface Runner {
  readonly name: string;
  readonly node: string;
  readonly proc: RunnerProcess;
  readonly httpPort: number;
}
const runners: Runner[] = [];
const figures: Record<string, number | string> = { killOrders: KILL_ORDERS };

/** Starts a runner attached to `node` alone (the client learns the other nodes from it); `dataDir`: a crashed one's. */
async function startRunner(name: string, node: string, dataDir?: string): Promise<Runner> {
  const proc = startRunnerProcess(project.pipelinesDir, cluster.nodes.find((n) => n.name === node)!.url, [], dataDir ? { dataDir } : {});
  const { httpPort } = await proc.ready;
  return { name, node, proc, httpPort: httpPort ?? 0 };
}

beforeAll(async () => {
  // The runners inherit the environment: the key opens their availability API to the test.
  process.env.CROSSDOCK_API_KEYS = API_KEY;
  cluster = await startTestCluster();
  // The first runner creates the R3 streams; the second finds them and shares the consumer.
  runners.push(await startRunner('A', 'n1'));
  runners.push(await startRunner('B', 'n2'));
  for (const stream of ['CHANNELS', 'ERP', 'INVENTORY']) {
    expect((await cluster.jsm.streams.info(stream)).config.num_replicas).toBe(3);
  }
}, 120_000);

afterAll(async () => {
  for (const r of runners) if (r.proc.child.exitCode === null) r.proc.child.kill('SIGKILL');
  await Promise.all(runners.map((r) => r.proc.exited));
  await cluster?.close();
  rmSync(project.root, { recursive: true, force: true });
  for (const r of runners) rmSync(r.proc.dataDir, { recursive: true, force: true });
  console.log('cluster test figures', JSON.stringify(figures));
}, 60_000);

/** Orders published so far, the stock at DC-EAST now, and the orders accepted so far. */
const books = { ordered: 0, stock: 0, stockVersion: 0, accepted: 0 };

/**
 * The next `orders` order numbers, after raising the stock: to 60 % of the first scenario's
 * orders, then by 40 % of each later one's, so demand always exceeds supply and the last
 * units are contended for while nodes die.
 */
async function nextRange(orders: number): Promise<{ from: number; to: number }> {
  books.stock += Math.round((books.stockVersion === 0 ? 0.6 : 0.4) * orders);
  await seedStock(cluster.js, books.stock, ++books.stockVersion);
  const from = books.ordered;
  books.ordered += orders;
  return { from, to: books.ordered };
}

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

/**
 * No order twice, none lost, none reserved beyond the stock; the view agrees with the
 * decisions; stock below demand, so the last units were contended for; every runner still up.
 */
async function expectInvariants(what: string, tally: ErpTally, orders: number): Promise<void> {
  figures[`${what}Accepted`] = tally.accepted;
  figures[`${what}Rejected`] = tally.rejected;
  books.accepted += tally.accepted;
  expect(tally.missing).toBe(0);
  expect(tally.copies).toBe(orders);
  expect(tally.distinct).toBe(orders);
  expect(tally.accepted + tally.rejected).toBe(orders);
  expect(tally.rejected).toBeGreaterThan(0);
  expect(await streamCount(cluster.jsm, 'DLQ')).toBe(0);
  // A redelivery after a failover is our own publish again, not a customer's second order.
  expect((await readAll(cluster.js, cluster.jsm, 'EXCEPTIONS', 'exceptions.duplicate-order.>')).length).toBe(0);
  await viewsCaughtUp(what);
  for (const r of runners) {
    for (const sku of SKUS) {
      const view = await locationView(r.httpPort, sku);
      expect(view.onHand).toBe(books.stock);
      // Each accepted order holds one unit of each SKU, and only accepted orders hold any.
      expect(view.reserved).toBe(books.accepted);
      expect(view.reserved).toBeLessThanOrEqual(books.stock - SAFETY_STOCK);
    }
  }
  for (const r of runners) expect(r.proc.child.exitCode).toBeNull();
}

/**
 * One crash scenario: half the orders as a backlog, the other half published meanwhile;
 * `crash` once a quarter reached the ERP stream, `recover` once every order is stored; then
 * the cluster healthy again, everything settled, and the invariants checked.
 */
async function crashMidBacklog(what: string, orders: number, crash: () => Promise<void>, recover: () => Promise<void>): Promise<void> {
  const started = Date.now();
  const { from, to } = await nextRange(orders);
  const half = from + Math.floor(orders / 2);
  await publishOrders(cluster.js, from, half, 64);
  // The rest arrives while a node is down and its streams elect new leaders.
  const publishing = publishOrders(cluster.js, half, to, 32);
  await waitFor('a quarter of the orders processed', async () => (await streamCount(cluster.jsm, 'ERP')) >= from + orders / 4, 60_000 * SLOW, 20);
  const erpAtCrash = await streamCount(cluster.jsm, 'ERP');
  expect(erpAtCrash).toBeLessThan(to);
  figures[`${what}ProcessedAtCrash`] = erpAtCrash - from;
  await crash();
  await publishing;
  await recover();
  await cluster.healthy();
  const recoveredAt = Date.now();
  const tally = await settle(from, to, 90_000 * SLOW);
  figures[`${what}SettleMs`] = Date.now() - recoveredAt;
  figures[`${what}ScenarioMs`] = Date.now() - started;
  await expectInvariants(what, tally, orders);
}

/** Resolves once `stream` has a leader other than `was`; returns how long that took. */
async function newLeader(stream: string, was: string): Promise<number> {
  const since = Date.now();
  await waitFor(`a new ${stream} leader`, async () => {
    const now = await cluster.streamLeader(stream).catch(() => undefined);
    return now !== undefined && now !== was;
  }, 60_000, 200);
  return Date.now() - since;
}

it(`loses, duplicates and oversells nothing when the CHANNELS leader node is SIGKILLed mid-backlog (${KILL_ORDERS} orders)`, { timeout: 300_000 * SLOW }, async () => {
  let leader = '';
  await crashMidBacklog(
    'kill',
    KILL_ORDERS,
    async () => {
      leader = (await cluster.streamLeader('CHANNELS')) ?? '';
      expect(leader).not.toBe('');
      figures.killedNode = leader;
      await cluster.kill(leader);
      figures.killElectionMs = await newLeader('CHANNELS', leader);
    },
    () => cluster.start(leader),
  );
});

it('loses, duplicates and oversells nothing when a runner and its node are SIGKILLed together', { timeout: 300_000 }, async () => {
  let victim: Runner | undefined;
  await crashMidBacklog(
    'pair',
    PAIR_ORDERS,
    async () => {
      // The runner on the CHANNELS leader's node if there is one: runner, node and leader go at once.
      const leader = await cluster.streamLeader('CHANNELS');
      victim = runners.find((r) => r.node === leader) ?? runners[0]!;
      figures.pairKilled = `runner ${victim.name} + ${victim.node}${victim.node === leader ? ' (CHANNELS leader)' : ''}`;
      victim.proc.child.kill('SIGKILL');
      await Promise.all([cluster.kill(victim.node), victim.proc.exited]);
      if (victim.node === leader) figures.pairElectionMs = await newLeader('CHANNELS', leader);
    },
    async () => {
      // Both come back as a rebooted host would: the node on its store, the runner on its data folder.
      const v = victim!;
      await cluster.start(v.node);
      runners[runners.indexOf(v)] = await startRunner(v.name, v.node, v.proc.dataDir);
    },
  );
  expect((await victim!.proc.exited).signal).toBe('SIGKILL');
});

it('loses, duplicates and oversells nothing through a rolling restart of all three nodes', { timeout: 300_000 }, async () => {
  const started = Date.now();
  const { from, to } = await nextRange(ROLLING_ORDERS);
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
  await expectInvariants('rolling', tally, ROLLING_ORDERS);
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
