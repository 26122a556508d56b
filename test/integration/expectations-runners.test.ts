/**
 * Expectations across `crossdock run` processes, in real time with a 4 s deadline: three
 * runners, one SIGKILLed at the deadline, raise exactly one late-ack within a second of it;
 * the killed runner, started again on its data folder, holds the same view as one rebuilt
 * from the streams and raises nothing twice; deadlines still fire after the NATS server
 * restarts; and GET /v1/expectations answers viewers only, 400 naming a bad field.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { startTestNats, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { repoFile, tempProject, type TempProject } from '../support/project.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { ExpectationService } from '../../runtime/operations/expectations/service.ts';
import { ExpectationStore } from '../../runtime/operations/expectations/store.ts';
import type { ExpectationSet } from '../../runtime/compile/expectations.ts';

const WITHIN_MS = 4000;
const KEY = 'expect-test-viewer-key';
const EXPECTATIONS = `expectations:
  supplier-response:
    description: test
    when: { subject: erp.out.purchaseorders.*, key: '{"poNumber": poNumber}', partner: '$split($subject, ".")[3]' }
    expect: { subject: erp.purchaseorder-acks.*, key: '{"poNumber": poNumber}' }
    within: 4s
    raise: { type: late-ack }
`;

let nats: TestNats;
let project: TempProject;
let js: JetStreamClient;
const runners: RunnerProcess[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  js = jetstream(nats.nc);
  project = tempProject({
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
    'pipelines/expectations.yaml': EXPECTATIONS,
    'pipelines/relay.yaml': `pipeline: relay
description: A pipeline for the runner to run besides the expectations.
owner: test
input: { jetstream: { stream: CHANNELS, subject: channel.x } }
outputs: { erp: { jetstream: { subject: "'erp.x'" } } }
`,
  });
  process.env.CROSSDOCK_API_KEYS = `viewer:test:${KEY}`;
});
afterAll(async () => {
  for (const r of runners) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await nats.close();
  delete process.env.CROSSDOCK_API_KEYS;
});

const exceptions = async (): Promise<{ id: string | undefined; at: number }[]> => {
  const info = await nats.jsm.streams.info('EXCEPTIONS');
  const out: { id: string | undefined; at: number }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await nats.jsm.streams.getMessage('EXCEPTIONS', { seq });
    if (m) out.push({ id: m.header.get('Nats-Msg-Id'), at: Date.parse(m.timestamp) });
  }
  return out;
};

async function publishPo(po: string): Promise<number> {
  const ack = await js.publish('erp.out.purchaseorders.acme', JSON.stringify({ poNumber: po }));
  const m = await nats.jsm.streams.getMessage('ERP', { seq: ack.seq });
  return Date.parse(m!.timestamp) + WITHIN_MS;
}

const sleepUntil = (t: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

async function api(port: number, query: string, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/expectations${query}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it('one late-ack with three runners and one SIGKILLed at the deadline; kill -9 and rebuild agree; NATS restarts', async () => {
  for (let i = 0; i < 3; i++) runners.push(startRunnerProcess(project.pipelinesDir, nats.url));
  const ports = await Promise.all(runners.map(async (r) => (await r.ready).httpPort as number));

  const deadline = await publishPo('P-LATE');
  await publishPo('P-OK');
  await js.publish('erp.purchaseorder-acks.acme', JSON.stringify({ poNumber: 'P-OK' }));

  // Killed at the deadline: the other two raise it, the stream keeps one.
  await sleepUntil(deadline);
  const killed = runners[0] as RunnerProcess;
  killed.child.kill('SIGKILL');
  await killed.exited;
  await waitFor('the late-ack', async () => (await exceptions()).length > 0, 10_000);
  await new Promise((r) => setTimeout(r, 1500));
  const raised = await exceptions();
  expect(raised.map((e) => e.id)).toEqual(['expectation:supplier-response:P-LATE']);
  // Accurate to a second.
  expect(Math.abs((raised[0]?.at as number) - deadline)).toBeLessThan(1000);

  // The API: viewers only, a bad field is named, the late one is listed.
  expect((await api(ports[1] as number, '')).status).toBe(401);
  const bad = await api(ports[1] as number, '?state=closed', KEY);
  expect(bad).toMatchObject({ status: 400, body: { field: 'state' } });
  const late = await api(ports[1] as number, '?state=late', KEY);
  expect(late.status).toBe(200);
  expect(late.body.items).toMatchObject([{ expectation: 'supplier-response', key: 'P-LATE', state: 'late', partner: 'acme', keys: { poNumber: 'P-LATE' } }]);
  expect(late.body.expectations).toMatchObject([{ name: 'supplier-response', open: 0, closedInTime: 1, late: 1 }]);

  // The killed runner again, on its data folder: it catches up and raises nothing again.
  const again = startRunnerProcess(project.pipelinesDir, nats.url, [], { dataDir: killed.dataDir });
  runners.push(again);
  const againPort = (await again.ready).httpPort as number;
  await waitFor('the restarted view caught up', async () => ((await api(againPort, '?state=late', KEY)).body.items as unknown[]).length === 1, 10_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect((await exceptions()).length).toBe(1);

  // The NATS server restarts; a deadline after it still fires, once.
  await nats.restart(500);
  let afterRestart = 0;
  await waitFor('JetStream back after the restart', async () => {
    afterRestart = await publishPo('P-AFTER-RESTART').catch(() => 0);
    return afterRestart > 0;
  }, 20_000, 200);
  await sleepUntil(afterRestart + 1000);
  await waitFor('the late-ack after the restart', async () => (await exceptions()).length === 2, 10_000);
  expect((await exceptions()).map((e) => e.id)).toEqual(['expectation:supplier-response:P-LATE', 'expectation:supplier-response:P-AFTER-RESTART']);

  // Stop every runner; the restarted one's view equals a rebuild from the streams.
  for (const r of runners) if (r.child.exitCode === null) r.child.kill('SIGTERM');
  await Promise.all(runners.map((r) => r.exited));
  const set = loadProject(project.pipelinesDir).expectations as ExpectationSet;
  const dir = tempDir('expect-rebuild');
  const rebuilt = await ExpectationService.start({ nc: nats.nc, set, streams: loadProject(project.pipelinesDir).streams, dataDir: dir, logger: pino({ level: 'silent' }) });
  await rebuilt.ready;
  const all = (d: { getRange(): Iterable<{ key: unknown; value: unknown }> }): unknown[] => [...d.getRange()].map(({ key, value }) => [key, value]);
  const dump = (s: ExpectationStore): unknown => ({ records: all(s.tables.records), due: all(s.tables.due), late: all(s.tables.late), totals: s.totals('supplier-response') });
  const fresh = dump(rebuilt.store);
  await rebuilt.stop();
  // The CLI reads the same view from the data folder.
  const cli = await runCli(['expectations', '--pipelines', project.pipelinesDir, '--data', killed.dataDir, '--late', '--json']);
  expect(cli.code).toBe(0);
  const listed = JSON.parse(cli.stdout) as { expectations: { name: string; late: number; closed: number; open: number }[]; items: { key: string; state: string }[] };
  expect(listed.expectations).toEqual([{ name: 'supplier-response', within: '4s', open: 0, closed: 1, late: 2 }]);
  expect(listed.items.map((i) => [i.key, i.state])).toEqual([['P-LATE', 'late'], ['P-AFTER-RESTART', 'late']]);
  const text = await runCli(['expectations', '--pipelines', project.pipelinesDir, '--data', killed.dataDir, '--name', 'nope']);
  expect(text.code).toBe(2);
  expect(text.stderr).toContain("no expectation named 'nope' (known: supplier-response)");
  const killedView = ExpectationStore.open(killed.dataDir);
  try {
    expect(dump(killedView)).toEqual(fresh);
  } finally {
    await killedView.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
