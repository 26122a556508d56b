/**
 * `crossdock run --workers N`, 1 against 2, on the shipped Shopify order flow:
 *  (c) without its availability steps, (d) as shipped, with ATP and an LMDB reservation per
 *  order over 2,000 SKUs (as the runner section's rows). Each run: a fresh nats-server, the
 *  backlog published first, then the runner started; the rate counts the orders that reached
 *  the ERP stream between "runner ready" (every worker up) and the end of the backlog, so the
 *  orders worker 0 took while worker 1 was starting do not flatter the figure. Best of
 *  `rounds` per variant: other people's tests share this machine.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { parseDocument } from 'yaml';
import { startNatsServer } from '../../runtime/transport/nats-server.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { tempDir } from '../support/nats.ts';
import { REPO, dropSteps, repoFile, tempProject } from '../support/project.ts';
import { fmt, table } from './stats.ts';

export interface WorkersRow {
  readonly flow: 'c' | 'd';
  readonly workers: number;
  readonly messages: number;
  /** Best of the rounds. */
  readonly msgPerSec: number;
  readonly rounds: readonly number[];
  /** CPU the runner's processes (supervisor and workers) spent per 1,000 orders, in that best round. */
  readonly runnerCpuMsPer1k: number;
  /** CPU nats-server spent per 1,000 orders, in that best round. */
  readonly natsCpuMsPer1k: number;
}

interface Round {
  readonly msgPerSec: number;
  readonly runnerCpuMsPer1k: number;
  readonly natsCpuMsPer1k: number;
}

export interface WorkersBench {
  readonly rows: readonly WorkersRow[];
  readonly cores: number;
}

const IN_SUBJECT = 'channel.shopify.orders.created';
const CATALOG = 2_000;
const template = (JSON.parse(readFileSync(join(REPO, 'test/fixtures/shopify/order.json'), 'utf8')) as { order: { line_items: Record<string, unknown>[] } & Record<string, unknown> }).order;
const enc = new TextEncoder();

function sku(i: number): string {
  return `SKU-${String(i).padStart(5, '0')}`;
}

/** Order n; with reservations its lines spread over the catalog, as a distributor's do. */
function order(n: number, spread: boolean): Uint8Array {
  const lines = spread ? template.line_items.map((l, i) => ({ ...l, sku: sku((n * 3 + i) % CATALOG) })) : template.line_items;
  return enc.encode(JSON.stringify({ ...template, line_items: lines, id: 7_000_000 + n, name: `#${n}` }));
}

/** (c): the shipped flow without atp, reserve, the validation after them and the shortage route. */
function withoutReservations(): string {
  const doc = parseDocument(repoFile('pipelines/orders/shopify-orders.yaml'));
  dropSteps(doc, (kind, i, kinds) => kind === 'atp' || kind === 'reserve' || kind === 'route' || (kind === 'validate' && kinds[i - 1] === 'reserve'));
  doc.deleteIn(['outputs', 'shortage']);
  return tempProject({ 'pipelines/shopify-orders.yaml': doc.toString(), 'pipelines/streams.yaml': repoFile('pipelines/streams.yaml') }).pipelinesDir;
}

async function publishAll(js: JetStreamClient, count: number, spread: boolean): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < count) {
        const n = next++;
        await js.publish(IN_SUBJECT, order(n, spread), { msgID: `w-${n}` });
      }
    }),
  );
}

async function erpCount(jsm: JetStreamManager): Promise<number> {
  return (await jsm.streams.info('ERP')).state.messages;
}

/** CPU time (user + system, every thread) of a process, ms, from /proc; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** A process and its children (the supervisor's workers). */
function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return [pid, ...children];
  } catch {
    return [pid];
  }
}

