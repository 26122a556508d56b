/**
 * Runner-core benchmark: Shopify orders through the first flow, three ways, in one run.
 *  (a) raw relay: a hand-written nats.js pull → publish → ack loop, no mapping: the limit;
 *  (b) the same loop plus the same work the pipeline does (parse, validate, map, validate,
 *      serialize) using the same compiled expression and validators;
 *  (b′) the same as (b) with the mapping written by hand in JavaScript (the one the expression
 *      benchmark checks against the JSONata mapping): what a mapping that cost nothing extra
 *      would give;
 *  (c) `crossdock run` on the first flow's YAML pipeline (the shipped Shopify order flow
 *      without its availability steps, so that it does exactly the work of (b)), as a child
 *      process;
 *  (d) `crossdock run` on the shipped flow as it is: also an availability check and an
 *      all-or-nothing LMDB reservation per order, against seeded stock. Not part of the
 *      ratios against (b) (it does more work); d/c is what reservations cost a real order.
 * Every variant runs in a process of its own (hand-loop.ts for the hand-written ones), so none
 * shares an event loop with the benchmark's publishing and polling.
 * Throughput: a backlog drained as fast as possible. Latency: messages published at a fixed
 * rate well below every variant's capacity, timed from publish to arrival on the output.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { startNatsServer } from '../../runtime/transport/nats-server.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { parseDocument, type YAMLMap } from 'yaml';
import { tempDir } from '../support/nats.ts';
import { REPO, dropSteps, repoFile, tempProject } from '../support/project.ts';
import { summarize } from './stats.ts';
import type { HandVariant } from './hand-loop.ts';
import { readRuntimeInfo } from '../../runtime/runner/runtime-file.ts';

export interface RelayRow {
  readonly variant: 'raw' | 'handwritten' | 'handwritten-js' | 'crossdock' | 'crossdock-expectations' | 'crossdock-availability';
  readonly label: string;
  readonly messages: number;
  readonly msgPerSec: number;
  readonly latencyMs: { p50: number; p99: number };
  /** CPU time of the variant's processes per message while draining the backlog, µs. */
  readonly cpuUsPerMsg: number;
  readonly expressionEngine?: string;
}

const IN_SUBJECT = 'channel.shopify.orders.created';
const OUT_SUBJECT = 'erp.salesorders.shopify';
const template = (JSON.parse(readFileSync(join(REPO, 'test/fixtures/shopify/order.json'), 'utf8')) as { order: Record<string, unknown> }).order;
const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Order n. With a catalog, its lines take SKUs from it in turn, so that reservations spread
 * over the catalog as a distributor's orders do (see seedStock).
 */
function order(n: number, catalog = 0): Uint8Array {
  const lines = catalog === 0 ? template.line_items : (template.line_items as Record<string, unknown>[]).map((l, i) => ({ ...l, sku: catalogSku((n * 3 + i) % catalog) }));
  return enc.encode(JSON.stringify({ ...template, line_items: lines, id: 5_000_000 + n, name: `#${n}` }));
}

function catalogSku(i: number): string {
  return `SKU-${String(i).padStart(5, '0')}`;
}

/** SKUs the shipped flow's orders spread over. */
const CATALOG = 2_000;

export interface Env {
  nc: NatsConnection;
  js: JetStreamClient;
  close(): Promise<void>;
  /** The NATS URL the runner under test is given. */
  url: string;
}

/**
 * Where a `crossdock run` row runs: `start` brings up fresh NATS with the streams of the
 * project in `pipelinesDir`, which declares them with `replicas` (one node: 1; the cluster
 * section: 3 on three nodes).
 */
export interface Placement {
  readonly replicas: number;
  start(pipelinesDir: string): Promise<Env>;
}

async function freshServer(pipelinesDir = join(REPO, 'pipelines')): Promise<Env> {
  const server = await startNatsServer({ storeDir: tempDir('bench-nats') });
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  const jsm = await jetstreamManager(nc);
  const project = loadProject(pipelinesDir, { only: ['shopify-orders'] });
  await ensureStreams(jsm, project.streams);
  return {
    nc,
    js: jetstream(nc),
    url: server.url,
    async close() {
      await nc.close();
      await server.stop();
    },
  };
}

