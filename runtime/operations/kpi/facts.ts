/**
 * Where each KPI's facts come from on this runner (or, for the CLI, in its data folder): the
 * expectations view, the workbench, the trace index and the availability view's sync delays.
 * A KPI whose source is missing is reported as unavailable with the reason, never as zero.
 */
import type { ExpectationStore } from '../expectations/store.ts';
import type { WorkItem } from '../exceptions/model.ts';
import { computeKpis, type DelaySample, type ExpectationFact, type ExceptionFact, type HopFact, type KpiFacts, type KpiWindow, type PartnerFact } from './compute.ts';
import { KPI_EXPECTATIONS, type KpiId } from './definitions.ts';
import type { KpiFactsSource } from './service.ts';

export interface KpiViews {
  readonly expectations?: Pick<ExpectationStore, 'touched'>;
  /** Names of the expectations the project declares. */
  readonly expectationNames?: readonly string[];
  readonly workbench?: { forKpis(since: number, until: number): Iterable<WorkItem> };
  readonly trace?: { hopsBetween(since: number, until: number): Iterable<HopFact>; partners(): Iterable<PartnerFact> };
  readonly syncDelays?: { samples(): DelaySample[] };
  /** Why sync delays are missing when they are (no availability policy; the CLI cannot see them). */
  readonly syncDelaysMissing?: string;
}

function* expectationFacts(store: Pick<ExpectationStore, 'touched'>, w: KpiWindow): Generator<ExpectationFact> {
  for (const e of store.touched(w.since, w.until)) {
    const r = e.record;
    yield { name: e.name, labels: r.labels, ...(r.whenAt === undefined ? {} : { whenAt: r.whenAt }), ...(r.expectAt === undefined ? {} : { expectAt: r.expectAt }), ...(r.deadline === undefined ? {} : { deadline: r.deadline }) };
  }
}

function* exceptionFacts(items: Iterable<WorkItem>): Generator<ExceptionFact> {
  for (const i of items) {
    const resolvedAt = i.state === 'resolved' && i.resolvedAt !== undefined ? Date.parse(i.resolvedAt) : undefined;
    yield { type: i.type, raisedAt: Date.parse(i.raisedAt), ...(resolvedAt === undefined ? {} : { resolvedAt }) };
  }
}

export function kpiFacts(views: KpiViews): KpiFactsSource {
  const unavailable = new Map<KpiId, string>();
  const names = new Set(views.expectationNames ?? []);
  const slas: [KpiId, string][] = [
    ['order-processing-latency', KPI_EXPECTATIONS.orderAcceptance],
    ['shipment-confirmation-timeliness', KPI_EXPECTATIONS.shipmentConfirmation],
    ['supplier-ack-sla', KPI_EXPECTATIONS.supplierResponse],
  ];
  for (const [id, name] of slas) {
    if (!views.expectations) unavailable.set(id, 'the project declares no expectations');
    else if (!names.has(name)) unavailable.set(id, `the project declares no expectation named '${name}'`);
  }
  if (!views.syncDelays) unavailable.set('inventory-sync-delay', views.syncDelaysMissing ?? 'no availability view');
  if (!views.workbench) unavailable.set('exception-resolution-time', 'no exceptions workbench (the project declares no stream for exceptions.> and workbench.>)');
  if (!views.trace) for (const id of ['interface-failure-rate', 'duplicate-transaction-rate', 'partner-onboarding-duration'] as const) unavailable.set(id, 'no trace index');
  return (w) => {
    const facts: KpiFacts = {
      expectations: views.expectations ? expectationFacts(views.expectations, w) : [],
      hops: views.trace ? views.trace.hopsBetween(w.since, w.until) : [],
      exceptions: views.workbench ? exceptionFacts(views.workbench.forKpis(w.since, w.until)) : [],
      partners: views.trace ? views.trace.partners() : [],
      inventoryDelays: views.syncDelays ? views.syncDelays.samples() : [],
      unavailable,
    };
    return facts;
  };
}

/** The report straight from views (the CLI's path). */
export function kpiReport(views: KpiViews, w: KpiWindow): ReturnType<typeof computeKpis> {
  return computeKpis(kpiFacts(views)(w), w);
}
