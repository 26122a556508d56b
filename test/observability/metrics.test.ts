import { describe, expect, it } from 'vitest';
import { formatValue, MetricsRegistry, RunnerMetrics, SCRAPE_HOOK_MS } from '../../runtime/observability/metrics.ts';

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

describe('registry', () => {
  it('types a figure read at scrape time as a counter, and spells non-finite values as the format wants', () => {
    const r = new MetricsRegistry();
    let published = 4;
    r.counterFrom('x_events_total', 'Events.', () => [[{}, published]]);
    r.gauge('x_ratio', 'Ratio.', () => [[{ k: 'nan' }, NaN], [{ k: 'up' }, Infinity], [{ k: 'down' }, -Infinity]]);
    published = 9;
    const text = r.render();
    expect(text).toContain('# TYPE x_events_total counter\nx_events_total 9\n');
    expect(text).toContain('x_ratio{k="nan"} NaN\nx_ratio{k="up"} +Inf\nx_ratio{k="down"} -Inf');
    expect(formatValue(0.25)).toBe('0.25');
  });

  it('runs the scrape hooks before rendering, and answers without a hook that hangs', async () => {
    const r = new MetricsRegistry();
    let fetched = 0;
    r.gauge('x_fetched', 'Fetched.', () => [[{}, fetched]]);
    r.onScrape(async () => {
      await new Promise((res) => setTimeout(res, 20));
      fetched = 7;
    });
    expect(await r.scrape()).toContain('x_fetched 7');

    const hanging = new MetricsRegistry();
    hanging.gauge('x_up', 'Up.', () => [[{}, 1]]);
    hanging.onScrape(() => new Promise<void>(() => undefined));
    const start = performance.now();
    const text = await hanging.scrape();
    const ms = performance.now() - start;
    expect(text).toContain('x_up 1');
    expect(ms).toBeGreaterThanOrEqual(SCRAPE_HOOK_MS - 50);
    expect(ms).toBeLessThan(SCRAPE_HOOK_MS + 1000);
  });
});
