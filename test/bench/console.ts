/**
 * The operations console's figures (issue: time to first render with 100,000 exceptions and
 * 10,000 dead letters, SSE update latency, the cost of five open consoles):
 *  - first render: a runner whose workbench holds 100,000 exceptions and whose DLQ holds
 *    10,000 dead letters; a signed-in Overview loaded again and again in Debian's chromium,
 *    from navigation to the page showing its exception and dead-letter totals;
 *  - update latency: with the Overview open, a dead letter published, until its count shows;
 *  - cost: the first flow (c) drained with no console, with five Overviews open on it (one
 *    browser, five tabs), and with what five consoles ask of the runner (sign-in, the page's
 *    first reads, five event streams) from a light client. The browser runs on the same two
 *    cores here, which an operator's would not, and a process that gets less CPU batches less
 *    and spends more per order: the light client's row is the runner's own cost.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { startNatsServer } from '../../runtime/transport/nats-server.ts';
import { readRuntimeInfo } from '../../runtime/runner/runtime-file.ts';
import { launchBrowser } from '../support/browser.ts';
import { REPO } from '../support/project.ts';
import { tempDir } from '../support/nats.ts';
import { runCrossdock, type RelayRow } from './relay.ts';
import { summarize } from './stats.ts';

const KEY = 'bench-console-operator-key';
const API_KEYS = `operator:bench:${KEY}`;

export interface ConsoleBench {
  readonly firstRender: { readonly exceptions: number; readonly deadLetters: number; readonly loads: number; readonly p50Ms: number; readonly maxMs: number };
  readonly update: { readonly samples: number; readonly p50Ms: number; readonly p99Ms: number };
  /** `with`: five browser tabs on the same cores; `streams`: what five consoles ask of the runner, from a light client. */
  readonly cost: { readonly consoles: number; readonly without: RelayRow; readonly with: RelayRow; readonly streams: RelayRow };
}

/**
 * What an open Overview asks of the runner, without a browser's own CPU on the same two cores:
 * a signed-in session, the page's first reads, and the live event stream, read and dropped.
 */
