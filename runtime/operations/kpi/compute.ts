/**
 * The KPIs over a time window, from facts the operations views hold: expectation records
 * (stream times of the opening and expected documents, the deadline), trace hops, workbench
 * items, partners' first documents and the availability view's sync delays. Pure: the same
 * facts and window give the same report, whichever runner computes it.
 */
import { KPIS, KPI_EXPECTATIONS, type KpiDefinition, type KpiId, type KpiLabel } from './definitions.ts';

/** [since, until), epoch milliseconds. */
export interface KpiWindow {
  readonly since: number;
  readonly until: number;
}

export interface ExpectationFact {
  readonly name: string;
  /** Stream time of the opening document. */
  readonly whenAt?: number;
  /** Stream time of the expected document. */
  readonly expectAt?: number;
  readonly deadline?: number;
  readonly labels: { readonly partner?: string; readonly channel?: string; readonly warehouse?: string };
}

export interface HopFact {
  readonly time: number;
  readonly outcome: 'delivered' | 'dead-lettered' | 'exception' | 'duplicate';
  /** The pipeline that produced it (or, for a dead letter, that failed it). */
  readonly pipeline?: string;
  /** The message it was made from; hops of one source message are one finished message. */
  readonly source?: string;
  /** Where the hop itself is stored: a dead letter from an edge (no source message) counts on its own. */
  readonly stream?: string;
  readonly seq?: number;
}

export interface ExceptionFact {
  readonly type: string;
  readonly raisedAt: number;
  readonly resolvedAt?: number;
}

export interface PartnerFact {
  readonly partner: string;
  readonly firstSeen: number;
  readonly firstSuccess?: number;
}

/** Inventory sync delays, already gathered: `count` events of about `seconds` in the minute starting `at`. */
export interface DelaySample {
  readonly at: number;
  readonly seconds: number;
  readonly warehouse: string;
  readonly count: number;
}

/** What the views hand over; each may return more than the window (compute filters). */
export interface KpiFacts {
  readonly expectations: Iterable<ExpectationFact>;
  readonly hops: Iterable<HopFact>;
  readonly exceptions: Iterable<ExceptionFact>;
  readonly partners: Iterable<PartnerFact>;
  readonly inventoryDelays: Iterable<DelaySample>;
  /** KPIs whose source this runner does not have (e.g. no availability policy), with why. */
  readonly unavailable?: ReadonlyMap<KpiId, string>;
}

export interface KpiRow {
  /** The label's value, or `all`. */
  readonly label: string;
  readonly count: number;
  /** Duration KPIs, seconds (nearest rank). */
  readonly p50?: number;
  readonly p90?: number;
  readonly p99?: number;
  /** Ratio KPIs: the outcomes the ratio counts (on time; failed; duplicate) of `count`, and hits ÷ count. */
  readonly hits?: number;
  readonly ratio?: number;
  /** Still waiting at the window's end (open expectations and exceptions, partners onboarding). */
  readonly pending?: number;
}

export interface KpiResult {
  readonly id: KpiId;
  readonly title: string;
  readonly kind: KpiDefinition['kind'];
  readonly by: KpiLabel;
  readonly rows: readonly KpiRow[];
  readonly unavailable?: string;
}

export interface KpiReport {
  readonly since: string;
  readonly until: string;
  readonly kpis: readonly KpiResult[];
}

export const ALL = 'all';

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Nearest-rank percentile of sorted [value, weight] pairs. */
function weightedPercentile(sorted: readonly (readonly [number, number])[], total: number, p: number): number | undefined {
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [v, w] of sorted) {
    seen += w;
    if (seen >= rank) return v;
  }
  return sorted[sorted.length - 1]?.[0];
}

const inWindow = (t: number | undefined, w: KpiWindow): t is number => t !== undefined && t >= w.since && t < w.until;

/** Durations (seconds) and pending counts, grouped by label with an `all` row first. */
class DurationGroups {
  private readonly values = new Map<string, [number, number][]>();
  private readonly pending = new Map<string, number>();
  add(label: string | undefined, seconds: number, weight = 1): void {
    for (const l of [ALL, label ?? 'unknown']) {
      let v = this.values.get(l);
      if (!v) this.values.set(l, (v = []));
      v.push([seconds, weight]);
    }
  }
  wait(label: string | undefined): void {
    for (const l of [ALL, label ?? 'unknown']) this.pending.set(l, (this.pending.get(l) ?? 0) + 1);
  }
  rows(): KpiRow[] {
    return labelsOf(this.values, this.pending).map((label) => {
      const v = (this.values.get(label) ?? []).sort((a, b) => a[0] - b[0]);
      const count = v.reduce((n, [, w]) => n + w, 0);
      const pending = this.pending.get(label);
      return compact({ label, count, p50: weightedPercentile(v, count, 50), p90: weightedPercentile(v, count, 90), p99: weightedPercentile(v, count, 99), pending });
    });
  }
}

/** Good and total counts, grouped by label with an `all` row first. */
class RatioGroups {
  private readonly counts = new Map<string, { good: number; total: number }>();
  private readonly pending = new Map<string, number>();
  add(label: string | undefined, good: boolean): void {
    for (const l of [ALL, label ?? 'unknown']) {
      let c = this.counts.get(l);
      if (!c) this.counts.set(l, (c = { good: 0, total: 0 }));
      c.total++;
      if (good) c.good++;
    }
  }
  wait(label: string | undefined): void {
    for (const l of [ALL, label ?? 'unknown']) this.pending.set(l, (this.pending.get(l) ?? 0) + 1);
  }
  rows(): KpiRow[] {
    return labelsOf(this.counts, this.pending).map((label) => {
      const c = this.counts.get(label) ?? { good: 0, total: 0 };
      return compact({ label, count: c.total, hits: c.good, ratio: c.total === 0 ? undefined : c.good / c.total, pending: this.pending.get(label) });
    });
  }
}

