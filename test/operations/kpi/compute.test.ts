import { describe, expect, it } from 'vitest';
import { computeKpis, percentile, type KpiFacts, type KpiResult } from '../../../runtime/operations/kpi/compute.ts';
import { KPIS } from '../../../runtime/operations/kpi/definitions.ts';
import { renderKpis } from '../../../runtime/operations/kpi/render.ts';

const T = Date.parse('2026-12-01T00:00:00Z');
const min = 60_000;
const window = { since: T, until: T + 60 * min };
const none: KpiFacts = { expectations: [], hops: [], exceptions: [], partners: [], inventoryDelays: [] };
const kpi = (facts: Partial<KpiFacts>, id: string): KpiResult => computeKpis({ ...none, ...facts }, window).kpis.find((k) => k.id === id) as KpiResult;

describe('KPIs over a window', () => {
  it('report every defined KPI, in the order defined', () => {
    expect(computeKpis(none, window).kpis.map((k) => k.id)).toEqual(KPIS.map((k) => k.id));
  });

  it('order processing latency: posted in the window, by channel, the rest pending', () => {
    const k = kpi(
      {
        expectations: [
          { name: 'order-acceptance', whenAt: T + 1 * min, expectAt: T + 3 * min, deadline: T + 16 * min, labels: { channel: 'shopify' } },
          { name: 'order-acceptance', whenAt: T + 2 * min, expectAt: T + 22 * min, deadline: T + 17 * min, labels: { channel: 'shopify' } }, // late, still posted
          { name: 'order-acceptance', whenAt: T + 5 * min, expectAt: T + 6 * min, deadline: T + 20 * min, labels: { channel: 'b2b-portal' } },
          { name: 'order-acceptance', whenAt: T - 10 * min, expectAt: T - 1 * min, deadline: T + 5 * min, labels: { channel: 'shopify' } }, // posted before the window
          { name: 'order-acceptance', whenAt: T + 50 * min, deadline: T + 65 * min, labels: { channel: 'shopify' } }, // not posted yet
          { name: 'pick-release', whenAt: T, expectAt: T + min, deadline: T + 60 * min, labels: { channel: 'shopify' } }, // another expectation
        ],
      },
      'order-processing-latency',
    );
    expect(k.rows).toEqual([
      { label: 'all', count: 3, p50: 120, p90: 1200, p99: 1200, pending: 1 },
      { label: 'b2b-portal', count: 1, p50: 60, p90: 60, p99: 60 },
      { label: 'shopify', count: 2, p50: 120, p90: 1200, p99: 1200, pending: 1 },
    ]);
  });

  it('supplier acknowledgment SLA: decided in the window (855 by the deadline, or the deadline passed)', () => {
    const k = kpi(
      {
        expectations: [
          { name: 'supplier-response', whenAt: T - 100 * min, expectAt: T + 10 * min, deadline: T + 20 * min, labels: { partner: 'widgets' } }, // on time
          { name: 'supplier-response', whenAt: T - 100 * min, deadline: T + 30 * min, labels: { partner: 'widgets' } }, // deadline passed in window
          { name: 'supplier-response', whenAt: T - 100 * min, expectAt: T + 40 * min, deadline: T + 30 * min, labels: { partner: 'acme' } }, // late 855: decided at the deadline
          { name: 'supplier-response', whenAt: T + 10 * min, deadline: T + 100 * min, labels: { partner: 'acme' } }, // still open
          { name: 'supplier-response', expectAt: T + 10 * min, labels: { partner: 'acme' } }, // an 855 for no PO we saw
        ],
      },
      'supplier-ack-sla',
    );
    expect(k.rows).toEqual([
      { label: 'all', count: 3, hits: 1, ratio: 1 / 3, pending: 1 },
      { label: 'acme', count: 1, hits: 0, ratio: 0, pending: 1 },
      { label: 'widgets', count: 2, hits: 1, ratio: 0.5 },
    ]);
  });

  it('interface failure rate counts each source message once; duplicates are a share of deliveries', () => {
    const facts: Partial<KpiFacts> = {
      hops: [
        { time: T + 1, outcome: 'delivered', pipeline: 'orders', source: 'CHANNELS:1' },
        { time: T + 2, outcome: 'exception', pipeline: 'orders', source: 'CHANNELS:1' }, // same message, second output
        { time: T + 3, outcome: 'dead-lettered', pipeline: 'orders', source: 'CHANNELS:2' },
        { time: T + 4, outcome: 'duplicate', pipeline: 'orders', source: 'CHANNELS:3' },
        { time: T + 5, outcome: 'delivered', pipeline: 'acks', source: 'EDI:9' },
        { time: T + 6, outcome: 'delivered', source: 'outside' }, // not a pipeline's
        { time: T + 7, outcome: 'dead-lettered', pipeline: 'webhooks', stream: 'DLQ', seq: 4 }, // failed at the edge: no source
        { time: T + 8, outcome: 'dead-lettered', pipeline: 'webhooks', stream: 'DLQ', seq: 5 },
        { time: T - 5, outcome: 'dead-lettered', pipeline: 'acks', source: 'EDI:1' }, // before the window
      ],
    };
    expect(kpi(facts, 'interface-failure-rate').rows).toEqual([
      { label: 'all', count: 6, hits: 3, ratio: 0.5 },
      { label: 'acks', count: 1, hits: 0, ratio: 0 },
      { label: 'orders', count: 3, hits: 1, ratio: 1 / 3 },
      { label: 'webhooks', count: 2, hits: 2, ratio: 1 },
    ]);
    expect(kpi(facts, 'duplicate-transaction-rate').rows).toEqual([
      { label: 'all', count: 3, hits: 1, ratio: 1 / 3 },
      { label: 'acks', count: 1, hits: 0, ratio: 0 },
      { label: 'orders', count: 2, hits: 1, ratio: 0.5 },
    ]);
  });

  it('exception resolution time and partner onboarding count what finished in the window and what waits', () => {
    const k = kpi(
      {
        exceptions: [
          { type: 'late-ack', raisedAt: T, resolvedAt: T + 30 * min },
          { type: 'late-ack', raisedAt: T - 60 * min, resolvedAt: T + 10 * min },
          { type: 'shortage', raisedAt: T + 5 * min },
        ],
      },
      'exception-resolution-time',
    );
    expect(k.rows).toEqual([
      { label: 'all', count: 2, p50: 1800, p90: 4200, p99: 4200, pending: 1 },
      { label: 'late-ack', count: 2, p50: 1800, p90: 4200, p99: 4200 },
      { label: 'shortage', count: 0, pending: 1 },
    ]);
    const p = kpi({ partners: [{ partner: 'acme', firstSeen: T - 120 * min, firstSuccess: T + 15 * min }, { partner: 'newco', firstSeen: T + 1 }] }, 'partner-onboarding-duration');
    expect(p.rows).toEqual([
      { label: 'all', count: 1, p50: 8100, p90: 8100, p99: 8100, pending: 1 },
      { label: 'acme', count: 1, p50: 8100, p90: 8100, p99: 8100 },
      { label: 'newco', count: 0, pending: 1 },
    ]);
  });

  it('percentiles are nearest rank', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([5], 1)).toBe(5);
  });

  it('render a KPI this runner cannot compute as such, and an empty one as empty', () => {
    const text = renderKpis(computeKpis({ ...none, unavailable: new Map([['inventory-sync-delay', 'no availability policy']]) }, window));
    expect(text).toContain('Inventory synchronization delay (by warehouse)\n  not available here: no availability policy');
    expect(text).toContain('Order processing latency (by channel)\n  nothing in this window');
  });
});
