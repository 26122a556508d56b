/**
 * The console's browser tests all start the same way: a real nats-server, the stand-in ERP, a
 * runner with the shipped pipelines and an HTTP address, and the demo day played through it
 * until the streams are quiet. `startConsoleDay` does that once per test file and `close`
 * undoes it (the environment variables the pipelines read included).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestNats, tempDir, type TestNats } from './nats.ts';
import { REPO } from './project.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { startRunner, type RunningRunner } from '../../runtime/runner/runner.ts';
import { startStandInErp, type StandInErp } from '../../runtime/demo/stand-in-erp.ts';
import { demoErpBook } from '../../runtime/demo/erp-book.ts';
import { loadDemoScript } from '../../runtime/demo/script.ts';
import { play } from '../../runtime/demo/player.ts';
import { waitForQuiet } from '../../runtime/demo/summary.ts';
import { Diagnostics } from '../../runtime/config/diagnostics.ts';

export const PIPELINES = join(REPO, 'pipelines');
export const DAY = join(REPO, 'runtime/demo/day/day.yaml');
const ENV = ['ERP_URL', 'EDI_INBOX', 'EDI_OUTBOX', 'CROSSDOCK_API_KEYS'] as const;

export interface ConsoleDay {
  readonly nats: TestNats;
  readonly erp: StandInErp;
  readonly runner: RunningRunner;
  /** The runner's HTTP address, `http://127.0.0.1:<port>`. */
  readonly base: string;
  close(): Promise<void>;
}

/**
 * @param apiKeys CROSSDOCK_API_KEYS for the runner (`ROLE:NAME:KEY,…`)
 * @param name names the temporary folders, so a failed run shows whose they were
 */
export async function startConsoleDay(apiKeys: string, name = 'console'): Promise<ConsoleDay> {
  const nats = await startTestNats();
  const erp = await startStandInErp(0, demoErpBook());
  const edi = tempDir(`${name}-edi`);
  process.env.ERP_URL = erp.url;
  process.env.EDI_INBOX = join(edi, 'inbox');
  process.env.EDI_OUTBOX = join(edi, 'outbox');
  process.env.CROSSDOCK_API_KEYS = apiKeys;
  mkdirSync(process.env.EDI_INBOX, { recursive: true });
  let runner: RunningRunner | undefined;
  try {
    runner = await startRunner({ project: loadProject(PIPELINES), natsUrl: nats.url, dataDir: tempDir(`${name}-day`), logger: pino({ level: 'silent' }), http: { host: '127.0.0.1', port: 0 }, graceMs: 2000 });
    const base = `http://127.0.0.1:${runner.http!.port}`;
    const script = loadDemoScript(DAY, new Diagnostics());
    expect(script).toBeDefined();
    await play(script!, DAY, { js: nats.js, httpBase: base, dropFolder: () => process.env.EDI_INBOX as string, shopifySecret: 'crossdock-dev-secret' }, 4, () => undefined);
    expect(await waitForQuiet(nats.jsm, 60_000, 1000)).toBe(true);
    return day(nats, erp, runner, base);
  } catch (err) {
    // Whatever started is stopped, so a failed start leaves no server behind.
    await day(nats, erp, runner, '').close();
    throw err;
  }
}

function day(nats: TestNats, erp: StandInErp, runner: RunningRunner | undefined, base: string): ConsoleDay {
  return {
    nats,
    erp,
    runner: runner as RunningRunner,
    base,
    async close() {
      await runner?.stop();
      await erp.close();
      await nats.close();
      for (const k of ENV) delete process.env[k];
    },
  };
}

/** Signs in on the form with the keyboard and waits for the page `then` (a /console path). */
export async function signIn(page: Page, base: string, key: string, then = '/console/'): Promise<void> {
  await page.goto(`${base}/console/sign-in`);
  await page.focus('#key');
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/console/`);
  if (then !== '/console/') await page.goto(`${base}${then}`);
}