async function preload(js: JetStreamClient, count: number, catalog = 0): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < count) {
        const n = next++;
        await js.publish(IN_SUBJECT, order(n, catalog), { msgID: `bench-${n}` });
      }
    }),
  );
}

/** Waits until the output stream holds `count` messages; returns elapsed ms since `start`. */
async function drained(env: Env, count: number, start: number): Promise<number> {
  const jsm = await jetstreamManager(env.nc);
  for (;;) {
    const n = (await jsm.streams.info('ERP')).state.messages;
    if (n >= count) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Publishes `count` messages at `rate`/s with a send timestamp; measures publish → output arrival. */
async function latency(env: Env, count: number, rate: number, offset: number, catalog = 0): Promise<number[]> {
  const samples: number[] = [];
  const sub = env.nc.subscribe(OUT_SUBJECT);
  const done = (async () => {
    for await (const m of sub) {
      const sent = Number(m.headers?.get('X-Sent-At'));
      if (sent) samples.push(performance.timeOrigin + performance.now() - sent);
      if (samples.length >= count) break;
    }
  })();
  const interval = 1000 / rate;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const h = natsHeaders();
    h.set('X-Sent-At', String(performance.timeOrigin + performance.now()));
    void env.js.publish(IN_SUBJECT, order(offset + i, catalog), { msgID: `lat-${offset + i}`, headers: h });
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, 30_000))]);
  sub.unsubscribe();
  return samples;
}

async function runHand(variant: HandVariant, count: number, latencyCount: number, rate: number): Promise<RelayRow> {
  const env = await freshServer();
  await preload(env.js, count);
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/bench/hand-loop.ts'), env.url, variant], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    // As for (c): timing starts when the process is up and the backlog waits.
    const engine = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = /^ready (.+)$/m.exec(out);
        if (m) resolve(m[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`hand loop exited ${code}`)));
    });
    const cpu0 = treeCpu(child.pid as number);
    const start = performance.now();
    const elapsed = await drained(env, count, start);
    const cpu1 = treeCpu(child.pid as number);
    const samples = await latency(env, latencyCount, rate, count);
    return {
      cpuUsPerMsg: ((cpu1 - cpu0) / count) * 1e6,
      variant,
      label: variant === 'raw' ? '(a) raw relay: nats.js pull → publish → ack' : variant === 'handwritten' ? '(b) same loop + the same JSONata and ajv work' : '(b′) as (b), the mapping hand-written in JS',
      messages: count,
      msgPerSec: (count / elapsed) * 1000,
      latencyMs: pick(summarize(samples)),
      ...(variant === 'raw' ? {} : { expressionEngine: engine }),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await env.close();
  }
}

export const ONE_NODE: Placement = { replicas: 1, start: freshServer };

/** The shipped streams, each with `replicas` replicas. */
function streamsYaml(replicas: number): string {
  if (replicas === 1) return repoFile('pipelines/streams.yaml');
  const doc = parseDocument(repoFile('pipelines/streams.yaml'));
  for (const pair of (doc.get('streams') as YAMLMap).items) (pair.value as YAMLMap).set('replicas', replicas);
  return doc.toString();
}

/** The first flow as (b) does it: the shipped pipeline minus its availability steps. */
function firstFlowProject(replicas: number, expectations = false): string {
  const doc = parseDocument(repoFile('pipelines/orders/shopify-orders.yaml'));
  // atp, reserve, the re-validation after them, and the shortage route.
  dropSteps(doc, (kind, i, kinds) => kind === 'atp' || kind === 'reserve' || kind === 'route' || (kind === 'validate' && kinds[i - 1] === 'reserve'));
  doc.deleteIn(['outputs', 'shortage']);
  // With the shipped expectations: every order opens order-acceptance, read from CHANNELS and ERP.
  const extra: Record<string, string> = expectations ? { 'pipelines/expectations.yaml': repoFile('pipelines/expectations.yaml') } : {};
  return tempProject({ 'pipelines/shopify-orders.yaml': doc.toString(), 'pipelines/streams.yaml': streamsYaml(replicas), ...extra }).pipelinesDir;
}

