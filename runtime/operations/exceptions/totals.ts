/**
 * Running totals the fold keeps beside the items, so metrics never count over history: how
 * many items are open or acknowledged per type and partner, and how long resolutions took per
 * type, as histogram buckets. Stored with the items (every runner reports the same figures,
 * and a restart does not reset them).
 */
import type { ExceptionState, WorkItem } from './model.ts';

/** Seconds: a minute to a week, the range business exceptions take to resolve. */
export const RESOLUTION_BUCKETS: readonly number[] = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800];

export interface ResolutionStats {
  /** Per bucket (not cumulative); the last cell counts those above the largest bucket. */
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

export function addResolution(before: ResolutionStats | undefined, seconds: number): ResolutionStats {
  const counts = before ? [...before.counts] : new Array<number>(RESOLUTION_BUCKETS.length + 1).fill(0);
  let i = RESOLUTION_BUCKETS.findIndex((b) => seconds <= b);
  if (i < 0) i = RESOLUTION_BUCKETS.length;
  counts[i] = (counts[i] ?? 0) + 1;
  return { counts, sum: (before?.sum ?? 0) + seconds, count: (before?.count ?? 0) + 1 };
}

/** The open-count key of an item, or undefined when a resolved item counts nowhere. */
export function openKey(item: WorkItem | undefined): readonly [ExceptionState, string, string] | undefined {
  if (!item || item.state === 'resolved') return undefined;
  return [item.state, item.type, item.partner];
}

export interface OpenCount {
  readonly state: ExceptionState;
  readonly type: string;
  readonly partner: string;
  readonly count: number;
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * Prometheus text for the totals. Labels are type and partner only (channel and warehouse
 * would multiply the series; the list filters answer those questions).
 */
export function renderTotals(open: readonly OpenCount[], resolution: ReadonlyMap<string, ResolutionStats>): string {
  const lines = [
    '# HELP crossdock_exceptions_open Business exceptions not yet resolved, by state (open, acknowledged), type and partner.',
    '# TYPE crossdock_exceptions_open gauge',
  ];
  // Sorted, so every runner (and a rebuilt store) prints the same text.
  const sorted = [...open].sort((a, b) => a.state.localeCompare(b.state) || a.type.localeCompare(b.type) || a.partner.localeCompare(b.partner));
  for (const o of sorted) if (o.count > 0) lines.push(`crossdock_exceptions_open{state="${esc(o.state)}",type="${esc(o.type)}",partner="${esc(o.partner)}"} ${o.count}`);
  lines.push(
    '# HELP crossdock_exception_resolution_seconds Time from an exception being raised to its resolution, by exception type.',
    '# TYPE crossdock_exception_resolution_seconds histogram',
  );
  for (const [type, s] of [...resolution].sort(([a], [b]) => a.localeCompare(b))) {
    const t = `type="${esc(type)}"`;
    let cumulative = 0;
    RESOLUTION_BUCKETS.forEach((b, i) => {
      cumulative += s.counts[i] ?? 0;
      lines.push(`crossdock_exception_resolution_seconds_bucket{${t},le="${b}"} ${cumulative}`);
    });
    lines.push(`crossdock_exception_resolution_seconds_bucket{${t},le="+Inf"} ${s.count}`);
    lines.push(`crossdock_exception_resolution_seconds_sum{${t}} ${s.sum}`);
    lines.push(`crossdock_exception_resolution_seconds_count{${t}} ${s.count}`);
  }
  return lines.join('\n');
}
