/** mappings/outputs/wms-receipts.jsonata, by hand. */
import { type Bindings, type Json, str, string } from '../common.ts';

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
  if (s > 0) parts.push(qty(s, l.unit) + ' short (' + str(l.quantityReceived) + ' of ' + str(l.quantityExpected) + ')');
  if (o > 0) {
    parts.push(
      qty(o, l.unit) + ' over' +
        (l.quantityExpected === 0 ? ' (not on the ASN)' : ' (' + str(l.quantityReceived) + ' for ' + str(l.quantityExpected) + ')'),
    );
  }
  if (damaged > 0) parts.push(qty(damaged, l.unit) + ' damaged' + (l.note ? ': ' + str(l.note) : ''));
  return parts.join('; ');
}

function movement(l: Line, reason: string, quantity: number, stock: string): Json {
  const m: Json = {};
  if (l.poNumber !== undefined) m.poNumber = l.poNumber;
  if (l.poLineNumber !== undefined) m.poLineNumber = l.poLineNumber;
  if (l.sku !== undefined) m.sku = l.sku;
  if (l.unit !== undefined) m.unit = l.unit;
  m.quantity = quantity;
  m.stock = stock;
  m.reason = reason;
  return m;
}

export default function wmsReceiptOutputs(body: unknown, _bindings: Bindings): unknown {
  const r = body as Json;
  const lines = (r.lines ?? []) as Line[];
  const supplier = (r.supplier ?? {}) as Json;
  const location = r.location;
  const receiptId = r.receiptId;
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
    if (receiptId !== undefined) reference.receiptId = receiptId;
    if (r.shipmentId !== undefined) reference.shipmentId = r.shipmentId;
    if (supplier.id !== undefined) reference.supplierId = supplier.id;
    const adjustment: Json = { schemaVersion: 1, adjustmentId: 'receipt:' + str(receiptId) };
    if (location !== undefined) adjustment.location = location;
    if (r.receivedAt !== undefined) adjustment.adjustedAt = r.receivedAt;
    adjustment.reference = reference;
    adjustment.lines = movements;
    out.adjustment = adjustment;
    const described = differing.map((l) => describe(l));
    const against = r.shipmentId ? ' of ASN ' + str(r.shipmentId) : '';
    const exception: Json = {
      type: 'receipt-discrepancy',
      reason:
        'receipt ' + str(receiptId) + ' at ' + str(location) + against + ' from ' + str(supplier.name ? supplier.name : supplier.id) + ': ' +
        differing
          .map((l, i) => 'line ' + str(l.lineNumber) + ' (' + str(l.sku) + ', PO ' + str(l.poNumber) + '): ' + (described[i] as string))
          .join(' | '),
    };
    if (receiptId !== undefined) exception.receiptId = receiptId;
    if (location !== undefined) exception.location = location;
    if (r.shipmentId !== undefined) exception.shipmentId = r.shipmentId;
    if (r.supplier !== undefined) exception.supplier = r.supplier;
    exception.lines = differing.map((l, i) => ({ ...l, differences: described[i] }));
    exception.documents = [r];
    out.exception = exception;
  }
  const inventory: Json[] = [];
  const inbound: Json[] = [];
  for (const l of lines) {
    const accepted = l.quantityAccepted;
    if (accepted !== undefined && accepted > 0) {
      const event: Json = {
        schemaVersion: 1,
        id: 'receipt:' + str(location) + ':' + str(receiptId) + ':' + str(l.lineNumber),
      };
      if (l.sku !== undefined) event.sku = l.sku;
      if (location !== undefined) event.location = location;
      event.quantity = accepted;
      if (r.receivedAt !== undefined) event.receivedAt = r.receivedAt;
      if (l.expectedLineId !== undefined) event.inbound = l.expectedLineId;
      inventory.push(event);
    }
    if (l.expectedLineId !== undefined && accepted !== undefined && l.quantityExpected !== undefined && accepted !== l.quantityExpected) {
      const event: Json = { schemaVersion: 1, id: l.expectedLineId, kind: 'asn' };
      if (l.sku !== undefined) event.sku = l.sku;
      if (location !== undefined) event.location = location;
      event.quantity = accepted;
      const eventEta = (r.receivedAt as string | undefined)?.slice(0, 10);
      if (eventEta !== undefined) event.eta = eventEta;
      const document: Json = { type: 'receipt' };
      if (receiptId !== undefined) document.number = receiptId;
      const documentLine = string(l.lineNumber);
      if (documentLine !== undefined) document.line = documentLine;
      event.document = document;
      inbound.push(event);
    }
  }
  out.inventory = inventory;
  out.inbound = inbound;
  return out;
}
