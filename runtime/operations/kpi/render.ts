/** The KPI report as the text `crossdock kpi` prints: one block per KPI, a row per label. */
import type { KpiReport, KpiRow } from './compute.ts';

/** 0.4 s, 12 s, 4 min 10 s, 3 h 5 min, 2 d 4 h. */
export function formatSeconds(s: number | undefined): string {
  if (s === undefined) return '-';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h`;
}

const percent = (r: number | undefined): string => (r === undefined ? '-' : `${(r * 100).toFixed(1)} %`);

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(head), ...rows.map(line)];
}

export function renderKpis(report: KpiReport): string {
  const out: string[] = [`KPIs from ${report.since} to ${report.until}`];
  for (const k of report.kpis) {
    out.push('', `${k.title} (by ${k.by})`);
    if (k.unavailable) {
      out.push(`  not available here: ${k.unavailable}`);
      continue;
    }
    const rows = k.rows as readonly KpiRow[];
    if (rows.length === 1 && rows[0]?.count === 0 && rows[0].pending === undefined) {
      out.push('  nothing in this window');
      continue;
    }
    if (k.kind === 'duration') {
      out.push(...table([k.by, 'count', 'p50', 'p90', 'p99', 'pending'], rows.map((r) => [r.label, String(r.count), formatSeconds(r.p50), formatSeconds(r.p90), formatSeconds(r.p99), String(r.pending ?? 0)])));
    } else {
      const what = k.id === 'interface-failure-rate' ? 'failed' : k.id === 'duplicate-transaction-rate' ? 'duplicates' : 'on time';
      out.push(...table([k.by, 'count', what, 'share', 'pending'], rows.map((r) => [r.label, String(r.count), String(r.hits ?? 0), percent(r.ratio), String(r.pending ?? 0)])));
    }
  }
  return out.join('\n') + '\n';
}