/** One drained backlog; orders per second after every worker was up. */
async function once(flow: 'c' | 'd', workers: number, count: number): Promise<Round> {
  const server = await startNatsServer({ storeDir: tempDir('bench-workers-nats') });
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  const pipelinesDir = flow === 'c' ? withoutReservations() : join(REPO, 'pipelines');
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc, { timeout: 30_000 });
    await ensureStreams(jsm, loadProject(pipelinesDir, { only: ['shopify-orders'] }).streams);
    if (flow === 'd') {
      await Promise.all(
        Array.from({ length: CATALOG }, (_, i) =>
          js.publish('inventory.position.DC-EAST', JSON.stringify({ schemaVersion: 1, sku: sku(i), location: 'DC-EAST', onHand: 1_000_000, version: 1, asOf: '2026-03-01T20:00:00Z' })),
        ),
      );
    }
    await publishAll(js, count, flow === 'd');
    const child = spawn(
      process.execPath,
      [join(REPO, 'runtime/cli/bin.mjs'), 'run', '--workers', String(workers), '--pipelines', pipelinesDir, '--only', 'shopify-orders', '--nats', server.url, '--data', tempDir('bench-workers-data'), '--http', 'off', '--log-level', 'info'],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NATS_URL: '' } },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          // Only the tail matters; the workers' log lines would otherwise pile up.
          out = (out + c).slice(-4096);
          if (out.includes('"msg":"runner ready"')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`crossdock run --workers ${workers} exited ${code} before it was ready`)));
      });
      const start = performance.now();
      const atStart = await erpCount(jsm);
      // CPU as well as time: on a machine others share, CPU per order is the steadier figure.
      const runner = processTree(child.pid as number);
      const runnerCpu0 = runner.reduce((t, p) => t + cpuMs(p), 0);
      const natsCpu0 = cpuMs(server.pid);
      for (;;) {
        const n = await erpCount(jsm);
        if (n >= count) {
          const seconds = (performance.now() - start) / 1000;
          const runnerCpu = runner.reduce((t, p) => t + cpuMs(p), 0) - runnerCpu0;
          const natsCpu = cpuMs(server.pid) - natsCpu0;
          if (flow === 'd' && (await jsm.streams.info('EXCEPTIONS')).state.messages > 0) throw new Error('orders were not reserved in full: the stock seed did not take');
          const thousands = (count - atStart) / 1000;
          return { msgPerSec: (count - atStart) / seconds, runnerCpuMsPer1k: runnerCpu / thousands, natsCpuMsPer1k: natsCpu / thousands };
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    await nc.close();
    await server.stop();
  }
}

export async function benchWorkers(options: { quick: boolean; cores: number }): Promise<WorkersBench> {
  const count = options.quick ? 3000 : 40_000;
  const rounds = options.quick ? 1 : 2;
  const variants: [flow: 'c' | 'd', workers: number][] = [
    ['c', 1],
    ['c', 2],
    ['d', 1],
    ['d', 2],
  ];
  const results = new Map<string, Round[]>();
  // Rounds alternate the variants, so a busy minute on the machine does not land on one of them.
  for (let round = 0; round < rounds; round++) {
    for (const [flow, workers] of variants) {
      const key = `${flow}${workers}`;
      results.set(key, [...(results.get(key) ?? []), await once(flow, workers, count)]);
    }
  }
  return {
    cores: options.cores,
    rows: variants.map(([flow, workers]) => {
      const all = results.get(`${flow}${workers}`) ?? [];
      const best = all.reduce((a, b) => (b.msgPerSec > a.msgPerSec ? b : a));
      return { flow, workers, messages: count, msgPerSec: best.msgPerSec, rounds: all.map((x) => x.msgPerSec), runnerCpuMsPer1k: best.runnerCpuMsPer1k, natsCpuMsPer1k: best.natsCpuMsPer1k };
    }),
  };
}

export function workersText(r: WorkersBench): string {
  const rate = (flow: 'c' | 'd', workers: number): number => r.rows.find((x) => x.flow === flow && x.workers === workers)?.msgPerSec ?? NaN;
  const label = (flow: 'c' | 'd'): string => (flow === 'c' ? '(c) shopify-orders without reservations' : '(d) shipped shopify-orders: + ATP and reservation (2,000 SKUs)');
  return [
    `Workers: crossdock run --workers 1 vs 2, ${fmt(r.rows[0]?.messages ?? 0)} orders drained, best of ${r.rows[0]?.rounds.length ?? 0}; ${r.cores} cores shared with nats-server and the load generator`,
    table(
      ['flow', '--workers', 'orders/s', 'rounds', 'vs 1 worker', 'runner CPU ms/1k orders', 'nats-server CPU ms/1k'],
      r.rows.map((x) => [label(x.flow), String(x.workers), fmt(x.msgPerSec), x.rounds.map((v) => fmt(v)).join(' / '), (x.msgPerSec / rate(x.flow, 1)).toFixed(2), fmt(x.runnerCpuMsPer1k), fmt(x.natsCpuMsPer1k)]),
    ),
  ].join('\n');
}
