/**
 * Stopping `crossdock run` the ways it is stopped in practice: Ctrl-C in a terminal (SIGINT to
 * the whole foreground process group, the embedded nats-server included unless it has a group
 * of its own), systemd (SIGTERM to the main pid), and `npm start` (npm and its shell in the
 * group as well). Each runner leads its own process group here, as a shell job does.
 */
import { afterAll, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { REPO } from '../support/project.ts';
import { startTestNats, tempDir, waitFor } from '../support/nats.ts';
import { BIN } from '../support/runner-process.ts';

interface Spawned {
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const spawned: Spawned[] = [];
const dirs: string[] = [];

afterAll(() => {
  // A failed test must not leave a process group behind.
  for (const s of spawned) {
    if (s.child.exitCode === null && s.child.signalCode === null) signalGroup(s, 'SIGKILL');
    for (const pid of embeddedServerPids(s)) process.kill(pid, 'SIGKILL');
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The shipped project, as `npm start` runs it, with its drop folders in a temporary place. */
function startRunner(args: readonly string[], via: 'node' | 'npm' = 'node', env: Record<string, string> = {}): Spawned {
  const dataDir = tempDir('stop');
  const edi = tempDir('stop-edi');
  dirs.push(dataDir, edi);
  const runArgs = ['--pipelines', join(REPO, 'pipelines'), '--data', dataDir, '--http', '127.0.0.1:0', ...args];
  const [command, argv] = via === 'npm' ? ['npm', ['run', '--silent', 'start', '--', ...runArgs]] : [process.execPath, [BIN, 'run', ...runArgs]];
  const child = spawn(command, argv, {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NATS_URL: '', EDI_INBOX: join(edi, 'inbox'), EDI_OUTBOX: join(edi, 'outbox'), ...env },
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const s = { child, dataDir, exited, output: () => out };
  spawned.push(s);
  return s;
}

function signalGroup(s: Spawned, signal: NodeJS.Signals): void {
  try {
    process.kill(-(s.child.pid as number), signal);
  } catch {
    // already gone
  }
}

// Every test also checks that the runner did not need its last resort: 'still running after stop'
// means a timer or socket held the process open after it had closed everything.

/** runtime.json is written once every pipeline runs and HTTP listens. */
async function ready(s: Spawned): Promise<void> {
  const file = join(s.dataDir, 'runtime.json');
  await waitFor('runner ready', () => {
    if (s.child.exitCode !== null) throw new Error(`runner exited before ready:\n${s.output()}`);
    return existsSync(file) && readFileSync(file, 'utf8').includes('"http"');
  }, 60_000);
}

/** Pids of the processes whose command line mentions `text` (the data folder, here). */
function pidsMentioning(text: string): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes(' ps -eo'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** Sends `signal` (or, with 'none', calls `act`), and measures how long the process takes to exit. */
async function stopAndTime(s: Spawned, signal: NodeJS.Signals, to: 'group' | 'pid' | 'none', act?: () => void): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }> {
  const started = performance.now();
  if (to === 'group') signalGroup(s, signal);
  else if (to === 'pid') s.child.kill(signal);
  else act?.();
  const deadline = new Promise<'late'>((r) => setTimeout(() => r('late'), 20_000).unref());
  const exit = await Promise.race([s.exited, deadline]);
  const ms = Math.round(performance.now() - started);
  if (exit === 'late') throw new Error(`still running 20 s after ${signal} to the ${to}:\n${s.output().slice(-3000)}`);
  return { ms, ...exit };
}

function embeddedServerPids(s: Spawned): number[] {
  return pidsMentioning(join(s.dataDir, 'nats')).filter((pid) => pid !== s.child.pid);
}

it('Ctrl-C (SIGINT to the process group) stops an idle runner with its embedded nats-server at once, exit 0', { timeout: 90_000 }, async () => {
  const s = startRunner([]);
  await ready(s);
  expect(embeddedServerPids(s).length).toBeGreaterThan(0);
  const r = await stopAndTime(s, 'SIGINT', 'group');
  console.log(`group SIGINT, idle runner, embedded NATS: exited ${r.code} in ${r.ms} ms`);
  expect(r.code).toBe(0);
  expect(r.ms).toBeLessThan(3000);
  expect(s.output()).toContain('"msg":"stopped"');
  // The embedded server was stopped by the runner (not killed by the terminal's signal first).
  expect(s.output()).not.toMatch(/"nats (disconnect|error)"/);
  expect(s.output()).not.toContain('still running after stop');
  await waitFor('embedded nats-server gone', () => embeddedServerPids(s).length === 0, 2000);
});

it('SIGTERM to the main pid only (systemd KillMode=mixed) stops an idle runner at once, exit 0', { timeout: 90_000 }, async () => {
  const s = startRunner([]);
  await ready(s);
  const r = await stopAndTime(s, 'SIGTERM', 'pid');
  console.log(`SIGTERM to pid, idle runner, embedded NATS: exited ${r.code} in ${r.ms} ms`);
  expect(r.code).toBe(0);
  expect(r.ms).toBeLessThan(3000);
  expect(s.output()).not.toContain('still running after stop');
  await waitFor('embedded nats-server gone', () => embeddedServerPids(s).length === 0, 2000);
});

it('SIGTERM while the runner is still starting stops it once it is up, exit 0 (not killed by the signal)', { timeout: 90_000 }, async () => {
  const s = startRunner([]);
  // Mid-start: the embedded server is up, the pipelines are not yet.
  await waitFor('the embedded server started', () => s.output().includes('embedded nats-server started'), 60_000);
  const r = await stopAndTime(s, 'SIGTERM', 'pid');
  expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
  expect(s.output()).toContain('"signal received"');
  expect(s.output()).not.toContain('still running after stop');
  await waitFor('embedded nats-server gone', () => embeddedServerPids(s).length === 0, 3000);
});

it('the embedded nats-server, in a process group of its own, still does not outlive a runner killed with SIGKILL', { timeout: 90_000 }, async () => {
  const s = startRunner([]);
  await ready(s);
  expect(embeddedServerPids(s).length).toBeGreaterThan(0);
  s.child.kill('SIGKILL');
  await s.exited;
  await waitFor('embedded nats-server gone', () => embeddedServerPids(s).length === 0, 3000);
});

it('a runner whose NATS server died still exits 0 on SIGTERM, within the grace period', { timeout: 90_000 }, async () => {
  const nats = await startTestNats();
  try {
    const s = startRunner(['--nats', nats.url, '--grace', '4s']);
    await ready(s);
    await nats.server.kill();
    await waitFor('the runner noticed', () => s.output().includes('"nats disconnect"'), 5000).catch(() => undefined);
    const r = await stopAndTime(s, 'SIGTERM', 'pid');
    console.log(`SIGTERM to pid, NATS gone, grace 4 s: exited ${r.code} in ${r.ms} ms`);
    expect(r.code).toBe(0);
    expect(s.output()).not.toContain('still running after stop');
    expect(r.ms).toBeLessThan(4000);
    expect(s.output()).toContain('"msg":"stopped"');
  } finally {
    await nats.close();
  }
});

/** A stand-in ERP that holds every request until the test answers it. */
async function heldErp(): Promise<{ url: string; arrived: Promise<void>; answer(): void; close(): Promise<void> }> {
  let answer!: () => void;
  let arrived!: () => void;
  const got = new Promise<void>((r) => (arrived = r));
  const server = createServer((req, res) => {
    req.resume();
    answer = () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"orderNumber":"SO-1"}');
    arrived();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived: got,
    answer: () => answer(),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** One sales order for erp-post-salesorders, published on the runner's embedded NATS. */
async function publishSalesOrder(s: Spawned): Promise<void> {
  const info = JSON.parse(readFileSync(join(s.dataDir, 'runtime.json'), 'utf8')) as { natsUrl: string };
  const nc = await connect({ servers: info.natsUrl });
  await jetstream(nc).publish('erp.salesorders.shopify', readFileSync(join(REPO, 'test/fixtures/pipelines/shopify-orders/order-450789469.sales-order.json')));
  await nc.close();
}

// One runner process, and a supervisor with two workers (the default on a two-core machine): the
// supervisor passes the signals on, and its workers follow the same rules.
const GROUPS: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: 'one process', args: ['--workers', '1'] },
  { name: '--workers 2', args: ['--workers', '2'] },
];

for (const group of GROUPS) {
it(`${group.name}: Ctrl-C with a message in flight: finishes it on the embedded NATS, then exits 0 at once; a duplicate signal does not cut it short`, { timeout: 90_000 }, async () => {
  const erp = await heldErp();
  try {
    const s = startRunner(group.args, 'node', { ERP_URL: erp.url });
    await ready(s);
    await publishSalesOrder(s);
    await erp.arrived;
    signalGroup(s, 'SIGINT');
    // What npm's signal relay adds when its shell execs the runner: the same signal again.
    await new Promise((r) => setTimeout(r, 20));
    s.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1000));
    expect(s.child.exitCode).toBe(null);
    const r = await stopAndTime(s, 'SIGINT', 'none', () => erp.answer());
    console.log(`group SIGINT with an ERP call in flight: exited ${r.code} ${r.ms} ms after the ERP answered`);
    expect(r.code).toBe(0);
    expect(s.output()).not.toContain('still running after stop');
    expect(r.ms).toBeLessThan(3000);
    expect(s.output()).toMatch(/"pipeline":"erp-post-salesorders","unfinished":0,"msg":"pipeline stopped"/);
    expect(s.output()).toMatch(/"unfinished":0,"msg":"stopped"/);
    expect(s.output()).not.toMatch(/"nats (disconnect|error)"/);
  } finally {
    await erp.close();
  }
});

it(`${group.name}: a second signal a moment later exits at once, without waiting for the grace period`, { timeout: 90_000 }, async () => {
  const erp = await heldErp();
  try {
    const s = startRunner(['--grace', '30s', ...group.args], 'node', { ERP_URL: erp.url });
    await ready(s);
    await publishSalesOrder(s);
    await erp.arrived;
    signalGroup(s, 'SIGINT');
    await new Promise((r) => setTimeout(r, 1000));
    const r = await stopAndTime(s, 'SIGINT', 'group');
    console.log(`second SIGINT with an ERP call in flight: exited ${r.code} in ${r.ms} ms`);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(2000);
    await waitFor('embedded nats-server gone', () => embeddedServerPids(s).length === 0, 2000);
  } finally {
    await erp.close();
  }
});
}

/** A raw connection to the runner's HTTP port, for requests sent a piece at a time. */
async function rawHttp(s: Spawned): Promise<Socket> {
  const info = JSON.parse(readFileSync(join(s.dataDir, 'runtime.json'), 'utf8')) as { http: string };
  const port = Number(info.http.split(':').at(-1));
  const socket = netConnect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  return socket;
}

it('a client that sent half a request does not hold the stop open', { timeout: 90_000 }, async () => {
  const s = startRunner([]);
  await ready(s);
  const socket = await rawHttp(s);
  socket.write('GET /healthz HTTP/1.1\r\nHost: runner\r\n');
  await new Promise((r) => setTimeout(r, 200));
  const r = await stopAndTime(s, 'SIGTERM', 'pid');
  console.log(`SIGTERM with a half-sent HTTP request: exited ${r.code} in ${r.ms} ms`);
  socket.destroy();
  expect(r.code).toBe(0);
  expect(r.ms).toBeLessThan(3000);
  expect(s.output()).not.toContain('still running after stop');
});

it('an HTTP input request finished during the stop leaves no timer behind', { timeout: 90_000 }, async () => {
  const s = startRunner([]);
  await ready(s);
  const socket = await rawHttp(s);
  const body = '{"id":1}';
  socket.write(`POST /webhooks/shopify HTTP/1.1\r\nHost: runner\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n{`);
  await new Promise((r) => setTimeout(r, 200));
  s.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  const r = await stopAndTime(s, 'SIGTERM', 'none', () => socket.write(body.slice(1)));
  console.log(`SIGTERM with an HTTP input request in flight: exited ${r.code} ${r.ms} ms after it finished`);
  socket.destroy();
  expect(r.code).toBe(0);
  expect(r.ms).toBeLessThan(3000);
  expect(s.output()).toContain('"msg":"stopped"');
  expect(s.output()).not.toContain('still running after stop');
});

it('Ctrl-C on `npm start` stops npm, its shell and the runner together', { timeout: 90_000 }, async () => {
  const s = startRunner([], 'npm');
  await ready(s);
  const r = await stopAndTime(s, 'SIGINT', 'group');
  console.log(`group SIGINT through npm start: npm exited (${r.code ?? r.signal}) in ${r.ms} ms`);
  expect(r.ms).toBeLessThan(3000);
  expect(s.output()).toContain('"msg":"stopped"');
  expect(s.output()).not.toContain('still running after stop');
  await waitFor('every process of the group gone', () => pidsMentioning(s.dataDir).length === 0, 2000);
});
