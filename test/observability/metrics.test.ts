import { describe, expect, it } from 'vitest';
import { RunnerMetrics } from '../../runtime/observability/metrics.ts';

describe('metrics', () => {
  it('renders per-pipeline counters and a cumulative latency histogram in Prometheus text format', () => {
    const m = new RunnerMetrics();
    const a = m.forPipeline('orders');
    a.received.inc(3);
    a.published.inc(2);
    a.deadLettered.inc();
    a.processing.observe(0.0004);
    a.processing.observe(0.02);
    a.processing.observe(99);
    const text = m.registry.render();
    expect(text).toContain('# TYPE crossdock_messages_in_total counter');
    expect(text).toContain('crossdock_messages_in_total{pipeline="orders"} 3');
    expect(text).toContain('crossdock_messages_out_total{pipeline="orders"} 2');
    expect(text).toContain('crossdock_messages_dead_lettered_total{pipeline="orders"} 1');
    expect(text).toContain('crossdock_processing_seconds_bucket{pipeline="orders",le="0.0005"} 1');
    expect(text).toContain('crossdock_processing_seconds_bucket{pipeline="orders",le="0.025"} 2');
    expect(text).toContain('crossdock_processing_seconds_bucket{pipeline="orders",le="30"} 2');
    expect(text).toContain('crossdock_processing_seconds_bucket{pipeline="orders",le="+Inf"} 3');
    expect(text).toContain('crossdock_processing_seconds_count{pipeline="orders"} 3');
  });
});
