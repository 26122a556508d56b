/**
 * `crossdock run --workers 2` as an operator starts it: a supervisor and two worker processes
 * on a real nats-server, real LMDB views. The workers share the backlog (both take part, each
 * order once), a SIGKILLed worker is restarted without losing an order, SIGTERM stops the whole
 * group with exit 0, a project that cannot start fails once, and every worker's availability
 * view decides the same.
 */
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDocument, type YAMLMap } from 'yaml';
import { fastShopifyProject, repoFile, tempProject } from '../support/project.ts';
import { readStream, startTestNats, streamCount, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { checkMetrics } from '../support/promtool.ts';
import { publishOrders } from '../support/orders.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { LOCATION, SAFETY_STOCK, SKUS, seedStock, tallyErp } from '../support/cluster-orders.ts';

let nats: TestNats;

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.close();
});

interface GroupReady {
  readonly ready: boolean;
  readonly workers: readonly { readonly worker: number; readonly pid: number | null; readonly ready: boolean }[];
}

async function readyz(r: RunnerProcess): Promise<{ status: number; body: GroupReady }> {
  const { httpPort } = await r.ready;
  const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
  return { status: res.status, body: (await res.json()) as GroupReady };
}

/** `name{worker="<i>",…}` summed per worker. */
async function perWorker(r: RunnerProcess, name: string): Promise<Map<string, number>> {
  const { httpPort } = await r.ready;
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}\\{worker="(\\d+)"[^}]*\\} (\\S+)$`).exec(line);
    if (m) out.set(m[1] as string, (out.get(m[1] as string) ?? 0) + Number(m[2]));
  }
  return out;
}

/** Running: a process that has ended but is not reaped yet (a zombie, state Z) has ended. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // Gone between the two looks, or no /proc: kill(pid, 0) said it was there.
    return existsSync(`/proc/${pid}`) || !existsSync('/proc');
  }
}

async function erpIds(): Promise<string[]> {
  return (await readStream(nats.jsm, 'ERP')).map((m) => m.headers['Nats-Msg-Id'] ?? '');
}

it('shares a backlog between two workers, each order once, and stops the group on SIGTERM', { timeout: 120_000 }, async () => {
  const project = fastShopifyProject();
  const r = startRunnerProcess(project.pipelinesDir, nats.url, ['--workers', '2']);
  await r.ready;
  const before = await readyz(r);
  expect(before.status).toBe(200);
  expect(before.body.workers.map((w) => w.worker)).toEqual([0, 1]);
  expect(before.body.workers.every((w) => w.ready)).toBe(true);
  const pids = before.body.workers.map((w) => w.pid as number);
  expect(new Set(pids).size).toBe(2);
  const info = JSON.parse(readFileSync(join(r.dataDir, 'runtime.json'), 'utf8')) as { pid: number; workers: number };
  expect(info).toMatchObject({ pid: r.child.pid, workers: 2 });

  const TOTAL = 3000;
  await publishOrders(nats.js, 0, TOTAL);
  await waitFor('every order on ERP', async () => (await streamCount(nats.jsm, 'ERP')) >= TOTAL, 90_000, 100);
  const received = await perWorker(r, 'crossdock_messages_in_total');
  expect([...received.keys()].sort()).toEqual(['0', '1']);
  expect(received.get('0')).toBeGreaterThan(0);
  expect(received.get('1')).toBeGreaterThan(0);
  const published = await perWorker(r, 'crossdock_messages_out_total');
  expect((published.get('0') ?? 0) + (published.get('1') ?? 0)).toBeGreaterThanOrEqual(TOTAL);
  // The group's /metrics: valid for promtool, each process's own figures under its worker label
  // (the supervisor's too), and a durable's lag once, from worker 0, not once per worker.
  const text = await (await fetch(`http://127.0.0.1:${(await r.ready).httpPort}/metrics`)).text();
  expect(checkMetrics(text)).toEqual({ code: 0, output: '' });
  const workerOf = (prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix)).map((l) => /worker="([^"]+)"/.exec(l)?.[1]);
  expect(workerOf('process_resident_memory_bytes{').sort()).toEqual(['0', '1', 'supervisor']);
  expect(workerOf('nodejs_eventloop_lag_p99_seconds{').sort()).toEqual(['0', '1', 'supervisor']);
  expect(workerOf('crossdock_consumer_pending_messages{')).toEqual(['0']);
  expect(workerOf('crossdock_nats_connected{').sort()).toEqual(['0', '1']);

  r.child.kill('SIGTERM');
  expect((await r.exited).code).toBe(0);
  for (const pid of pids) expect(alive(pid)).toBe(false);
  expect(existsSync(join(r.dataDir, 'runtime.json'))).toBe(false);
  const ids = await erpIds();
  expect(ids.length).toBe(TOTAL);
  expect(new Set(ids).size).toBe(TOTAL);
  await nats.jsm.streams.purge('ERP');
});

