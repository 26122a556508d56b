/**
 * The process and runtime metrics every Node service exports, under prom-client's default
 * names, without the dependency: CPU, memory, heap, file descriptors, event-loop delay and
 * utilisation, GC pauses, active handles. Nothing here runs per message: the figures are read
 * when /metrics is scraped, the event-loop delay by one unref'd 10 ms timer, GC pauses by a
 * PerformanceObserver that fires once per collection.
 *
 * Departures from prom-client, each on purpose:
 * - the event-loop delay figures are how late a timer fired (an idle loop reads near 0), where
 *   prom-client's include the sampling period (an idle loop reads about 0.01).
 * - `nodejs_eventloop_utilization` (prom-client has none): the fraction of the time since the
 *   previous scrape that the loop was busy.
 * - prom-client's `nodejs_active_handles_total` and friends are gauges named like counters,
 *   which the Prometheus conventions (and `promtool check metrics`) reject; `sum(nodejs_active_handles)`
 *   gives the same figure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { constants, createHistogram, performance, PerformanceObserver, type EventLoopUtilization, type RecordableHistogram } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { MetricsRegistry, Sample } from './metrics.ts';

/** prom-client's GC buckets, in seconds: a minor GC takes well under a millisecond, a major one tens. */
export const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];

/** The event-loop sampler's period: fine enough to see a 20 ms stall, at 100 cheap ticks a second. */
const LOOP_RESOLUTION_MS = 10;

