import { describe, expect, it } from 'vitest';
import { SyncDelays } from '../../../runtime/operations/kpi/sync-delays.ts';
import { computeKpis } from '../../../runtime/operations/kpi/compute.ts';

const T = Date.parse('2026-12-01T10:00:00Z');

describe('inventory sync delays', () => {
  it('ignore the catch-up at start, then bucket delays per warehouse within a bucket’s width', () => {
    let now = T;
    const d = new SyncDelays(() => now);
    d.record([{ location: 'DC-EAST', storedAt: T - 3_600_000 }]); // rebuilding: not a delay
    expect(d.samples()).toEqual([]);
    d.caughtUp();
    for (let i = 0; i < 99; i++) d.record([{ location: 'DC-EAST', storedAt: now - 5 }]);
    d.record([{ location: 'DC-EAST', storedAt: now - 900 }, { location: 'DC-WEST', storedAt: now - 40 }]);
    const report = computeKpis({ expectations: [], hops: [], exceptions: [], partners: [], inventoryDelays: d.samples() }, { since: T, until: T + 60_000 });
    const rows = report.kpis.find((k) => k.id === 'inventory-sync-delay')?.rows ?? [];
    const east = rows.find((r) => r.label === 'DC-EAST');
    expect(east?.count).toBe(100);
    // Upper bounds of log buckets: within 1/8 of a decade above the true delay.
    expect(east?.p50).toBeGreaterThanOrEqual(0.005);
    expect(east?.p50).toBeLessThan(0.005 * 1.34);
    expect(east?.p99).toBeGreaterThanOrEqual(0.005);
    expect(rows.find((r) => r.label === 'all')?.p99).toBeLessThan(0.9 * 1.34);
    expect(rows.find((r) => r.label === 'DC-WEST')?.count).toBe(1);
    now += 25 * 3_600_000;
    d.record([{ location: 'DC-EAST', storedAt: now - 1 }]);
    // A day later the first minute is gone: memory does not grow with history.
    expect(d.samples().every((s) => s.at > T)).toBe(true);
  });
});
