/**
 * KPIs from a real runner on a real nats-server, against figures worked out in the test from
 * the stream times of the documents it sent: order processing latency (order stored → ERP
 * posting stored), the supplier acknowledgment SLA with a real deadline passing, exception
 * resolution time (exception stored → resolve action stored), and inventory sync delays. The
 * same figures from GET /v1/kpi, from /metrics and from `crossdock kpi` reading the data folder.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { startTestNats, waitFor, type TestNats } from '../support/nats.ts';
import { repoFile, tempProject, type TempProject } from '../support/project.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import type { KpiReport, KpiResult } from '../../runtime/operations/kpi/compute.ts';
import { checkMetrics } from '../support/promtool.ts';

const OPERATOR = 'kpi-test-operator-key';
const WITHIN_S = 3;
const EXPECTATIONS = `expectations:
  order-acceptance:
    description: test
    when: { subject: channel.shopify.orders.created, key: '{"externalId": $string(id)}', channel: '"shopify"', partner: '"shopify"' }
    expect: { subject: erp.posted.salesorders.*, key: '{"externalId": externalId}' }
    within: 1h
    raise: { type: late-order-acceptance }
  supplier-response:
    description: test
    when: { subject: erp.out.purchaseorders.*, key: '{"poNumber": poNumber}', partner: '$split($subject, ".")[3]' }
    expect: { subject: erp.purchaseorder-acks.*, key: '{"poNumber": poNumber}' }
    within: ${WITHIN_S}s
    raise: { type: late-ack }
`;

let nats: TestNats;
let project: TempProject;
let js: JetStreamClient;
let runner: RunnerProcess;
let port = 0;

beforeAll(async () => {
  nats = await startTestNats();
  js = jetstream(nats.nc);
  project = tempProject({
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
    'pipelines/availability.yaml': repoFile('pipelines/availability.yaml'),
    'pipelines/expectations.yaml': EXPECTATIONS,
    'pipelines/relay.yaml': `pipeline: relay
description: Orders from a marketplace that some of its documents fail.
owner: test
input: { jetstream: { stream: CHANNELS, subject: channel.acme.orders.created } }
steps:
  - reject: { when: "bad = true", reason: "'a bad order'" }
outputs: { erp: { jetstream: { subject: "'erp.orders.acme'" } } }
errors: { deadLetter: dlq.relay }
`,
  });
  process.env.CROSSDOCK_API_KEYS = `operator:alice:${OPERATOR}`;
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  port = (await runner.ready).httpPort as number;
});
afterAll(async () => {
  if (runner?.child.exitCode === null) runner.child.kill('SIGKILL');
  await nats.close();
  delete process.env.CROSSDOCK_API_KEYS;
});

/** When the stream stored the message published with this acknowledgement. */
async function storedAt(stream: string, seq: number): Promise<number> {
  const m = await nats.jsm.streams.getMessage(stream, { seq });
  return Date.parse(m!.timestamp);
}

