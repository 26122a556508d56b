import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { HttpServer } from '../../../runtime/http/server.ts';
import { Access, parseApiKeys } from '../../../runtime/http/access.ts';
import { MetricsRegistry } from '../../../runtime/observability/metrics.ts';
import { KpiService, MAX_LABEL_VALUES, parseWindow } from '../../../runtime/operations/kpi/service.ts';
import type { KpiFacts, KpiReport, KpiWindow } from '../../../runtime/operations/kpi/compute.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const min = 60_000;
const windows: KpiWindow[] = [];
const facts = (w: KpiWindow): KpiFacts => {
  windows.push(w);
  return {
    expectations: [
      { name: 'supplier-response', whenAt: NOW - 200 * min, expectAt: NOW - 30 * min, deadline: NOW - 10 * min, labels: { partner: 'widgets' } },
      { name: 'supplier-response', whenAt: NOW - 200 * min, deadline: NOW - 20 * min, labels: { partner: 'acme' } },
      { name: 'order-acceptance', whenAt: NOW - 12 * min, expectAt: NOW - 10 * min, deadline: NOW + 3 * min, labels: { channel: 'shopify' } },
    ],
    // More pipelines than the gauges keep: only the busiest reach Prometheus.
    hops: Array.from({ length: MAX_LABEL_VALUES + 5 }, (_, i) => Array.from({ length: i + 1 }, (_, j) => ({ time: NOW - min, outcome: 'delivered' as const, pipeline: `p${String(i).padStart(2, '0')}`, source: `S:${i}:${j}` }))).flat(),
    exceptions: [],
    partners: [],
    inventoryDelays: [],
    unavailable: new Map([['inventory-sync-delay', 'no availability policy']]),
  };
};

const http = new HttpServer(pino({ level: 'silent' }));
const service = new KpiService(facts, () => NOW);
let base = '';
beforeAll(async () => {
  service.registerRoutes(http, new Access(parseApiKeys('viewer:grafana:view-key')));
  base = `http://127.0.0.1:${(await http.listen('127.0.0.1', 0)).port}`;
});
afterAll(() => http.close());

describe('KPI service', () => {
  it('GET /v1/kpi: the report over the asked window, for a viewer', async () => {
    const r = await fetch(`${base}/v1/kpi?since=6h`, { headers: { 'x-api-key': 'view-key' } });
    expect(r.status).toBe(200);
    const report = (await r.json()) as KpiReport;
    expect(report.since).toBe(new Date(NOW - 6 * 60 * min).toISOString());
    expect(report.until).toBe(new Date(NOW).toISOString());
    expect(report.kpis.find((k) => k.id === 'supplier-ack-sla')?.rows[0]).toEqual({ label: 'all', count: 2, hits: 1, ratio: 0.5 });
    expect(report.kpis.find((k) => k.id === 'inventory-sync-delay')?.unavailable).toBe('no availability policy');
  });

  it('refuses no key (401) and bad windows (400 naming the field)', async () => {
    expect((await fetch(`${base}/v1/kpi`)).status).toBe(401);
    const bad = await fetch(`${base}/v1/kpi?since=yesterday`, { headers: { 'x-api-key': 'view-key' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'since' });
    const backwards = await fetch(`${base}/v1/kpi?since=2026-12-01T10:00:00Z&until=2026-12-01T09:00:00Z`, { headers: { 'x-api-key': 'view-key' } });
    expect(await backwards.json()).toMatchObject({ field: 'until' });
  });

  it('gauges: the last hour, ratios and quantiles, busiest labels only', async () => {
    const registry = new MetricsRegistry();
    service.registerMetrics(registry);
    const text = await registry.scrape();
    expect(text).toContain('crossdock_kpi_order_processing_seconds{percentile="50"} 120');
    expect(text).toContain('crossdock_kpi_order_processing_seconds{channel="shopify",percentile="99"} 120');
    // Both supplier decisions fell in the last hour (an 855 30 min ago, a deadline 20 min ago).
    expect(text).toMatch(/^crossdock_kpi_supplier_ack_on_time_ratio 0.5$/m);
    expect(text).toMatch(/^crossdock_kpi_supplier_ack_on_time_ratio\{partner="acme"\} 0$/m);
    // Nothing was resolved: no sample rather than a made-up zero.
    expect(text).not.toMatch(/^crossdock_kpi_exception_resolution_seconds/m);
    const pipelines = [...text.matchAll(/^crossdock_kpi_interface_failure_ratio\{pipeline="(p\d+)"\} 0$/gm)].map((m) => m[1]);
    expect(pipelines).toHaveLength(MAX_LABEL_VALUES);
    expect(pipelines).not.toContain('p00');
    expect(text).toMatch(/^crossdock_kpi_interface_failure_ratio 0$/m);
    expect(windows.at(-1)).toEqual({ since: NOW - 60 * min, until: NOW });
  });

  it('reads windows as durations back from now or ISO times', () => {
    expect(parseWindow('7d', undefined, NOW)).toEqual({ since: NOW - 7 * 24 * 60 * min, until: NOW });
    expect(parseWindow('2026-12-01T08:00:00Z', '2026-12-01T09:00:00Z', NOW)).toEqual({ since: Date.parse('2026-12-01T08:00:00Z'), until: Date.parse('2026-12-01T09:00:00Z') });
    expect(parseWindow(undefined, undefined, NOW)).toEqual({ since: NOW - 24 * 60 * min, until: NOW });
  });
});
