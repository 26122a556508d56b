/**
 * The eight KPIs the article asks to be visible to IT and operations, each defined once:
 * what is counted, from which record, and which labels it is broken down by. `crossdock kpi`,
 * GET /v1/kpi, the Prometheus families and docs/operations.md all read this table.
 */

export type KpiId =
  | 'order-processing-latency'
  | 'inventory-sync-delay'
  | 'shipment-confirmation-timeliness'
  | 'supplier-ack-sla'
  | 'interface-failure-rate'
  | 'duplicate-transaction-rate'
  | 'exception-resolution-time'
  | 'partner-onboarding-duration';

/** A duration KPI reports percentiles; a ratio KPI reports good ÷ total. */
export type KpiKind = 'duration' | 'ratio';

export type KpiLabel = 'channel' | 'partner' | 'warehouse' | 'pipeline' | 'type';

export interface KpiDefinition {
  readonly id: KpiId;
  readonly title: string;
  readonly kind: KpiKind;
  /** The breakdown, at most one label: bounded by configuration (channels, partners, warehouses, pipelines, exception types). */
  readonly by: KpiLabel;
  /** Precisely what is measured, for the docs and `crossdock kpi --explain`. */
  readonly definition: string;
  /** The Prometheus family (a gauge over the metrics window). */
  readonly metric: string;
  /** For ratios: whether a high value is good (on-time share) or bad (failure share). */
  readonly higherIsBetter?: boolean;
}

/** The expectations (pipelines/expectations.yaml) the SLA-based KPIs read. */
export const KPI_EXPECTATIONS = {
  orderAcceptance: 'order-acceptance',
  shipmentConfirmation: 'shipment-confirmation',
  supplierResponse: 'supplier-response',
} as const;

export const KPIS: readonly KpiDefinition[] = [
  {
    id: 'order-processing-latency',
    title: 'Order processing latency',
    kind: 'duration',
    by: 'channel',
    definition: `From a channel order stored on its stream to the ERP's posting of it (erp.posted), for orders posted in the window: the \`${KPI_EXPECTATIONS.orderAcceptance}\` expectation's time to close, stream time to stream time.`,
    metric: 'crossdock_kpi_order_processing_seconds',
  },
  {
    id: 'inventory-sync-delay',
    title: 'Inventory synchronization delay',
    kind: 'duration',
    by: 'warehouse',
    definition: 'From an inventory event (a WMS position, receipt, adjustment) stored on the INVENTORY stream to its figures being visible to lookups and change events in the availability view, for events applied in the window while the view was caught up (a rebuild is not a delay channels see).',
    metric: 'crossdock_kpi_inventory_sync_delay_seconds',
  },
  {
    id: 'shipment-confirmation-timeliness',
    title: 'Shipment confirmation timeliness',
    kind: 'ratio',
    by: 'warehouse',
    higherIsBetter: true,
    definition: `Of the warehouse releases whose \`${KPI_EXPECTATIONS.shipmentConfirmation}\` expectation was decided in the window (the shipment confirmed, or the deadline passed), the share confirmed by the deadline.`,
    metric: 'crossdock_kpi_shipment_confirmation_on_time_ratio',
  },
  {
    id: 'supplier-ack-sla',
    title: 'Supplier acknowledgment SLA',
    kind: 'ratio',
    by: 'partner',
    higherIsBetter: true,
    definition: `Of the purchase orders whose \`${KPI_EXPECTATIONS.supplierResponse}\` expectation was decided in the window (the 855 arrived, or the deadline passed), the share acknowledged by the deadline.`,
    metric: 'crossdock_kpi_supplier_ack_on_time_ratio',
  },
  {
    id: 'interface-failure-rate',
    title: 'Interface failure rate',
    kind: 'ratio',
    by: 'pipeline',
    higherIsBetter: false,
    definition: 'Of the messages a pipeline finished in the window (each source message once, whatever it produced), the share it dead-lettered. Business exceptions and duplicates are outcomes, not failures.',
    metric: 'crossdock_kpi_interface_failure_ratio',
  },
  {
    id: 'duplicate-transaction-rate',
    title: 'Duplicate transaction rate',
    kind: 'ratio',
    by: 'pipeline',
    higherIsBetter: false,
    definition: 'Of the business documents a pipeline delivered in the window, the share that were second copies of a document already delivered (reported on the duplicate subject). Transport retries the stream\'s duplicate window drops silently are not business duplicates and are not counted.',
    metric: 'crossdock_kpi_duplicate_ratio',
  },
  {
    id: 'exception-resolution-time',
    title: 'Exception resolution time',
    kind: 'duration',
    by: 'type',
    definition: 'From a business exception raised (stored on EXCEPTIONS) to its resolution in the workbench, for exceptions resolved in the window; those still open are counted beside it.',
    metric: 'crossdock_kpi_exception_resolution_seconds',
  },
  {
    id: 'partner-onboarding-duration',
    title: 'Partner onboarding duration',
    kind: 'duration',
    by: 'partner',
    definition: "From a partner's first document seen by Crossdock to its first document a pipeline finished without a dead letter, for partners whose first success falls in the window; partners with documents and no success yet are counted as onboarding.",
    metric: 'crossdock_kpi_partner_onboarding_seconds',
  },
];

export const KPI_BY_ID: ReadonlyMap<KpiId, KpiDefinition> = new Map(KPIS.map((k) => [k.id, k]));
