import { expect, it } from 'vitest';
import { MetricsRegistry } from '../../runtime/observability/metrics.ts';
import { labelSample, mergeWorkerMetrics } from '../../runtime/runner/metrics-merge.ts';
import { registerProcessMetrics } from '../../runtime/observability/process-metrics.ts';
import { checkMetrics } from '../support/promtool.ts';

function workerText(received: number, seconds: number): string {
  const r = new MetricsRegistry();
  r.counter('crossdock_messages_in_total', 'Messages received.').labels({ pipeline: 'p' }).inc(received);
  r.histogram('crossdock_processing_seconds', 'Time.', [0.1, 1]).labels({ pipeline: 'p' }).observe(seconds);
  r.gauge('crossdock_atp_last_seq', 'Seq.', () => [[{}, 7]]);
  return r.render();
}

it('labels every sample with its worker, one header per family', () => {
  const text = mergeWorkerMetrics([{ worker: 0, text: workerText(3, 0.05) }, { worker: 1, text: workerText(5, 0.5) }], '# HELP crossdock_workers W.\n# TYPE crossdock_workers gauge\ncrossdock_workers 2\n');
  const lines = text.trimEnd().split('\n');
  expect(lines.filter((l) => l === '# TYPE crossdock_messages_in_total counter')).toHaveLength(1);
  expect(lines).toContain('crossdock_messages_in_total{worker="0",pipeline="p"} 3');
  expect(lines).toContain('crossdock_messages_in_total{worker="1",pipeline="p"} 5');
  expect(lines).toContain('crossdock_processing_seconds_bucket{worker="1",pipeline="p",le="1"} 1');
  expect(lines).toContain('crossdock_processing_seconds_count{worker="0",pipeline="p"} 1');
  expect(lines).toContain('crossdock_atp_last_seq{worker="1"} 7');
  expect(lines.at(-1)).toBe('crossdock_workers 2');
  // Samples follow their own family's header, worker by worker.
  const type = lines.indexOf('# TYPE crossdock_processing_seconds histogram');
  expect(lines.slice(type + 1, type + 5).every((l) => l.startsWith('crossdock_processing_seconds') && l.includes('worker="0"'))).toBe(true);
  expect(lines.indexOf('# TYPE crossdock_atp_last_seq gauge')).toBeGreaterThan(lines.lastIndexOf('crossdock_processing_seconds_count{worker="1",pipeline="p"} 1'));
});

it('adds the label to samples with and without labels', () => {
  expect(labelSample('a_total 1', 3)).toBe('a_total{worker="3"} 1');
  expect(labelSample('a_total{} 1', 3)).toBe('a_total{worker="3"} 1');
  expect(labelSample('a_total{x="{y} z"} 1', 3)).toBe('a_total{worker="3",x="{y} z"} 1');
});

it("keeps each process's own figures apart: the supervisor's process families merge as worker=\"supervisor\", valid for promtool", async () => {
  const processes = [0, 1, 'supervisor'].map(() => new MetricsRegistry());
  const stops = processes.map((r) => registerProcessMetrics(r));
  try {
    const [w0, w1, sup] = await Promise.all(processes.map((r) => r.scrape()));
    const own = '# HELP crossdock_workers W.\n# TYPE crossdock_workers gauge\ncrossdock_workers 2\n';
    const text = mergeWorkerMetrics([{ worker: 0, text: w0 as string }, { worker: 1, text: w1 as string }, { worker: 'supervisor', text: sup as string }], own);
    expect(checkMetrics(text)).toEqual({ code: 0, output: '' });
    const rss = text.split('\n').filter((l) => l.startsWith('process_resident_memory_bytes'));
    expect(rss.map((l) => /worker="([^"]+)"/.exec(l)?.[1])).toEqual(['0', '1', 'supervisor']);
    expect(text.split('\n').filter((l) => l === '# TYPE process_resident_memory_bytes gauge')).toHaveLength(1);
    // Appended unlabelled, the supervisor's figures would repeat the family: promtool says so.
    expect(checkMetrics(mergeWorkerMetrics([{ worker: 0, text: w0 as string }], sup)).code).not.toBe(0);
  } finally {
    for (const s of stops) s.stop();
  }
});