const GC_KINDS = new Map<number, string>([
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

interface LoopWindow {
  min: number;
  max: number;
  mean: number;
  stddev: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface ProcessMetrics {
  /** Stops the event-loop sampler and the GC observer (a stopped runner keeps no hook). */
  stop(): void;
}

const NS = 1e9;

/** Registers the process families on `registry`; call once per process. */
export function registerProcessMetrics(registry: MetricsRegistry): ProcessMetrics {
  const startTime = Date.now() / 1000 - process.uptime();

  // One reading per scrape, so the total is exactly user + system.
  let cpu = process.cpuUsage();
  registry.onScrape(() => void (cpu = process.cpuUsage()));
  registry.counterFrom('process_cpu_user_seconds_total', 'User CPU time spent by the process, in seconds.', () => [[{}, cpu.user / 1e6]]);
  registry.counterFrom('process_cpu_system_seconds_total', 'System CPU time spent by the process, in seconds.', () => [[{}, cpu.system / 1e6]]);
  registry.counterFrom('process_cpu_seconds_total', 'User and system CPU time spent by the process, in seconds.', () => [[{}, (cpu.user + cpu.system) / 1e6]]);
  registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', () => [[{}, startTime]]);
  registry.gauge('process_resident_memory_bytes', 'Resident memory size of the process, in bytes.', () => [[{}, process.memoryUsage.rss()]]);
  if (process.platform === 'linux') {
    const maxFds = readMaxFds();
    registry.gauge('process_open_fds', 'Open file descriptors of the process.', () => openFds());
    if (maxFds !== undefined) registry.gauge('process_max_fds', 'Limit on open file descriptors of the process.', () => [[{}, maxFds]]);
  }

  registry.gauge('nodejs_heap_size_total_bytes', 'V8 heap size, in bytes.', () => [[{}, process.memoryUsage().heapTotal]]);
  registry.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', () => [[{}, process.memoryUsage().heapUsed]]);
  registry.gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects (buffers, LMDB values), in bytes.', () => [[{}, process.memoryUsage().external]]);
  const spaces = (pick: (s: ReturnType<typeof getHeapSpaceStatistics>[number]) => number) => (): Sample[] =>
    getHeapSpaceStatistics().map((s) => [{ space: s.space_name.replace(/_space$/, '') }, pick(s)]);
  registry.gauge('nodejs_heap_space_size_total_bytes', 'V8 heap space size, by space, in bytes.', spaces((s) => s.space_size));
  registry.gauge('nodejs_heap_space_size_used_bytes', 'V8 heap space in use, by space, in bytes.', spaces((s) => s.space_used_size));
  registry.gauge('nodejs_heap_space_size_available_bytes', 'V8 heap space available, by space, in bytes.', spaces((s) => s.space_available_size));
  const [major, minor, patch] = process.versions.node.split('.');
  registry.gauge('nodejs_version_info', 'Node.js version, in labels (value 1).', () => [[{ version: process.version, major: major ?? '', minor: minor ?? '', patch: patch ?? '' }, 1]]);

  registry.gauge('nodejs_active_handles', 'Active libuv handles (sockets, servers, child processes), by type.', () => byType(activeHandles()));
  registry.gauge('nodejs_active_requests', 'Active libuv requests (file system, DNS), by type.', () => byType(activeRequests()));
  registry.gauge('nodejs_active_resources', 'Resources keeping the event loop alive, timers included, by type.', () => byType(process.getActiveResourcesInfo()));

  const loop = eventLoop(registry);
  const gc = gcObserver(registry);
  return {
    stop() {
      loop.stop();
      gc?.disconnect();
    },
  };
}

/**
 * Event-loop delay for the time since the previous scrape: a 10 ms unref'd timer records how
 * late it fires into a histogram that each scrape reads and resets, so a stall shows in the
 * next scrape after it. Not Node's monitorEventLoopDelay: its reset() forgets when it last
 * fired, so the first interval after a reset is never recorded, and a freeze that starts right
 * after a scrape (as one that blocks a busy runner does) went unseen. One timer callback per
 * 10 ms, whatever the message rate. `nodejs_eventloop_lag_seconds` is the delay of one
 * setImmediate at scrape time, as in prom-client.
 */
function eventLoop(registry: MetricsRegistry): { stop(): void } {
  const h: RecordableHistogram = createHistogram();
  const resolutionNs = BigInt(LOOP_RESOLUTION_MS * 1e6);
  let last = process.hrtime.bigint();
  const timer = setInterval(() => {
    const now = process.hrtime.bigint();
    const late = now - last - resolutionNs;
    last = now;
    // The histogram takes integers of at least 1: an early or punctual tick counts as 1 ns.
    h.record(late > 0n ? late : 1n);
  }, LOOP_RESOLUTION_MS);
  timer.unref();
  let window: LoopWindow = { min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 };
  let lag = 0;
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let utilization = 0;
  registry.onScrape(async () => {
    // No tick since the last scrape (two scrapes within 10 ms): the last window stands.
    if (h.count > 0) {
      window = { min: h.min / NS, max: h.max / NS, mean: h.mean / NS, stddev: h.stddev / NS, p50: h.percentile(50) / NS, p90: h.percentile(90) / NS, p99: h.percentile(99) / NS };
      h.reset();
    }
    const now = performance.eventLoopUtilization();
    utilization = performance.eventLoopUtilization(now, elu).utilization;
    elu = now;
    const start = process.hrtime.bigint();
    await new Promise<void>((r) => setImmediate(r));
    lag = Number(process.hrtime.bigint() - start) / NS;
  });
  registry.gauge('nodejs_eventloop_lag_seconds', 'Delay of a setImmediate callback at scrape time, in seconds.', () => [[{}, lag]]);
  const stat = (key: keyof LoopWindow, what: string) =>
    registry.gauge(`nodejs_eventloop_lag_${key}_seconds`, `${what} event-loop delay since the previous scrape, in seconds (how late a ${LOOP_RESOLUTION_MS} ms timer fired; an idle loop reads under 0.002).`, () => [[{}, window[key]]]);
  stat('min', 'Smallest');
  stat('max', 'Largest');
  stat('mean', 'Mean');
  stat('stddev', 'Standard deviation of the');
  stat('p50', 'Median');
  stat('p90', '90th percentile');
  stat('p99', '99th percentile');
  registry.gauge('nodejs_eventloop_utilization', 'Fraction of the time since the previous scrape that the event loop was busy (0 to 1).', () => [[{}, utilization]]);
  return { stop: () => clearInterval(timer) };
}

function gcObserver(registry: MetricsRegistry): PerformanceObserver | undefined {
  const duration = registry.histogram('nodejs_gc_duration_seconds', 'Garbage collection pauses, by kind, in seconds.', GC_BUCKETS);
  const kinds = new Map([...GC_KINDS.values()].map((k) => [k, duration.labels({ kind: k })]));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node 16+ puts the kind in `detail`; the entry type does not declare it.
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      const child = kind === undefined ? undefined : kinds.get(GC_KINDS.get(kind) ?? '');
      child?.observe(entry.duration / 1000);
    }
  });
  try {
    observer.observe({ entryTypes: ['gc'] });
    return observer;
  } catch {
    // A runtime without GC entries still exports the family, empty.
    return undefined;
  }
}

function byType(types: readonly string[]): Sample[] {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([type, n]) => [{ type }, n]);
}

/**
 * Node's handle and request lists are undocumented but stable (prom-client reads them too);
 * where they are missing the families stay empty rather than guess.
 */
interface ProcessInternals {
  _getActiveHandles?: () => readonly unknown[];
  _getActiveRequests?: () => readonly unknown[];
}

function typeName(o: unknown): string {
  return (o as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'unknown';
}

function activeHandles(): string[] {
  return ((process as ProcessInternals)._getActiveHandles?.() ?? []).map(typeName);
}

function activeRequests(): string[] {
  return ((process as ProcessInternals)._getActiveRequests?.() ?? []).map(typeName);
}

function openFds(): Sample[] {
  try {
    // The directory listing itself holds one descriptor while it is read.
    return [[{}, readdirSync('/proc/self/fd').length - 1]];
  } catch {
    return [];
  }
}

function readMaxFds(): number | undefined {
  try {
    const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
