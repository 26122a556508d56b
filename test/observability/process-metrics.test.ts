import { afterAll, expect, it } from 'vitest';
import { openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { MetricsRegistry } from '../../runtime/observability/metrics.ts';
import { registerProcessMetrics } from '../../runtime/observability/process-metrics.ts';
import { checkMetrics, familyNames } from '../support/promtool.ts';

const registry = new MetricsRegistry();
const processMetrics = registerProcessMetrics(registry);
afterAll(() => processMetrics.stop());

/** The value of an unlabelled sample (or the first sample carrying `labels`). */
function value(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{` : `${name} `) && l.includes(labels));
  if (!line) throw new Error(`no sample ${name}${labels}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Burns `seconds` of this process's CPU time (wall time varies on a shared machine). */
function burnCpu(seconds: number): void {
  const start = process.cpuUsage();
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1e6 >= seconds) return;
  }
}

const handles = (text: string, type: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`nodejs_active_handles{type="${type}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("exports prom-client's default families under its names, valid and lint-clean for promtool", async () => {
  const text = await registry.scrape();
  expect(checkMetrics(text)).toEqual({ code: 0, output: '' });
  const families = familyNames(text);
  for (const name of [
    'process_cpu_user_seconds_total', 'process_cpu_system_seconds_total', 'process_cpu_seconds_total', 'process_start_time_seconds',
    'process_resident_memory_bytes', 'process_open_fds', 'process_max_fds',
    'nodejs_heap_size_total_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_external_memory_bytes',
    'nodejs_heap_space_size_total_bytes', 'nodejs_heap_space_size_used_bytes', 'nodejs_heap_space_size_available_bytes', 'nodejs_version_info',
    'nodejs_active_handles', 'nodejs_active_requests', 'nodejs_active_resources',
    'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_min_seconds', 'nodejs_eventloop_lag_max_seconds', 'nodejs_eventloop_lag_mean_seconds',
    'nodejs_eventloop_lag_stddev_seconds', 'nodejs_eventloop_lag_p50_seconds', 'nodejs_eventloop_lag_p90_seconds', 'nodejs_eventloop_lag_p99_seconds',
    'nodejs_eventloop_utilization', 'nodejs_gc_duration_seconds',
  ]) expect(families).toContain(name);
  expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
  expect(value(text, 'process_start_time_seconds')).toBeCloseTo(Date.now() / 1000 - process.uptime(), 0);
  expect(value(text, 'nodejs_version_info', `version="${process.version}"`)).toBe(1);
});

it('counts CPU time, open descriptors and GC pauses as they happen', async () => {
  const before = await registry.scrape();
  burnCpu(0.1);
  const fd = openSync(new URL(import.meta.url), 'r');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // Short-lived garbage: the young generation fills and V8 runs minor collections.
  let keep = 0;
  for (let i = 0; i < 2_000_000; i++) keep += [i, i + 1].length;
  expect(keep).toBeGreaterThan(0);
  await sleep(50);
  const after = await registry.scrape();
  closeSync(fd);
  await new Promise((r) => server.close(r));
  expect(value(after, 'process_cpu_seconds_total') - value(before, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(0.1);
  expect(value(after, 'process_cpu_seconds_total')).toBeCloseTo(value(after, 'process_cpu_user_seconds_total') + value(after, 'process_cpu_system_seconds_total'), 3);
  expect(value(after, 'process_open_fds')).toBeGreaterThan(value(before, 'process_open_fds'));
  expect(value(after, 'nodejs_gc_duration_seconds_count', 'kind="minor"')).toBeGreaterThan(value(before, 'nodejs_gc_duration_seconds_count', 'kind="minor"'));
  expect(handles(after, 'Server')).toBe(handles(before, 'Server') + 1);
});

it('reports event-loop delay and utilisation for the time since the previous scrape', async () => {
  await registry.scrape();
  await sleep(300);
  const idle = await registry.scrape();
  // An idle loop: the 10 ms sampler fires about on time (a loaded machine adds milliseconds).
  expect(value(idle, 'nodejs_eventloop_lag_p50_seconds')).toBeLessThan(0.05);
  expect(value(idle, 'nodejs_eventloop_lag_p99_seconds')).toBeLessThan(0.2);
  expect(value(idle, 'nodejs_eventloop_utilization')).toBeLessThan(0.5);
  // Blocked right after a scrape: the window's first tick is the late one, and it counts.
  spin(400);
  await sleep(15);
  const busy = await registry.scrape();
  expect(value(busy, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0.38);
  expect(value(busy, 'nodejs_eventloop_utilization')).toBeGreaterThan(0.5);
  // The next window starts clean.
  await sleep(100);
  expect(value(await registry.scrape(), 'nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.2);
});