it('SIGTERM while the second worker is still starting stops the group, exit 0', { timeout: 60_000 }, async () => {
  const r = startRunnerProcess(fastShopifyProject().pipelinesDir, nats.url, ['--workers', '2']);
  await waitFor('worker 0 ready', () => r.output().includes('"msg":"worker ready"'), 45_000, 5);
  r.child.kill('SIGTERM');
  const exit = await r.exited;
  expect({ code: exit.code, signal: exit.signal }, r.output()).toEqual({ code: 0, signal: null });
  expect(r.output()).toContain('"msg":"signal received"');
  expect(r.output()).not.toContain('"msg":"runner ready"');
});

it('restarts a worker killed mid-backlog and loses no order', { timeout: 120_000 }, async () => {
  const project = fastShopifyProject();
  const r = startRunnerProcess(project.pipelinesDir, nats.url, ['--workers', '2']);
  await r.ready;
  const victim = (await readyz(r)).body.workers[1]?.pid as number;
  const FROM = 10_000;
  const TOTAL = 4000;
  await publishOrders(nats.js, FROM, FROM + TOTAL);
  await waitFor('some orders on ERP', async () => (await streamCount(nats.jsm, 'ERP')) >= 300, 60_000, 20);
  process.kill(victim, 'SIGKILL');
  await waitFor('worker 1 back', async () => {
    const b = (await readyz(r)).body;
    return b.ready && b.workers[1]?.pid !== victim;
  }, 60_000, 100);
  expect((await perWorker(r, 'crossdock_worker_restarts_total')).get('1')).toBe(1);
  expect(r.output()).toContain('"msg":"worker ended; restarting it"');
  await waitFor('every order on ERP', async () => (await streamCount(nats.jsm, 'ERP')) >= TOTAL, 90_000, 100);

  r.child.kill('SIGTERM');
  expect((await r.exited).code).toBe(0);
  const ids = await erpIds();
  expect(ids.length).toBe(TOTAL);
  expect(new Set(ids).size).toBe(TOTAL);
  await nats.jsm.streams.purge('ERP');
});

it('a worker that keeps failing stops the group with exit 1 instead of restarting it forever', { timeout: 90_000 }, async () => {
  const r = startRunnerProcess(fastShopifyProject().pipelinesDir, nats.url, ['--workers', '2']);
  await r.ready;
  const killed = new Set<number>();
  let exit: { code: number | null } | undefined;
  void r.exited.then((e) => (exit = e));
  // Each new worker 1 is killed as soon as the supervisor reports it.
  await waitFor('the supervisor to give up', async () => {
    if (exit) return true;
    const pid = await readyz(r).then((x) => x.body.workers[1]?.pid, () => undefined);
    if (pid && !killed.has(pid)) {
      killed.add(pid);
      process.kill(pid, 'SIGKILL');
    }
    return exit !== undefined;
  }, 80_000, 20);
  expect(exit?.code).toBe(1);
  // Five quick failures in a row end it. A run the poll found only after 10 s (the host loaded)
  // counts as stable and starts the count again, so more kills than five can be needed.
  expect(killed.size, r.output()).toBeGreaterThanOrEqual(5);
  expect(r.output()).toContain('crossdock run: worker 1 failed 5 times in a row');
  expect(r.output()).not.toMatch(/\n\s+at /);
});

it('workers end at once when their supervisor is killed', { timeout: 60_000 }, async () => {
  const r = startRunnerProcess(fastShopifyProject().pipelinesDir, nats.url, ['--workers', '2']);
  await r.ready;
  const pids = (await readyz(r)).body.workers.map((w) => w.pid as number);
  r.child.kill('SIGKILL');
  await r.exited;
  // At once: an orphaned worker ends itself rather than tear down its threads and files (seconds).
  // 100-170 ms measured; before zombies counted as ended, this waited on the container's init
  // to reap them, which under load took over 10 s.
  await waitFor('both workers gone', () => pids.every((pid) => !alive(pid)), 5_000, 20);
});

