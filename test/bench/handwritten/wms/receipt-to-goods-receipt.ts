/** mappings/wms/receipt-to-goods-receipt.jsonata, by hand. */
import { type Bindings, type Json, text } from '../common.ts';

export default function receiptToGoodsReceipt(body: unknown, _bindings: Bindings): unknown {
  const r = body as Json;
  const supplier = (r.supplier ?? {}) as Json;
  const out: Json = { schemaVersion: 1 };
  if (r.receiptId !== undefined) out.receiptId = r.receiptId;
  if (r.warehouse !== undefined) out.location = r.warehouse;
  if (r.receivedAt !== undefined) out.receivedAt = r.receivedAt;
  const sup: Json = {};
  if (supplier.code !== undefined) sup.id = supplier.code;
  const supName = text(supplier.name);
  if (supName !== undefined) sup.name = supName;
  const code = supplier.code as string | undefined;
  const supPartner = supplier.partner ? supplier.partner : code?.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
  if (supPartner !== undefined) sup.partner = supPartner;
  out.supplier = sup;
  if (r.expectedReceiptId !== undefined) out.expectedReceiptId = r.expectedReceiptId;
  if (r.asnNumber !== undefined) out.shipmentId = r.asnNumber;
  out.lines = ((r.lines ?? []) as Json[]).map((l, i) => {
    const damaged = l.damaged ? (l.damaged as number) : 0;
    const line: Json = { lineNumber: i + 1 };
    if (l.lineId !== undefined) line.expectedLineId = l.lineId;
    if (l.poNumber !== undefined) line.poNumber = l.poNumber;
    if (l.poLine !== undefined) line.poLineNumber = l.poLine;
    if (l.sku !== undefined) line.sku = l.sku;
    if (l.uom !== undefined) line.unit = l.uom;
    if (l.expected !== undefined) line.quantityExpected = l.expected;
    if (l.received !== undefined) line.quantityReceived = l.received;
    line.quantityDamaged = damaged;
    if (l.received !== undefined) line.quantityAccepted = (l.received as number) - damaged;
    if (l.sscc !== undefined) line.sscc = l.sscc;
    const lineLot = text(l.lot);
    if (lineLot !== undefined) line.lot = lineLot;
    const lineNote = text(l.note);
    if (lineNote !== undefined) line.note = lineNote;
    return line;
  });
  return out;
}