async function publish(subject: string, body: unknown): Promise<{ stream: string; seq: number; at: number }> {
  const ack = await js.publish(subject, JSON.stringify(body));
  return { stream: ack.stream, seq: ack.seq, at: await storedAt(ack.stream, ack.seq) };
}

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${OPERATOR}` } });
  return { status: r.status, body: await r.json() };
}

/** The stored time of the first message on `subject` in `stream`, once there is one. */
async function waitForMessage(stream: string, subject: string): Promise<number> {
  let at = 0;
  await waitFor(`a message on ${subject}`, async () => {
    try {
      const m = await nats.jsm.streams.getMessage(stream, { last_by_subj: subject });
      at = Date.parse(m!.timestamp);
      return true;
    } catch {
      return false;
    }
  }, 10_000);
  return at;
}

const kpiOf = (report: KpiReport, id: string): KpiResult => report.kpis.find((k) => k.id === id) as KpiResult;
const nearestRank = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil((p / 100) * values.length)) - 1] as number;

it('match figures worked out from the stream times, over HTTP, /metrics and the command line', async () => {
  // Three orders; two posted by the ERP a little later, one not yet.
  const orders = [];
  for (const id of [1, 2, 3]) orders.push(await publish('channel.shopify.orders.created', { id }));
  await new Promise((r) => setTimeout(r, 300));
  const posted = [await publish('erp.posted.salesorders.shopify', { externalId: '1' })];
  await new Promise((r) => setTimeout(r, 500));
  posted.push(await publish('erp.posted.salesorders.shopify', { externalId: '2' }));
  const latencies = [(posted[0]!.at - orders[0]!.at) / 1000, (posted[1]!.at - orders[1]!.at) / 1000];

  // Purchase orders: acme acknowledges one of two in time; widgets its only one.
  await publish('erp.out.purchaseorders.acme', { poNumber: 'A-1' });
  await publish('erp.out.purchaseorders.acme', { poNumber: 'A-2' });
  await publish('erp.out.purchaseorders.widgets', { poNumber: 'W-1' });
  await publish('erp.purchaseorder-acks.acme', { poNumber: 'A-1' });
  await publish('erp.purchaseorder-acks.widgets', { poNumber: 'W-1' });

  // A marketplace's first two documents: the first fails, the second goes through.
  const firstDoc = await publish('channel.acme.orders.created', { id: 'm-1', bad: true });
  await publish('channel.acme.orders.created', { id: 'm-2' });
  const erpOut = await waitForMessage('ERP', 'erp.orders.acme');
  const onboarding = (erpOut - firstDoc.at) / 1000;

  // Warehouse positions for the sync delay.
  for (let i = 0; i < 5; i++) await publish('inventory.position.DC-EAST', { schemaVersion: 1, sku: `KPI-${i}`, location: 'DC-EAST', onHand: 10, version: 1, asOf: '2026-12-01T00:00:00Z' });

  // An exception raised, then resolved by an operator.
  const raised = await publish('exceptions.shortage.shopify', { type: 'shortage', reason: 'test' });
  await waitFor('the workbench to hold the exception', async () => (await get(`/v1/exceptions/${raised.seq}`)).status === 200, 10_000);
  await new Promise((r) => setTimeout(r, 400));
  const resolve = await fetch(`http://127.0.0.1:${port}/v1/exceptions/${raised.seq}/resolve`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' }, body: JSON.stringify({ note: 'restocked' }) });
  expect(resolve.status).toBe(200);
  const info = await nats.jsm.streams.info('WORKBENCH');
  const resolvedAt = await storedAt('WORKBENCH', info.state.last_seq);
  const resolution = (resolvedAt - raised.at) / 1000;

  // A-2's deadline passes without its 855: the runner raises late-ack.
  await waitFor('the late-ack for A-2', async () => (await nats.jsm.streams.info('EXCEPTIONS')).state.messages >= 2, (WITHIN_S + 10) * 1000);

  const report = (await get('/v1/kpi?since=1h')).body as KpiReport;
  const orderKpi = kpiOf(report, 'order-processing-latency');
  expect(orderKpi.rows[0]).toEqual({ label: 'all', count: 2, p50: nearestRank(latencies, 50), p90: nearestRank(latencies, 90), p99: nearestRank(latencies, 99), pending: 1 });
  expect(orderKpi.rows[1]?.label).toBe('shopify');
  expect(kpiOf(report, 'supplier-ack-sla').rows).toEqual([
    { label: 'all', count: 3, hits: 2, ratio: 2 / 3 },
    { label: 'acme', count: 2, hits: 1, ratio: 0.5 },
    { label: 'widgets', count: 1, hits: 1, ratio: 1 },
  ]);
  const resolutionRow = kpiOf(report, 'exception-resolution-time').rows.find((r) => r.label === 'shortage');
  expect(resolutionRow).toMatchObject({ count: 1, p50: resolution });
  // The late-ack the deadline raised is open: pending, not resolved.
  expect(kpiOf(report, 'exception-resolution-time').rows.find((r) => r.label === 'late-ack')).toEqual({ label: 'late-ack', count: 0, pending: 1 });
  const sync = kpiOf(report, 'inventory-sync-delay').rows.find((r) => r.label === 'DC-EAST');
  expect(sync?.count).toBe(5);
  expect(sync?.p99).toBeLessThan(5);
  expect(kpiOf(report, 'interface-failure-rate').rows.find((r) => r.label === 'relay')).toEqual({ label: 'relay', count: 2, hits: 1, ratio: 0.5 });
  expect(kpiOf(report, 'duplicate-transaction-rate').rows.find((r) => r.label === 'relay')).toEqual({ label: 'relay', count: 1, hits: 0, ratio: 0 });
  // Hops keep the stream's sub-millisecond time; the message API here rounds to the millisecond.
  const acme = kpiOf(report, 'partner-onboarding-duration').rows.find((r) => r.label === 'acme');
  expect(acme?.count).toBe(1);
  expect(Math.abs((acme?.p50 as number) - onboarding)).toBeLessThan(0.002);
  expect(kpiOf(report, 'shipment-confirmation-timeliness').unavailable).toBe("the project declares no expectation named 'shipment-confirmation'");

  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // With every KPI holding samples, Prometheus's own checker accepts the text.
  expect(checkMetrics(metrics)).toEqual({ code: 0, output: '' });
  expect(metrics).toMatch(/^crossdock_kpi_supplier_ack_on_time_ratio\{partner="acme"\} 0.5$/m);
  expect(metrics).toContain(`crossdock_kpi_order_processing_seconds{channel="shopify",percentile="50"} ${nearestRank(latencies, 50)}`);

  const cli = await runCli(['kpi', '--pipelines', project.pipelinesDir, '--data', runner.dataDir, '--since', '1h', '--json']);
  expect(cli.stderr).toBe('');
  expect(cli.code).toBe(0);
  const fromFolder = JSON.parse(cli.stdout) as KpiReport;
  for (const id of ['order-processing-latency', 'supplier-ack-sla', 'exception-resolution-time', 'interface-failure-rate', 'partner-onboarding-duration']) expect(kpiOf(fromFolder, id).rows).toEqual(kpiOf(report, id).rows);
  expect(kpiOf(fromFolder, 'inventory-sync-delay').unavailable).toMatch(/running runner only/);
  const text = await runCli(['kpi', '--pipelines', project.pipelinesDir, '--data', runner.dataDir]);
  expect(text.stdout).toContain('Supplier acknowledgment SLA (by partner)');
  expect(text.stdout).toMatch(/acme\s+2\s+1\s+50.0 %/);
  // A window it cannot read: one line naming the option, exit 2, no stack.
  const bad = await runCli(['kpi', '--pipelines', project.pipelinesDir, '--data', runner.dataDir, '--since', 'yesterday']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("crossdock kpi: --since: expected an ISO time (2026-12-01T08:00:00Z) or a duration back from now (24h, 7d), not 'yesterday'");
  expect(bad.stderr).not.toMatch(/\n\s+at /);
});
