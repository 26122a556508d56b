/**
 * The runner's own health, scraped over HTTP from a real runner (the shipped pipelines, a real
 * nats-server) and checked by the Prometheus project's own parser: `promtool check metrics`
 * must parse it and find nothing to lint. The shipped alert rules and Grafana dashboard may
 * read only metrics a runner exports, as documented in docs/operations.md.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { parse as parseYaml } from 'yaml';
import { loadProject } from '../../runtime/compile/project.ts';
import { startRunner, type RunningRunner } from '../../runtime/runner/runner.ts';
import { pipelineConsumers } from '../../runtime/runner/health-metrics.ts';
import { startTestNats, tempDir, type TestNats } from '../support/nats.ts';
import { REPO } from '../support/project.ts';
import { checkMetrics, checkRules, familyNames, queriedMetrics } from '../support/promtool.ts';

const ALERTS = join(REPO, 'docs/monitoring/alerts.yaml');
const DASHBOARD = join(REPO, 'docs/monitoring/grafana-dashboard.json');

let nats: TestNats;
let runner: RunningRunner;
const project = loadProject(join(REPO, 'pipelines'));

beforeAll(async () => {
  nats = await startTestNats();
  runner = await startRunner({ project, natsUrl: nats.url, dataDir: tempDir('health'), logger: pino({ level: 'warn' }), http: { host: '127.0.0.1', port: 0 }, graceMs: 2000 });
});
afterAll(async () => {
  await runner?.stop();
  await nats?.close();
});

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${runner.http?.port}/metrics`);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return res.text();
}

function value(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no sample ${name}`);
  return Number(line.slice(name.length + 1));
}

interface Rule {
  readonly alert: string;
  readonly expr: string;
}

function alertRules(): Rule[] {
  const doc = parseYaml(readFileSync(ALERTS, 'utf8')) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** The families docs/operations.md lists under "Runner health", and those it marks as the supervisor's. */
function documentedFamilies(): { all: Set<string>; supervisor: Set<string> } {
  const doc = readFileSync(join(REPO, 'docs/operations.md'), 'utf8');
  const start = doc.indexOf('\n## Runner health');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const rows = [...section.matchAll(/^\| `([a-z0-9_:]+)` \|[^\n]*$/gm)];
  return {
    all: new Set(rows.map((m) => m[1] as string)),
    supervisor: new Set(rows.filter((m) => m[0].includes('supervisor only')).map((m) => m[1] as string)),
  };
}

