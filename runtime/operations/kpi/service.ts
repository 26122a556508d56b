/**
 * KPIs on the runner: GET /v1/kpi (viewers) and the `crossdock_kpi_*` gauges, both computed
 * from the operations views by `computeKpis`. The gauges cover the last hour and are worked
 * out at most every 15 s, on scrape, never on the message path.
 */
import type { ServerResponse } from 'node:http';
import type { Access } from '../../http/access.ts';
import { sendJson, type HttpServer } from '../../http/server.ts';
import type { MetricsRegistry, Sample } from '../../observability/metrics.ts';
import { parseDuration, DURATION_PATTERN } from '../../config/durations.ts';
import { computeKpis, ALL, type KpiFacts, type KpiReport, type KpiWindow } from './compute.ts';
import { KPIS } from './definitions.ts';

/** The facts for a window; views may hand over more than the window. */
export type KpiFactsSource = (window: KpiWindow) => KpiFacts;

/** The window the gauges cover. */
export const METRICS_WINDOW_MS = 3_600_000;
const METRICS_REFRESH_MS = 15_000;
/** Label values per KPI in the gauges (the busiest): a partner flood must not flood Prometheus. */
export const MAX_LABEL_VALUES = 50;

export class KpiService {
  private readonly facts: KpiFactsSource;
  private readonly now: () => number;
  private cached: { at: number; report: KpiReport } | undefined;

  constructor(facts: KpiFactsSource, now: () => number = Date.now) {
    this.facts = facts;
    this.now = now;
  }

  report(window: KpiWindow): KpiReport {
    return computeKpis(this.facts(window), window);
  }

  /** The last hour's report, at most METRICS_REFRESH_MS old. */
  recent(): KpiReport {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= METRICS_REFRESH_MS) this.cached = { at: now, report: this.report({ since: now - METRICS_WINDOW_MS, until: now }) };
    return this.cached.report;
  }

  registerMetrics(registry: MetricsRegistry): void {
    for (const k of KPIS) {
      const read = (): readonly Sample[] => {
        const result = this.recent().kpis.find((r) => r.id === k.id);
        if (!result || result.unavailable) return [];
        const rows = result.rows.filter((r) => r.count > 0);
        const busiest = [rows.find((r) => r.label === ALL), ...rows.filter((r) => r.label !== ALL).sort((a, b) => b.count - a.count).slice(0, MAX_LABEL_VALUES)];
        const out: Sample[] = [];
        for (const r of busiest) {
          if (!r) continue;
          const labels = r.label === ALL ? {} : { [k.by]: r.label };
          if (k.kind === 'ratio') {
            if (r.ratio !== undefined) out.push([labels, r.ratio]);
          } else {
            // Not `quantile`: that label belongs to summaries, and these gauges are not one (no _sum, no _count).
            for (const [q, v] of [['50', r.p50], ['90', r.p90], ['99', r.p99]] as const) if (v !== undefined) out.push([{ ...labels, percentile: q }, v]);
          }
        }
        return out;
      };
      const unit = k.kind === 'ratio' ? 'a ratio, 0 to 1' : 'seconds, by percentile 50, 90, 99';
      registry.gauge(k.metric, `KPI ${k.title} over the last hour (${unit}; no label: every ${k.by}). See docs/operations.md, KPIs.`, read);
    }
  }

  registerRoutes(http: HttpServer, access: Access): void {
    http.route('GET', '/v1/kpi', (req, res) => {
      if (!access.require(req, res, 'viewer')) return;
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const window = parseWindow(query.get('since') ?? undefined, query.get('until') ?? undefined, this.now());
      if ('field' in window) return bad(res, window.field, window.error);
      sendJson(res, 200, this.report(window));
    });
  }
}

function bad(res: ServerResponse, field: string, error: string): void {
  sendJson(res, 400, { error, field });
}

/**
 * `since` and `until`: an ISO time, or a duration back from now (`24h`, `7d`). Defaults: the
 * last 24 hours, up to now.
 */
export function parseWindow(since: string | undefined, until: string | undefined, now: number): KpiWindow | { field: string; error: string } {
  const read = (text: string | undefined, field: 'since' | 'until', fallback: number): number | { field: string; error: string } => {
    if (text === undefined || text === '') return fallback;
    if (new RegExp(DURATION_PATTERN).test(text)) return now - parseDuration(text);
    const t = Date.parse(text);
    if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(text)) return { field, error: `${field}: expected an ISO time (2026-12-01T08:00:00Z) or a duration back from now (24h, 7d), not '${text.slice(0, 40)}'` };
    return t;
  };
  const s = read(since, 'since', now - 86_400_000);
  if (typeof s !== 'number') return s;
  const u = read(until, 'until', now);
  if (typeof u !== 'number') return u;
  if (u <= s) return { field: 'until', error: 'until must be after since' };
  return { since: s, until: u };
}
