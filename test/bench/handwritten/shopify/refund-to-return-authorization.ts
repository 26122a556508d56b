/** mappings/shopify/refund-to-return-authorization.jsonata, by hand. */
import { type Bindings, type Json, round, str, string, text } from '../common.ts';

const locations = new Map([
  ['487838322', 'DC-EAST'],
  ['905684977', 'DC-WEST'],
]);
const defaultLocation = 'DC-EAST';

export default function refundToReturnAuthorization(body: unknown, _bindings: Bindings): unknown {
  const input = body as Json;
  const r = (input.refund !== undefined ? input.refund : input) as Json;
  const returned = ((r.refund_line_items ?? []) as Json[]).filter(
    (l) => l.restock_type === 'return' || (l.restock_type === undefined && r.restock === true),
  );
  const paid = ((r.transactions ?? []) as Json[]).filter((t) => t.kind === 'refund' && t.status === 'success');
  const locationId = returned[0]?.location_id;
  const out: Json = { schemaVersion: 1 };
  const rmaNumber = string(r.id);
  if (rmaNumber !== undefined) out.rmaNumber = rmaNumber;
  out.channel = 'shopify';
  out.status = 'authorized';
  if (r.created_at !== undefined) out.createdAt = r.created_at;
  const orderId = string(r.order_id);
  const original: Json = {};
  if (orderId !== undefined) original.orderNumber = orderId;
  if (orderId !== undefined) original.externalOrderId = orderId;
  out.originalOrder = original;
  out.location = (locationId === undefined ? undefined : locations.get(str(locationId))) ?? defaultLocation;
  if (paid[0]?.currency !== undefined) out.currency = paid[0]?.currency;
  if (paid.length > 0) {
    let total = 0;
    for (const t of paid) total += Number(t.amount);
    out.requestedRefund = round(total, 2);
  }
  out.refundMethod = 'original-payment';
  const reasonText = text(r.note);
  out.lines = returned.map((l, i) => {
    const item = l.line_item as Json | undefined;
    const line: Json = { lineNumber: i + 1 };
    if (item?.sku !== undefined) line.sku = item?.sku;
    const lineDescription = text(item?.name);
    if (lineDescription !== undefined) line.description = lineDescription;
    if (l.quantity !== undefined) line.quantity = l.quantity;
    line.unit = 'EA';
    line.reasonCode = 'other';
    if (reasonText !== undefined) line.reasonText = reasonText;
    return line;
  });
  return out;
}
