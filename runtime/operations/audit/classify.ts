/**
 * Which stream messages the audit log records, and what it says about each: told by subject
 * alone (the subject conventions of pipelines/streams.yaml), so skipping the rest costs nothing.
 *
 *   channel.<channel>.<document>.<event>   partner-transaction in   (orders, returns from channels)
 *   edi.in.<type>.<partner>                partner-transaction in   (850, 855, 856, 810 …)
 *   edi.out.<type>.<partner>               partner-transaction out  (850 to suppliers, 997 …)
 *   wms.<document>.<warehouse>             partner-transaction out for what goes to a warehouse or
 *                                          3PL (orders, expected receipts/returns, items), in otherwise
 *   erp.invoices.<partner>                 financial-posting out
 *   erp.out.invoices.<channel>             financial-posting in     (the ERP's invoices to customers)
 *   erp.inventory-adjustments.<location>   inventory-adjustment out
 *   erp.posted.<document>.<channel>        erp-posting in           (the ERP's document numbers)
 *   erp.out.<document>.<partner>           erp-posting in           (documents the ERP issues)
 *   erp.<document>.<partner>               erp-posting out          (sales orders, ASNs, receipts …)
 *   inventory.position|receipt.<location>  inventory-adjustment in  (counts and receipts)
 *   inventory.hold.*                       inventory-adjustment in  (quality holds)
 *
 * Reservations, inbound-supply notices, locations and availability changes are not recorded:
 * they are the availability view's working traffic, not adjustments or postings.
 */
import { readTraceKeys } from '../../components/trace-keys-header.ts';
import { TopLevelFields, topLevelScalars } from '../../config/json-top-level.ts';
import type { AuditKind, AuditRecord } from './entry.ts';

/** Subjects the auditor reads: the streams capturing any of these are folded. */
export const AUDITED_SUBJECTS: readonly string[] = ['channel.>', 'edi.in.>', 'edi.out.>', 'wms.>', 'erp.>', 'inventory.>'];

export interface Classified {
  readonly kind: AuditKind;
  readonly direction: 'in' | 'out';
  readonly partner?: string;
  readonly documentType: string;
}

const TO_WAREHOUSE = new Set(['orders', 'expected-receipts', 'returns-expected', 'items', 'cancellations']);

export function classify(subject: string): Classified | undefined {
  const t = subject.split('.');
  const [root, a, b, c] = t;
  switch (root) {
    case 'channel':
      if (a === undefined || b === undefined) return undefined;
      return { kind: 'partner-transaction', direction: 'in', partner: a, documentType: c === undefined ? b : `${b}.${c}` };
    case 'edi':
      if ((a !== 'in' && a !== 'out') || b === undefined) return undefined;
      return { kind: 'partner-transaction', direction: a, ...(c === undefined ? {} : { partner: c }), documentType: b };
    case 'wms':
      if (a === undefined) return undefined;
      return { kind: 'partner-transaction', direction: TO_WAREHOUSE.has(a) ? 'out' : 'in', ...(b === undefined ? {} : { partner: b }), documentType: a };
    case 'erp':
      if (a === undefined) return undefined;
      if (a === 'invoices') return { kind: 'financial-posting', direction: 'out', ...(b === undefined ? {} : { partner: b }), documentType: 'invoice' };
      if (a === 'out' && b === 'invoices') return { kind: 'financial-posting', direction: 'in', ...(c === undefined ? {} : { partner: c }), documentType: 'invoice' };
      if (a === 'inventory-adjustments') return { kind: 'inventory-adjustment', direction: 'out', ...(b === undefined ? {} : { partner: b }), documentType: 'inventory-adjustment' };
      if ((a === 'posted' || a === 'out') && b !== undefined) return { kind: 'erp-posting', direction: 'in', ...(c === undefined ? {} : { partner: c }), documentType: a === 'posted' ? `posted.${b}` : b };
      return { kind: 'erp-posting', direction: 'out', ...(b === undefined ? {} : { partner: b }), documentType: a };
    case 'inventory':
      if (a === 'position' || a === 'receipt') return { kind: 'inventory-adjustment', direction: 'in', ...(b === undefined ? {} : { partner: b }), documentType: a };
      if (a === 'hold' && b !== undefined) return { kind: 'inventory-adjustment', direction: 'in', documentType: `hold.${b}` };
      return undefined;
    default:
      return undefined;
  }
}

/** Top-level body fields that carry a business key, in the canonical objects and common partner payloads. */
const KEY_FIELDS = ['orderNumber', 'externalId', 'externalOrderId', 'poNumber', 'sellerOrderNumber', 'invoiceNumber', 'shipmentId', 'rmaNumber', 'sku', 'id', 'order_number', 'name'] as const;
const KEY_FIELD_NAMES = new TopLevelFields(KEY_FIELDS);
/** Bodies larger than this are not read for keys (the hash still covers them). */
const MAX_KEY_BODY = 256 * 1024;
const MAX_KEYS = 8;
const MAX_KEY_LENGTH = 128;

/**
 * Business keys of a message: its message id (outputs derive it from a business key, e.g.
 * `shopify:1001`), then the keys a Crossdock output named in its `Crossdock-Trace-Keys` header
 * (field → value, the canonical schemas' trace keys), or else the known key fields at the top
 * of a JSON body. A document the runner made is not parsed again; a partner's is scanned once
 * without building it (nested objects are skipped, only the few key values are decoded), so the
 * cost is bounded whatever the document. A body that is not a well-formed JSON object gives no
 * keys from its body, as when it was parsed whole.
 */
export function businessKeys(data: Uint8Array, msgId: string | undefined, traceKeys?: string): string[] {
  const keys = new Set<string>();
  if (msgId) keys.add(msgId.slice(0, MAX_KEY_LENGTH));
  const named = traceKeys === undefined ? undefined : readTraceKeys(traceKeys);
  if (named) {
    for (const v of Object.values(named)) {
      keys.add(v.slice(0, MAX_KEY_LENGTH));
      if (keys.size >= MAX_KEYS) break;
    }
  } else if (data.length > 0 && data.length <= MAX_KEY_BODY && (data[0] === 0x7b || data[0] === 0x20 || data[0] === 0x0a)) {
    const found = topLevelScalars(data, KEY_FIELD_NAMES);
    for (const f of KEY_FIELDS) {
      const v = found.get(f);
      if ((typeof v === 'string' && v !== '') || typeof v === 'number') keys.add(String(v).slice(0, MAX_KEY_LENGTH));
      if (keys.size >= MAX_KEYS) break;
    }
  }
  return [...keys];
}

export function recordFor(c: Classified, m: { subject: string; stream: string; seq: number; time: Date; data: Uint8Array; msgId?: string; traceKeys?: string; bodySha256: string }): AuditRecord {
  return {
    kind: c.kind,
    direction: c.direction,
    ...(c.partner === undefined ? {} : { partner: c.partner }),
    documentType: c.documentType,
    keys: businessKeys(m.data, m.msgId, m.traceKeys),
    subject: m.subject,
    source: { stream: m.stream, seq: m.seq },
    bodySha256: m.bodySha256,
    time: m.time.toISOString(),
    actor: 'crossdock',
  };
}