/** The shipped flow as it is; the repository's own pipelines unless the streams need replicas. */
function shippedProject(replicas: number): string {
  if (replicas === 1) return join(REPO, 'pipelines');
  return tempProject({
    'pipelines/shopify-orders.yaml': repoFile('pipelines/orders/shopify-orders.yaml'),
    'pipelines/availability.yaml': repoFile('pipelines/availability.yaml'),
    'pipelines/streams.yaml': streamsYaml(replicas),
  }).pipelinesDir;
}

/**
 * Stock for every SKU of the catalog, so that the shipped flow's reservations succeed. Orders
 * spread over a catalog as a distributor's do; the opposite case, every order on three hot
 * SKUs, is measured by the availability section's hot-SKU rows.
 */
async function seedStock(js: JetStreamClient): Promise<void> {
  await Promise.all(
    Array.from({ length: CATALOG }, (_, i) =>
      js.publish('inventory.position.DC-EAST', JSON.stringify({ schemaVersion: 1, sku: catalogSku(i), location: 'DC-EAST', onHand: 1_000_000, version: 1, asOf: '2026-03-01T20:00:00Z' })),
    ),
  );
}

/**
 * (c) or (d): `crossdock run` as a child process, by default on one fresh nats-server. With
 * CROSSDOCK_BENCH_CPU_PROF=DIR the runner writes V8 CPU profiles there (node --cpu-prof).
 */
/** What a row may add around the runner: its HTTP server, and something running while it drains. */
export interface RunnerExtras {
  /** CROSSDOCK_API_KEYS for the runner; with it the runner serves HTTP on a free loopback port. */
  readonly apiKeys?: string;
  /**
   * Started once the runner is up, before the backlog is published; what it returns is called
   * after. With it, the drain is timed from the first order published.
   */
  readonly during?: (httpBase: string) => Promise<() => Promise<void>>;
}

