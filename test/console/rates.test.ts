import { describe, expect, it } from 'vitest';
import { metricsTotals, RateSampler, type Rates } from '../../runtime/console/rates.ts';
import { RunnerMetrics } from '../../runtime/observability/metrics.ts';

describe('the rates sampler', () => {
  it('turns counter increases into per-second rates, listing only pipelines that moved', () => {
    const metrics = new RunnerMetrics();
    const a = metrics.forPipeline('a');
    metrics.forPipeline('b');
    let now = 1_000_000;
    const sampler = new RateSampler(metricsTotals(metrics, ['a', 'b']), { intervalMs: 2000, now: () => now });
    sampler.start();
    sampler.stop();
    a.received.inc(10);
    a.published.inc(6);
    a.deadLettered.inc(2);
    a.retried.inc(1);
    now += 2000;
    expect(sampler.sample()).toEqual({ t: now, p: { a: [5, 3, 1, 0.5] } });
    now += 2000;
    expect(sampler.sample()).toEqual({ t: now, p: {} });
  });

  it('keeps the last 15 minutes, oldest first', () => {
    let now = 0;
    let total = 0;
    const sampler = new RateSampler(() => new Map<string, Rates>([['p', [total, 0, 0, 0]]]), { intervalMs: 2000, historyMs: 10_000, now: () => now });
    sampler.start();
    sampler.stop();
    for (let i = 1; i <= 8; i++) {
      total += 2 * i;
      now += 2000;
      sampler.sample();
    }
    const h = sampler.history();
    expect(h).toHaveLength(5);
    expect(h.map((s) => s.t)).toEqual([8000, 10_000, 12_000, 14_000, 16_000]);
    expect(h.map((s) => s.p.p?.[0])).toEqual([4, 5, 6, 7, 8]);
  });

  it('tells its listeners about every sample', () => {
    const seen: number[] = [];
    let now = 0;
    const sampler = new RateSampler(() => new Map(), { now: () => now });
    sampler.onSample((s) => seen.push(s.t));
    now = 5;
    sampler.sample();
    expect(seen).toEqual([5]);
  });
});