it('serves /metrics that promtool parses and lints clean: process, runtime, NATS, consumer and pipeline families', async () => {
  await scrape();
  const start = performance.now();
  const text = await scrape();
  const ms = performance.now() - start;
  expect(checkMetrics(text)).toEqual({ code: 0, output: '' });
  const families = familyNames(text);
  expect(new Set(families).size).toBe(families.length);
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_utilization', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'nodejs_active_handles', 'crossdock_nats_connected', 'crossdock_nats_reconnects_total', 'crossdock_consumer_pending_messages', 'crossdock_consumer_ack_pending_messages']) {
    expect(families).toContain(name);
  }
  // The two ATP figures that only grow are counters now, as their _total names say.
  expect(text).toMatch(/^# TYPE crossdock_atp_change_events_total counter$/m);
  expect(text).toMatch(/^# TYPE crossdock_atp_events_invalid_total counter$/m);
  expect(value(text, 'crossdock_nats_connected')).toBe(1);
  const consumers = pipelineConsumers(project.pipelines);
  expect(consumers.length).toBeGreaterThan(3);
  for (const c of consumers) {
    const labels = `{durable="${c.durable}",pipeline="${c.pipeline}",stream="${c.stream}"}`;
    expect(text).toContain(`crossdock_consumer_pending_messages${labels} 0\n`);
    expect(text).toContain(`crossdock_consumer_ack_pending_messages${labels} 0\n`);
  }
  for (const p of project.pipelines) expect(text).toContain(`crossdock_pipeline_ready{pipeline="${p.name}"} 1\n`);
  console.log(`/metrics: ${families.length} families, ${text.length} bytes, scraped in ${ms.toFixed(1)} ms`);
});

it('promtool rejects a broken exposition, so the check above can fail', async () => {
  const text = await scrape();
  const unterminated = text.replace(/^crossdock_nats_connected 1$/m, 'crossdock_nats_connected{state="up} 1');
  expect(unterminated).not.toBe(text);
  expect(checkMetrics(unterminated).code).not.toBe(0);
  // The same family twice, as an unlabelled merge of a supervisor's and a worker's process figures would be.
  const twice = `${text}# HELP process_cpu_seconds_total Again.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1\n`;
  expect(checkMetrics(twice).output).toContain('second HELP line');
  // A gauge named like a counter, the defect the two ATP figures had.
  const misnamed = text.replace('# TYPE crossdock_atp_events_invalid_total counter', '# TYPE crossdock_atp_events_invalid_total gauge');
  expect(checkMetrics(misnamed).output).toContain('non-counter metrics should not have "_total" suffix');
});

it('shows a frozen event loop: after the loop is blocked, p99 delay is over the alert threshold, and the next scrape is clear', async () => {
  const rule = alertRules().find((r) => r.alert === 'CrossdockEventLoopLagHigh');
  const threshold = Number(/nodejs_eventloop_lag_p99_seconds > ([\d.]+)/.exec(rule?.expr ?? '')?.[1]);
  expect(threshold).toBeGreaterThan(0);
  await scrape();
  // What a runaway mapping evaluated inline does to the process: nothing else runs meanwhile.
  const end = performance.now() + threshold * 1000 + 200;
  while (performance.now() < end);
  const frozen = await scrape();
  expect(value(frozen, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(threshold);
  expect(value(frozen, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(threshold);
  await new Promise((r) => setTimeout(r, 300));
  expect(value(await scrape(), 'nodejs_eventloop_lag_p99_seconds')).toBeLessThan(threshold);
});

it('ships alert rules that promtool accepts and that read only documented metrics a runner exports', async () => {
  const check = checkRules(ALERTS);
  expect(check.code, check.output).toBe(0);
  const exported = new Set(familyNames(await scrape()));
  const documented = documentedFamilies();
  const rules = alertRules();
  for (const a of ['CrossdockRunnerDown', 'CrossdockPipelineNotReady', 'CrossdockNatsDisconnected', 'CrossdockEventLoopLagHigh', 'CrossdockConsumerLagGrowing', 'CrossdockDeadLetterRate', 'CrossdockAckPendingStuck']) {
    expect(rules.map((r) => r.alert)).toContain(a);
  }
  for (const r of rules) {
    const names = queriedMetrics(r.expr);
    expect(names.length, r.alert).toBeGreaterThan(0);
    for (const n of names) {
      if (n === 'up') continue; // Prometheus's own, per scrape target
      expect(documented.all, `${r.alert}: ${n}`).toContain(n);
      expect(exported.has(n) || documented.supervisor.has(n), `${r.alert}: ${n} is not exported`).toBe(true);
    }
  }
});

it('ships a Grafana dashboard whose every panel queries metrics a runner exports', async () => {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    title: string;
    uid: string;
    schemaVersion: number;
    templating: { list: { name: string }[] };
    panels: { type: string; title: string; gridPos: { w: number; h: number }; datasource?: { uid: string }; targets?: { expr: string; refId: string }[] }[];
  };
  expect(dash.title).toBeTruthy();
  expect(dash.uid).toMatch(/^[\w-]{1,40}$/);
  expect(dash.schemaVersion).toBeGreaterThanOrEqual(30);
  expect(dash.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['datasource', 'instance']));
  const exported = new Set(familyNames(await scrape()));
  const documented = documentedFamilies();
  const queried = new Set<string>();
  const graphs = dash.panels.filter((p) => p.type !== 'row');
  expect(graphs.length).toBeGreaterThan(10);
  for (const p of graphs) {
    expect(p.gridPos.w * p.gridPos.h, p.title).toBeGreaterThan(0);
    expect(p.datasource?.uid, p.title).toBe('${datasource}');
    expect(p.targets?.length, p.title).toBeGreaterThan(0);
    for (const t of p.targets ?? []) {
      const names = queriedMetrics(t.expr);
      expect(names.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
      for (const n of names) {
        queried.add(n);
        if (n === 'up') continue;
        expect(documented.all, `${p.title}: ${n}`).toContain(n);
        expect(exported.has(n) || documented.supervisor.has(n), `${p.title}: ${n} is not exported`).toBe(true);
      }
    }
  }
  for (const n of ['nodejs_eventloop_lag_p99_seconds', 'crossdock_consumer_pending_messages', 'crossdock_nats_connected', 'crossdock_messages_dead_lettered_total']) expect(queried).toContain(n);
});

it('documents every family the runner exports, and no family that no process exports', async () => {
  const exported = familyNames(await scrape());
  const documented = documentedFamilies();
  for (const n of exported) expect(documented.all, `${n} is exported: add a row for it to the table in docs/operations.md, Runner health`).toContain(n);
  for (const n of documented.all) expect(exported.includes(n) || documented.supervisor.has(n), `${n} is documented but not exported`).toBe(true);
  // The supervisor's families are registered by the supervisor, which this runner (one process) has none of.
  const supervisor = readFileSync(join(REPO, 'runtime/runner/supervisor.ts'), 'utf8');
  for (const n of documented.supervisor) expect(supervisor).toContain(`'${n}'`);
});