function labelsOf(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): string[] {
  const set = new Set([...a.keys(), ...b.keys()]);
  set.delete(ALL);
  return [ALL, ...[...set].sort()];
}

function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * An expectation is decided when its expected document arrived by the deadline (at that
 * document's time) or when the deadline passed without it (at the deadline).
 */
function decided(e: ExpectationFact): { at: number; onTime: boolean } | undefined {
  if (e.whenAt === undefined || e.deadline === undefined) return undefined;
  if (e.expectAt !== undefined && e.expectAt <= e.deadline) return { at: e.expectAt, onTime: true };
  return { at: e.deadline, onTime: false };
}

export function computeKpis(facts: KpiFacts, w: KpiWindow): KpiReport {
  const orders = new DurationGroups();
  const shipments = new RatioGroups();
  const acks = new RatioGroups();
  for (const e of facts.expectations) {
    if (e.name === KPI_EXPECTATIONS.orderAcceptance) {
      if (e.whenAt !== undefined && inWindow(e.expectAt, w)) orders.add(e.labels.channel, (e.expectAt - e.whenAt) / 1000);
      else if (e.whenAt !== undefined && e.whenAt < w.until && (e.expectAt === undefined || e.expectAt >= w.until)) orders.wait(e.labels.channel);
      continue;
    }
    const group = e.name === KPI_EXPECTATIONS.shipmentConfirmation ? shipments : e.name === KPI_EXPECTATIONS.supplierResponse ? acks : undefined;
    if (!group) continue;
    const label = group === shipments ? e.labels.warehouse : e.labels.partner;
    const d = decided(e);
    if (d && d.at < w.until && d.at >= w.since) group.add(label, d.onTime);
    else if (e.whenAt !== undefined && e.whenAt < w.until && (!d || d.at >= w.until)) group.wait(label);
  }

  // One finished message per pipeline and source: failed when any of its hops is a dead letter.
  const finished = new Map<string, { pipeline: string; failed: boolean }>();
  const duplicates = new RatioGroups();
  for (const h of facts.hops) {
    if (!inWindow(h.time, w) || h.pipeline === undefined) continue;
    if (h.outcome === 'delivered' || h.outcome === 'duplicate') duplicates.add(h.pipeline, h.outcome !== 'duplicate');
    // A webhook or file that failed at the edge has no stored source: it is one failed message.
    const source = h.source ?? (h.outcome === 'dead-lettered' && h.stream !== undefined ? `${h.stream}:${h.seq}` : undefined);
    if (source === undefined) continue;
    const key = `${h.pipeline}\u0000${source}`;
    const f = finished.get(key);
    if (!f) finished.set(key, { pipeline: h.pipeline, failed: h.outcome === 'dead-lettered' });
    else if (h.outcome === 'dead-lettered') f.failed = true;
  }
  const failures = new RatioGroups();
  for (const f of finished.values()) failures.add(f.pipeline, !f.failed);

  const resolution = new DurationGroups();
  for (const x of facts.exceptions) {
    if (inWindow(x.resolvedAt, w)) resolution.add(x.type, (x.resolvedAt - x.raisedAt) / 1000);
    else if (x.raisedAt < w.until && (x.resolvedAt === undefined || x.resolvedAt >= w.until)) resolution.wait(x.type);
  }

  const onboarding = new DurationGroups();
  for (const p of facts.partners) {
    if (inWindow(p.firstSuccess, w)) onboarding.add(p.partner, (p.firstSuccess - p.firstSeen) / 1000);
    else if (p.firstSeen < w.until && (p.firstSuccess === undefined || p.firstSuccess >= w.until)) onboarding.wait(p.partner);
  }

  const sync = new DurationGroups();
  for (const s of facts.inventoryDelays) if (inWindow(s.at, w)) sync.add(s.warehouse, s.seconds, s.count);

  const rows: Record<KpiId, KpiRow[]> = {
    'order-processing-latency': orders.rows(),
    'inventory-sync-delay': sync.rows(),
    'shipment-confirmation-timeliness': shipments.rows(),
    'supplier-ack-sla': acks.rows(),
    'interface-failure-rate': invert(failures.rows()),
    'duplicate-transaction-rate': invert(duplicates.rows()),
    'exception-resolution-time': resolution.rows(),
    'partner-onboarding-duration': onboarding.rows(),
  };
  return {
    since: new Date(w.since).toISOString(),
    until: new Date(w.until).toISOString(),
    kpis: KPIS.map((k) => {
      const why = facts.unavailable?.get(k.id);
      return { id: k.id, title: k.title, kind: k.kind, by: k.by, rows: rows[k.id], ...(why === undefined ? {} : { unavailable: why }) };
    }),
  };
}

/** Failure and duplicate shares: the groups counted the good outcome; the KPI counts the other. */
function invert(rows: readonly KpiRow[]): KpiRow[] {
  return rows.map((r) => {
    const bad = r.count - (r.hits ?? 0);
    return compact({ label: r.label, count: r.count, hits: bad, ratio: r.count === 0 ? undefined : bad / r.count, pending: r.pending });
  });
}