async function lightConsoles(at: string, n: number): Promise<() => Promise<void>> {
  const res = await fetch(`${at}/console/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: at }, body: `key=${KEY}` });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  if (!cookie.startsWith('crossdock_session=')) throw new Error(`sign-in gave no session (HTTP ${res.status})`);
  const ctl = new AbortController();
  const streams: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    for (const path of ['/console/session', '/v1/kpi?since=1h', '/v1/expectations?state=late', '/v1/dlq?limit=500']) await (await fetch(at + path, { headers: { cookie } })).arrayBuffer();
    const events = await fetch(`${at}/v1/events`, { headers: { cookie, accept: 'text/event-stream' }, signal: ctl.signal });
    streams.push((async () => {
      try {
        for await (const _ of events.body as unknown as AsyncIterable<Uint8Array>) { /* read and dropped, as a page reads it */ }
      } catch { /* aborted */ }
    })());
  }
  return async () => {
    ctl.abort();
    await Promise.all(streams);
  };
}

async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/console/sign-in`);
  await page.fill('#key', KEY);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/console/`);
}

/**
 * The Overview has both totals from the live feed: what an operator looks for first. Waited for
 * with locators (the page's CSP forbids the string predicates waitForFunction evaluates).
 */
async function overviewShown(page: Page): Promise<void> {
  await page.locator('section.part-exceptions .total', { hasText: /\d/ }).waitFor({ timeout: 120_000 });
  await page.locator('section.part-dead-letters .total', { hasText: /\d/ }).waitFor({ timeout: 120_000 });
}

const deadLetterCount = async (page: Page): Promise<number> => Number(((await page.textContent('section.part-dead-letters .total')) ?? '').replace(/\D/g, ''));

export async function benchConsole(opts: { quick?: boolean }): Promise<ConsoleBench> {
  const exceptions = opts.quick ? 10_000 : 100_000;
  const deadLetters = opts.quick ? 1_000 : 10_000;
  const root = tempDir('bench-console');
  const server = await startNatsServer({ storeDir: join(root, 'nats') });
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  const js = jetstream(nc, { timeout: 30_000 });
  const pipelines = join(REPO, 'pipelines');
  await ensureStreams(await jetstreamManager(nc), loadProject(pipelines).streams);
  // History: exceptions of four types from 40 partners, and dead letters of three pipelines.
  const enc = new TextEncoder();
  const types = ['late-ack', 'invalid-sku-mapping', 'duplicate-order', 'inventory-mismatch'];
  for (let i = 0; i < exceptions; i += 1000) {
    await Promise.all(Array.from({ length: Math.min(1000, exceptions - i) }, (_, k) => {
      const n = i + k;
      const h = natsHeaders();
      h.set('Crossdock-Keys', JSON.stringify({ orderNumber: `#${n}` }));
      h.set('Crossdock-Raised-By', 'pipeline:bench');
      return js.publish(`exceptions.${types[n % 4]}.partner-${n % 40}`, enc.encode(JSON.stringify({ orderNumber: `#${n}`, reason: 'bench' })), { headers: h });
    }));
  }
  for (let i = 0; i < deadLetters; i += 1000) {
    await Promise.all(Array.from({ length: Math.min(1000, deadLetters - i) }, (_, k) => {
      const h = natsHeaders();
      h.set('Crossdock-Pipeline', ['shopify-orders', 'edi-inbound', 'wms-shipments'][(i + k) % 3] as string);
      h.set('Crossdock-Reason', `bench failure ${(i + k) % 7}`);
      h.set('Crossdock-Failure', 'permanent');
      return js.publish(`dlq.${['shopify-orders', 'edi-inbound', 'wms-shipments'][(i + k) % 3]}`, enc.encode('{"bench":true}'), { headers: h });
    }));
  }
  const dataDir = join(root, 'data');
  const child = spawn(process.execPath, [join(REPO, 'runtime/cli/bin.mjs'), 'run', '--pipelines', pipelines, '--only', 'shopify-orders', '--nats', server.url, '--data', dataDir, '--http', '127.0.0.1:0', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CROSSDOCK_API_KEYS: API_KEYS, CROSSDOCK_VIEWS: 'workbench' },
  });
  const browser = await launchBrowser();
  try {
    let http: string | undefined;
    const t0 = performance.now();
    while (!(http = readRuntimeInfo(dataDir)?.http)) {
      if (performance.now() - t0 > 120_000) throw new Error('the runner did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const base = `http://${http}`;
    const page = await browser.page();
    await signIn(page, base);
    // The workbench folds the history first: the first load waits for it and is not counted.
    await overviewShown(page);
    const loads = opts.quick ? 3 : 7;
    const times: number[] = [];
    for (let i = 0; i < loads; i++) {
      const t = performance.now();
      await page.goto(`${base}/console/`);
      await overviewShown(page);
      times.push(performance.now() - t);
    }
    // Update latency: one dead letter at a time, until the page counts it.
    const samples = opts.quick ? 10 : 40;
    const updates: number[] = [];
    for (let i = 0; i < samples; i++) {
      const before = await deadLetterCount(page);
      const h = natsHeaders();
      h.set('Crossdock-Pipeline', 'shopify-orders');
      h.set('Crossdock-Reason', 'bench update');
      const t = performance.now();
      await js.publish('dlq.shopify-orders', enc.encode('{}'), { headers: h });
      await page.locator('section.part-dead-letters .total', { hasText: new RegExp(`^${(before + 1).toLocaleString('en-US')} `) }).waitFor({ timeout: 30_000 });
      updates.push(performance.now() - t);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const u = summarize(updates);
    const firstRender = { exceptions, deadLetters, loads, p50Ms: sorted[Math.floor(sorted.length / 2)] as number, maxMs: sorted[sorted.length - 1] as number };
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await nc.close();
    await server.stop();

    // Cost: (c) without and with five Overviews open.
    const count = opts.quick ? 2000 : 20_000;
    // Both rows publish the backlog once the runner (and the consoles) are up.
    const without = await runCrossdock('first', count, 100, 500, undefined, { apiKeys: API_KEYS, during: () => Promise.resolve(() => Promise.resolve()) });
    const consoles = 5;
    const withConsoles = await runCrossdock('first', count, 100, 500, undefined, {
      apiKeys: API_KEYS,
      during: async (at) => {
        const b = await launchBrowser();
        const first = await b.page();
        await signIn(first, at);
        const pages = [first];
        for (let i = 1; i < consoles; i++) {
          const p = await b.page();
          await p.goto(`${at}/console/`);
          pages.push(p);
        }
        await Promise.all(pages.map((p) => p.waitForSelector('#status')));
        return () => b.close();
      },
    });
    const streams = await runCrossdock('first', count, 100, 500, undefined, { apiKeys: API_KEYS, during: (at) => lightConsoles(at, consoles) });
    return { firstRender, update: { samples, p50Ms: u.p50, p99Ms: u.p99 }, cost: { consoles, without, with: withConsoles, streams } };
  } finally {
    await browser.close().catch(() => undefined);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

export function consoleText(r: ConsoleBench): string {
  const f = (n: number): string => Math.round(n).toLocaleString('en-US');
  const ms = (n: number): string => (n >= 100 ? `${f(n)} ms` : `${n.toFixed(1)} ms`);
  const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;
  const tp = r.cost.with.msgPerSec / r.cost.without.msgPerSec;
  const cpu = r.cost.with.cpuUsPerMsg / r.cost.without.cpuUsPerMsg;
  return [
    `Console: Overview in Debian chromium (playwright-core) on a runner holding ${f(r.firstRender.exceptions)} exceptions and ${f(r.firstRender.deadLetters)} dead letters`,
    `  first render (navigation → exception and dead-letter totals shown), ${r.firstRender.loads} loads: p50 ${ms(r.firstRender.p50Ms)}, max ${ms(r.firstRender.maxMs)}`,
    `  update (dead letter published → its count on the page), ${r.update.samples} samples: p50 ${ms(r.update.p50Ms)}, p99 ${ms(r.update.p99Ms)}`,
    `  cost of ${r.cost.consoles} open Overviews on (c), ${f(r.cost.without.messages)} orders, no console → ${r.cost.consoles} browser tabs on the same cores → ${r.cost.consoles} consoles' requests and event streams from a light client:`,
    `    orders/s ${f(r.cost.without.msgPerSec)} → ${f(r.cost.with.msgPerSec)} (${signed(tp - 1)}) → ${f(r.cost.streams.msgPerSec)} (${signed(r.cost.streams.msgPerSec / r.cost.without.msgPerSec - 1)}; target: at most −5 %)`,
    `    runner CPU µs/order ${f(r.cost.without.cpuUsPerMsg)} → ${f(r.cost.with.cpuUsPerMsg)} (${signed(cpu - 1)}) → ${f(r.cost.streams.cpuUsPerMsg)} (${signed(r.cost.streams.cpuUsPerMsg / r.cost.without.cpuUsPerMsg - 1)})`,
  ].join('\n');
}