it('a project that cannot start fails once, with a clean message, not once per worker', { timeout: 60_000 }, async () => {
  const broken = tempProject({
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
    'pipelines/bad.yaml': 'pipeline: bad\ndescription: x\nowner: y\ninput: { jetstream: { stream: CHANNELS, subject: channel.bad } }\nsteps:\n  - map: { expression: "$$oops(" }\noutputs: { erp: { jetstream: { subject: "\'erp.bad\'" } } }\n',
  });
  const run = (workers: string): ReturnType<typeof runCli> => runCli(['run', '--workers', workers, '--pipelines', broken.pipelinesDir, '--nats', nats.url, '--data', tempDir('workers-bad'), '--http', 'off']);
  const [single, bad] = await Promise.all([run('1'), run('2')]);
  expect(bad.code).toBe(1);
  // The same report as one process gives, once.
  expect(bad.stderr).toBe(single.stderr);
  expect(bad.stderr.match(/nothing was started/g)?.length).toBe(1);
  expect(bad.stderr).toMatch(/bad\.yaml:6:\d+: step map/);
  expect(bad.stderr).not.toMatch(/\n\s+at /);

  // A failure only a worker meets (its port is taken): reported once by the supervisor.
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  try {
    const busy = await runCli(['run', '--workers', '2', '--pipelines', fastShopifyProject().pipelinesDir, '--nats', nats.url, '--data', tempDir('workers-busy'), '--http', `127.0.0.1:${port}`]);
    expect(busy.code).toBe(1);
    expect(busy.stderr.match(/crossdock run: cannot start/g)?.length).toBe(1);
    expect(busy.stderr).toContain('EADDRINUSE');
    expect(busy.stderr).not.toMatch(/\n\s+at /);
  } finally {
    taken.close();
  }
});

/** The shipped flow with its atp and reserve steps, on single-replica streams. */
function reservingProject(): string {
  const flow = parseDocument(repoFile('pipelines/orders/shopify-orders.yaml'));
  flow.setIn(['input', 'jetstream', 'ackWait'], '5s');
  const steps = flow.get('steps') as { items: YAMLMap[] };
  for (const step of steps.items) if (step.has('reserve')) step.setIn(['reserve', 'timeout'], '3s');
  return tempProject({
    'pipelines/shopify-orders.yaml': flow.toString(),
    'pipelines/availability.yaml': repoFile('pipelines/availability.yaml'),
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
  }).pipelinesDir;
}

it('every worker keeps its own view, and every view decides the same', { timeout: 120_000 }, async () => {
  const fresh = await startTestNats();
  try {
    const pipelines = reservingProject();
    const STOCK = 40;
    const ORDERS = 120;
    // Stock before the group starts, so that every order meets it.
    await ensureStreams(fresh.jsm, loadProject(pipelines).streams);
    await seedStock(fresh.js, STOCK, 1);
    const r = startRunnerProcess(pipelines, fresh.url, ['--workers', '2']);
    await r.ready;
    await publishOrders(fresh.js, 0, ORDERS);
    await waitFor('every order on ERP', async () => (await streamCount(fresh.jsm, 'ERP')) >= ORDERS, 90_000, 100);
    const tally = await tallyErp(fresh.js, fresh.jsm, 0, ORDERS);
    expect(tally).toMatchObject({ copies: ORDERS, distinct: ORDERS, missing: 0 });
    // Stock below demand: the views' decisions mattered, and never oversold.
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.accepted + tally.rejected).toBe(ORDERS);
    expect(tally.accepted).toBeLessThanOrEqual(STOCK - SAFETY_STOCK);
    const reserved = await perWorker(r, 'crossdock_atp_reservations_total');
    expect([...reserved.keys()].sort()).toEqual(['0', '1']);
    // Each change is announced by the group once: worker 0 publishes change events, the other
    // workers fold the same log without publishing them again (the stream would drop the copies).
    const announced = await perWorker(r, 'crossdock_atp_change_events_total');
    expect(announced.get('0')).toBeGreaterThan(0);
    expect(announced.get('1')).toBe(0);
    r.child.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);

    // Worker 0's view is the one `crossdock atp` reads by default; worker 1's is its own.
    expect(existsSync(join(r.dataDir, 'workers', '1', 'availability', 'atp.mdb'))).toBe(true);
    for (const sku of SKUS) {
      const answers = await Promise.all(
        [r.dataDir, join(r.dataDir, 'workers', '1')].map(async (data) => {
          const out = await runCli(['atp', sku, '--explain', '--json', '--pipelines', pipelines, '--data', data]);
          expect(out.code, out.stderr).toBe(0);
          return JSON.parse(out.stdout) as { seq: number; locations?: { location: string; explain?: { reserved: number } }[] };
        }),
      );
      expect(answers[1]).toEqual(answers[0]);
      // One unit of each SKU per accepted order.
      expect(answers[0]?.locations?.find((l) => l.location === LOCATION)?.explain?.reserved).toBe(tally.accepted);
    }

    // A rebuild re-decides under today's policy: the other workers' views go, to be folded again.
    const rebuilt = await runCli(['atp', 'rebuild', '--pipelines', pipelines, '--data', r.dataDir, '--nats', fresh.url]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain('removed the views of 1 other worker');
    expect(existsSync(join(r.dataDir, 'workers', '1', 'availability'))).toBe(false);
    expect(existsSync(join(r.dataDir, 'availability', 'atp.mdb'))).toBe(true);
  } finally {
    await fresh.close();
  }
});
