/**
 * Runs a scenario script against `crossdock run` on every reference pipeline (a real
 * nats-server, a stand-in ERP, temporary drop folders), optionally killing the runner with
 * SIGKILL after the first events and starting a new one, and returns every message the day
 * added to the streams.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticsForTests } from './scenario-diags.ts';
import { loadDemoScript } from '../../runtime/demo/script.ts';
import { play } from '../../runtime/demo/player.ts';
import { startStandInErp } from '../../runtime/demo/stand-in-erp.ts';
import { demoErpBook } from '../../runtime/demo/erp-book.ts';
import { markStreams, messagesSince, waitForQuiet, type DayMessage } from '../../runtime/demo/summary.ts';
import { REPO } from '../support/project.ts';
import { startTestNats, tempDir, type TestNats } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

export interface ScenarioRun {
  readonly messages: readonly DayMessage[];
  readonly outbox: readonly string[];
  readonly runnerOutput: string;
}

export async function runScenario(script: string, options: { killAfterEvent?: number }): Promise<ScenarioRun> {
  const diags = new DiagnosticsForTests();
  const scriptFile = join(REPO, 'test/fixtures/scenarios', script);
  const day = loadDemoScript(scriptFile, diags.sink);
  if (!day) throw new Error(diags.text());
  const inbox = tempDir('scenario-inbox');
  const outbox = tempDir('scenario-outbox');
  const erp = await startStandInErp(0, demoErpBook());
  const nats: TestNats = await startTestNats();
  const env = { EDI_INBOX: inbox, EDI_OUTBOX: outbox, ERP_URL: erp.url };
  const start = (): RunnerProcess => {
    Object.assign(process.env, env);
    const r = startRunnerProcess(join(REPO, 'pipelines'), nats.url);
    for (const k of Object.keys(env)) delete process.env[k];
    return r;
  };
  let output = '';
  try {
    let runner = start();
    let { httpPort } = await runner.ready;
    const marks = await markStreams(nats.jsm);
    const targets = () => ({ js: nats.js, httpBase: `http://127.0.0.1:${httpPort}`, dropFolder: () => inbox, shopifySecret: 'crossdock-dev-secret' });
    const split = options.killAfterEvent ?? day.events.length;
    const first = { ...day, events: day.events.slice(0, split) };
    const second = { ...day, events: day.events.slice(split) };
    const played = await play(first, scriptFile, targets(), 0, () => undefined);
    if (second.events.length > 0) {
      // Kill while the first events are still being worked on: files claimed, messages unacknowledged.
      await new Promise((r) => setTimeout(r, 150));
      runner.child.kill('SIGKILL');
      await runner.exited;
      output += runner.output();
      runner = start();
      ({ httpPort } = await runner.ready);
      played.push(...(await play(second, scriptFile, targets(), 0, () => undefined)));
    }
    const failed = played.filter((p) => !/^(HTTP 202|stored|dropped)/.test(p.outcome));
    if (failed.length > 0) throw new Error(`events not accepted: ${JSON.stringify(failed)}`);
    await waitForDropFolder(inbox);
    if (!(await waitForQuiet(nats.jsm, 60_000))) throw new Error('pipelines still busy after 60 s');
    const messages = await messagesSince(nats.jsm, marks);
    runner.child.kill('SIGTERM');
    await runner.exited;
    output += runner.output();
    return { messages, outbox: readdirSync(outbox).filter((f) => !f.startsWith('.')).sort(), runnerOutput: output };
  } finally {
    await nats.close();
    await erp.close();
  }
}

async function waitForDropFolder(inbox: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const pending = (): string[] => [...readdirSync(inbox).filter((f) => f.endsWith('.edi')), ...readdirSync(join(inbox, '.claimed')).filter((f) => !f.startsWith('.'))];
  while (pending().length > 0) {
    if (Date.now() > deadline) throw new Error(`drop folder not emptied: ${pending().join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Messages by subject, in a stable order, for comparing with an expectation table. */
export function bySubject(messages: readonly DayMessage[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of messages) out[m.subject] = (out[m.subject] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