export async function runCrossdock(flow: 'first' | 'first-expectations' | 'shipped', count: number, latencyCount: number, rate: number, where: Placement = ONE_NODE, extras: RunnerExtras = {}): Promise<RelayRow> {
  const pipelinesDir = flow === 'shipped' ? shippedProject(where.replicas) : firstFlowProject(where.replicas, flow === 'first-expectations');
  const env = await where.start(pipelinesDir);
  const dataDir = tempDir('bench-runner');
  if (flow === 'shipped') await seedStock(env.js);
  const http = extras.apiKeys === undefined ? 'off' : '127.0.0.1:0';
  const child = spawn(process.execPath, [...(process.env.CROSSDOCK_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.CROSSDOCK_BENCH_CPU_PROF] : []), join(REPO, 'runtime/cli/bin.mjs'), 'run', '--pipelines', pipelinesDir, '--only', 'shopify-orders', '--nats', env.url, '--data', dataDir, '--http', http, '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: extras.apiKeys === undefined ? process.env : { ...process.env, CROSSDOCK_API_KEYS: extras.apiKeys },
  });
  let undo: (() => Promise<void>) | undefined;
  try {
    const catalog = flow === 'shipped' ? CATALOG : 0;
    const jsm = await jetstreamManager(env.nc);
    let cpu0: number;
    let start: number;
    if (extras.during) {
      // Whatever runs beside the drain is up before the backlog arrives; the drain is then timed
      // from the first order published (the same for every row that passes `during`).
      let base: string | undefined;
      const t1 = performance.now();
      while (!(base = readRuntimeInfo(dataDir)?.http)) {
        if (performance.now() - t1 > 30_000) throw new Error('runner did not write its HTTP address');
        await new Promise((r) => setTimeout(r, 20));
      }
      undo = await extras.during(`http://${base}`);
      cpu0 = treeCpu(child.pid as number);
      start = performance.now();
      await preload(env.js, count, catalog);
    } else {
      await preload(env.js, count, catalog);
      // The runner binds its consumer at start; timing starts when it is up and the backlog waits.
      const t0 = performance.now();
      for (;;) {
        try {
          await jsm.consumers.info('CHANNELS', 'shopify-orders');
          break;
        } catch {
          if (performance.now() - t0 > 30_000) throw new Error('runner did not start');
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      cpu0 = treeCpu(child.pid as number);
      start = performance.now();
    }
    const elapsed = await drained(env, count, start);
    const cpu1 = treeCpu(child.pid as number);
    const samples = await latency(env, latencyCount, rate, count, catalog);
    if (flow === 'shipped') {
      // Every order must have been reserved, or this row measured the shortage path instead.
      const shortages = (await jsm.streams.info('EXCEPTIONS')).state.messages;
      if (shortages > 0) throw new Error(`${shortages} orders were not reserved in full: the stock seed did not take`);
    }
 const figures = { messages: count, msgPerSec: (count / elapsed) * 1000, latencyMs: pick(summarize(samples)), cpuUsPerMsg: ((cpu1 - cpu0) / count) * 1e6 };
    if (flow === 'first-expectations') return { variant: 'crossdock-expectations', label: "(c′) as (c), with the shipped expectations (each order opens order-acceptance)", ...figures };
    return flow === 'first'
      ? { variant: 'crossdock', label: '(c) crossdock run on the YAML pipeline', messages: count, msgPerSec: (count / elapsed) * 1000, latencyMs: pick(summarize(samples)), cpuUsPerMsg: ((cpu1 - cpu0) / count) * 1e6 }
      : { variant: 'crossdock-availability', label: '(d) crossdock, shipped flow: + ATP and LMDB reservation (2,000 SKUs)', messages: count, msgPerSec: (count / elapsed) * 1000, latencyMs: pick(summarize(samples)), cpuUsPerMsg: ((cpu1 - cpu0) / count) * 1e6 };
  } finally {
    await undo?.();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await env.close();
  }
}

/**
 * CPU seconds used so far by a process and its descendants (Linux /proc; 0 elsewhere). The
 * runner is a launcher and a child, so the tree is summed. CPU per message is the steadier
 * figure on a shared machine: throughput also counts the time other processes held the cores.
 */
function treeCpu(root: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const d of entries) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const t = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(d), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / 100 });
    } catch { /* gone */ }
  }
  let total = 0;
  const todo = [root];
  while (todo.length) {
    const p = todo.pop() as number;
    total += stats.get(p)?.cpu ?? 0;
    for (const [pid, s] of stats) if (s.ppid === p) todo.push(pid);
  }
  return total;
}

function pick(s: { p50: number; p99: number }): { p50: number; p99: number } {
  return { p50: s.p50, p99: s.p99 };
}

export async function benchRelay(opts: { quick?: boolean }): Promise<{ rows: RelayRow[]; ratios: { cOverB: number; cOverA: number; bOverA: number; bJsOverA: number; dOverC: number; dOverCByCpu: number }; latencyRate: number }> {
  const count = opts.quick ? 2000 : 50_000;
  const latencyCount = opts.quick ? 200 : 2000;
  const rate = 500;
  const a = await runHand('raw', count, latencyCount, rate);
  const b = await runHand('handwritten', count, latencyCount, rate);
  const bJs = await runHand('handwritten-js', count, latencyCount, rate);
  const c = await runCrossdock('first', count, latencyCount, rate);
  const d = await runCrossdock('shipped', count, latencyCount, rate);
  return { rows: [a, b, bJs, c, d], ratios: { cOverB: c.msgPerSec / b.msgPerSec, cOverA: c.msgPerSec / a.msgPerSec, bOverA: b.msgPerSec / a.msgPerSec, bJsOverA: bJs.msgPerSec / a.msgPerSec, dOverC: d.msgPerSec / c.msgPerSec, dOverCByCpu: c.cpuUsPerMsg / d.cpuUsPerMsg }, latencyRate: rate };
}
