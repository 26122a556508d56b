/** mappings/outputs/wms-receipts.jsonata, by hand. */
import { type Bindings, type Json, put, str, string } from '../common.ts';

interface Line extends Json {
  quantityExpected: number;
  quantityReceived: number;
  quantityDamaged?: number;
  quantityAccepted?: number;
}

const short = (l: Line): number => (l.quantityReceived < l.quantityExpected ? l.quantityExpected - l.quantityReceived : 0);
const over = (l: Line): number => (l.quantityReceived > l.quantityExpected ? l.quantityReceived - l.quantityExpected : 0);
const qty = (q: unknown, unit: unknown): string => str(q) + ' ' + str(unit);

function describe(l: Line): string {
  const parts: string[] = [];
  const s = short(l);
  const o = over(l);
  const damaged = l.quantityDamaged ?? 0;
  if (s > 0) parts.push(qty(s, l['unit']) + ' short (' + str(l.quantityReceived) + ' of ' + str(l.quantityExpected) + ')');
  if (o > 0) {
    parts.push(
      qty(o, l['unit']) + ' over' +
        (l.quantityExpected === 0 ? ' (not on the ASN)' : ' (' + str(l.quantityReceived) + ' for ' + str(l.quantityExpected) + ')'),
    );
  }
  if (damaged > 0) parts.push(qty(damaged, l['unit']) + ' damaged' + (l['note'] ? ': ' + str(l['note']) : ''));
  return parts.join('; ');
}

function movement(l: Line, reason: string, quantity: number, stock: string): Json {
  const m: Json = {};
  put(m, 'poNumber', l['poNumber']);
  put(m, 'poLineNumber', l['poLineNumber']);
  put(m, 'sku', l['sku']);
  put(m, 'unit', l['unit']);
  m['quantity'] = quantity;
  m['stock'] = stock;
  m['reason'] = reason;
  return m;
}

export default function wmsReceiptOutputs(body: unknown, _bindings: Bindings): unknown {
  const r = body as Json;
  const lines = (r['lines'] ?? []) as Line[];
  const supplier = (r['supplier'] ?? {}) as Json;
  const location = r['location'];
  const receiptId = r['receiptId'];
  const differing = lines.filter((l) => short(l) > 0 || over(l) > 0 || (l.quantityDamaged ?? 0) > 0);
  const out: Json = { erp: r };
  if (differing.length > 0) {
    const movements: Json[] = [];
    for (const l of differing) {
      const s = short(l);
      const o = over(l);
      const damaged = l.quantityDamaged ?? 0;
      if (s > 0) movements.push(movement(l, 'short', -s, 'in-transit'));
      if (o > 0) movements.push(movement(l, 'over', o, 'in-transit'));
      if (damaged > 0) movements.push(movement(l, 'damaged', damaged, 'damaged'));
    }
    const reference: Json = { type: 'receipt' };
    put(reference, 'receiptId', receiptId);
    put(reference, 'shipmentId', r['shipmentId']);
    put(reference, 'supplierId', supplier['id']);
    const adjustment: Json = { schemaVersion: 1, adjustmentId: 'receipt:' + str(receiptId) };
    put(adjustment, 'location', location);
    put(adjustment, 'adjustedAt', r['receivedAt']);
    adjustment['reference'] = reference;
    adjustment['lines'] = movements;
    out['adjustment'] = adjustment;
    const described = differing.map((l) => describe(l));
    const against = r['shipmentId'] ? ' of ASN ' + str(r['shipmentId']) : '';
    const exception: Json = {
      type: 'receipt-discrepancy',
      reason:
        'receipt ' + str(receiptId) + ' at ' + str(location) + against + ' from ' + str(supplier['name'] ? supplier['name'] : supplier['id']) + ': ' +
        differing
          .map((l, i) => 'line ' + str(l['lineNumber']) + ' (' + str(l['sku']) + ', PO ' + str(l['poNumber']) + '): ' + (described[i] as string))
          .join(' | '),
    };
    put(exception, 'receiptId', receiptId);
    put(exception, 'location', location);
    put(exception, 'shipmentId', r['shipmentId']);
    put(exception, 'supplier', r['supplier']);
    exception['lines'] = differing.map((l, i) => ({ ...l, differences: described[i] }));
    exception['documents'] = [r];
    out['exception'] = exception;
  }
  const inventory: Json[] = [];
  const inbound: Json[] = [];
  for (const l of lines) {
    const accepted = l.quantityAccepted;
    if (accepted !== undefined && accepted > 0) {
      const event: Json = {
        schemaVersion: 1,
        id: 'receipt:' + str(location) + ':' + str(receiptId) + ':' + str(l['lineNumber']),
      };
      put(event, 'sku', l['sku']);
      put(event, 'location', location);
      event['quantity'] = accepted;
      put(event, 'receivedAt', r['receivedAt']);
      put(event, 'inbound', l['expectedLineId']);
      inventory.push(event);
    }
    if (l['expectedLineId'] !== undefined && accepted !== undefined && l.quantityExpected !== undefined && accepted !== l.quantityExpected) {
      const event: Json = { schemaVersion: 1, id: l['expectedLineId'], kind: 'asn' };
      put(event, 'sku', l['sku']);
      put(event, 'location', location);
      event['quantity'] = accepted;
      put(event, 'eta', (r['receivedAt'] as string | undefined)?.slice(0, 10));
      const document: Json = { type: 'receipt' };
      put(document, 'number', receiptId);
      put(document, 'line', string(l['lineNumber']));
      event['document'] = document;
      inbound.push(event);
    }
  }
  out['inventory'] = inventory;
  out['inbound'] = inbound;
  return out;
}
