/**
 * Runaway expressions: the first Shopify flow with one step more, a mapping that never ends
 * for a message marked `"note": "runaway"` and returns the order unchanged otherwise. Two runs
 * of `crossdock run` on the same project, each on a fresh nats-server:
 *  - clean: N orders, none marked;
 *  - 1 % runaway: the same N healthy orders with one marked order after every 99.
 * Each variant runs twice, ABBA, and keeps its better run (see benchRunaway).
 * Measured: how fast the healthy orders get through (backlog drained to the ERP stream), and
 * `/healthz` latency sampled every 10 ms meanwhile. Runaways run in the expression worker
 * until the limit set with `--expression-timeout`, then are dead-lettered; the run waits for
 * all of them, so the table also shows that each was dead-lettered exactly once.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer } from '../../runtime/transport/nats-server.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { tempDir } from '../support/nats.ts';
import { REPO, dropSteps, repoFile, tempProject } from '../support/project.ts';
import { fmt, ms, summarize, table } from './stats.ts';

const IN_SUBJECT = 'channel.shopify.orders.created';
const LIMIT = '250ms';
const RUNAWAY_STEP = `($.note = "runaway" ? ($f := function($n) { $f($n + 1) }; $f(0)) : $)`;

const template = (JSON.parse(readFileSync(join(REPO, 'test/fixtures/shopify/order.json'), 'utf8')) as { order: Record<string, unknown> }).order;
const enc = new TextEncoder();

export interface RunawayRow {
  readonly label: string;
  readonly healthy: number;
  readonly runaway: number;
  readonly healthyPerSec: number;
  readonly healthz: { p50: number; p99: number; max: number; n: number };
  readonly deadLettered: number;
}

function project(): string {
  const doc = parseDocument(repoFile('pipelines/orders/shopify-orders.yaml'));
  dropSteps(doc, (kind, i, kinds) => kind === 'atp' || kind === 'reserve' || kind === 'route' || (kind === 'validate' && kinds[i - 1] === 'reserve'));
  doc.deleteIn(['outputs', 'shortage']);
  const steps = doc.get('steps') as { items: unknown[] };
  steps.items.unshift(doc.createNode({ map: RUNAWAY_STEP }));
  return tempProject({ 'pipelines/shopify-orders.yaml': doc.toString(), 'pipelines/streams.yaml': repoFile('pipelines/streams.yaml') }).pipelinesDir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function once(label: string, healthy: number, every: number | undefined, pipelinesDir: string): Promise<RunawayRow> {
  const server = await startNatsServer({ storeDir: tempDir('bench-runaway') });
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, loadProject(pipelinesDir, { only: ['shopify-orders'] }).streams);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(REPO, 'runtime/cli/bin.mjs'), 'run', '--pipelines', pipelinesDir, '--only', 'shopify-orders', '--nats', server.url, '--data', tempDir('bench-runaway-data'), '--http', `127.0.0.1:${port}`, '--log-level', 'error', '--expression-timeout', LIMIT],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    // The backlog: healthy orders, and a runaway after every `every - 1` of them.
    let runaway = 0;
    const bodies: Uint8Array[] = [];
    for (let n = 0; n < healthy; n++) {
      bodies.push(enc.encode(JSON.stringify({ ...template, id: 7_000_000 + n, name: `#${n}` })));
      if (every !== undefined && n % (every - 1) === every - 2) {
        bodies.push(enc.encode(JSON.stringify({ ...template, id: 8_000_000 + runaway, name: `#r${runaway}`, note: 'runaway' })));
        runaway++;
      }
    }
    let next = 0;
    await Promise.all(Array.from({ length: 128 }, async () => {
      while (next < bodies.length) {
        const i = next++;
        await js.publish(IN_SUBJECT, bodies[i]!, { msgID: `runaway-bench-${i}` });
      }
    }));
    const base = `http://127.0.0.1:${port}`;
    for (const t0 = performance.now(); ; ) {
      if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) break;
      if (performance.now() - t0 > 30_000) throw new Error('runner did not start');
      await new Promise((r) => setTimeout(r, 10));
    }
    const start = performance.now();
    const samples: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        await fetch(`${base}/healthz`);
        samples.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    let elapsed = 0;
    for (;;) {
      if ((await jsm.streams.info('ERP')).state.messages >= healthy) {
        elapsed = performance.now() - start;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    probing = false;
    await probe;
    // Every runaway ends as one dead letter (one worker, LIMIT each).
    const deadline = performance.now() + runaway * 1000 + 30_000;
    let dead = 0;
    while (performance.now() < deadline) {
      dead = (await jsm.streams.info('DLQ')).state.messages;
      if (dead >= runaway) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const s = summarize(samples);
    return { label, healthy, runaway, healthyPerSec: (healthy / elapsed) * 1000, healthz: { p50: s.p50, p99: s.p99, max: s.max, n: s.n }, deadLettered: dead };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await nc.close();
    await server.stop();
  }
}

export async function benchRunaway(opts: { quick?: boolean }): Promise<{ rows: RunawayRow[]; ratio: number; limit: string }> {
  const healthy = opts.quick ? 2_000 : 10_000;
  const dir = project();
  // ABBA: whichever run comes later in a process measures slower here (by up to a third), so
  // each variant runs once early and once late, and the better of its two runs is kept.
  const clean1 = await once('clean: no runaway', healthy, undefined, dir);
  const mixed1 = await once('1 % runaway (one in 100)', healthy, 100, dir);
  const mixed2 = await once('1 % runaway (one in 100)', healthy, 100, dir);
  const clean2 = await once('clean: no runaway', healthy, undefined, dir);
  const best = (a: RunawayRow, b: RunawayRow): RunawayRow => (a.healthyPerSec >= b.healthyPerSec ? a : b);
  const clean = best(clean1, clean2);
  const mixed = best(mixed1, mixed2);
  return { rows: [clean, mixed], ratio: mixed.healthyPerSec / clean.healthyPerSec, limit: LIMIT };
}

export function runawayText(r: { rows: RunawayRow[]; ratio: number; limit: string }): string {
  return [
    `Runaway expressions: first Shopify flow + a mapping that never ends for marked orders; --expression-timeout ${r.limit}, 1 expression worker (nice 19)`,
    table(
      ['run', 'healthy', 'runaway', 'healthy/s', '/healthz p50', 'p99', 'max', 'dead letters'],
      r.rows.map((row) => [row.label, fmt(row.healthy), fmt(row.runaway), fmt(row.healthyPerSec), ms(row.healthz.p50), ms(row.healthz.p99), ms(row.healthz.max), fmt(row.deadLettered)]),
    ),
    `ratio: healthy throughput with runaways / clean = ${r.ratio.toFixed(2)} (best of two runs each, in the order clean, runaway, runaway, clean)`,
  ].join('\n');
}
