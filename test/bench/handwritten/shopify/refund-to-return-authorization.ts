/** mappings/shopify/refund-to-return-authorization.jsonata, by hand. */
import { type Bindings, type Json, put, round, str, string, text } from '../common.ts';

const locations = new Map([
  ['487838322', 'DC-EAST'],
  ['905684977', 'DC-WEST'],
]);
const defaultLocation = 'DC-EAST';

export default function refundToReturnAuthorization(body: unknown, _bindings: Bindings): unknown {
  const input = body as Json;
  const r = (input['refund'] !== undefined ? input['refund'] : input) as Json;
  const returned = ((r['refund_line_items'] ?? []) as Json[]).filter(
    (l) => l['restock_type'] === 'return' || (l['restock_type'] === undefined && r['restock'] === true),
  );
  const paid = ((r['transactions'] ?? []) as Json[]).filter((t) => t['kind'] === 'refund' && t['status'] === 'success');
  const locationId = returned[0]?.['location_id'];
  const out: Json = { schemaVersion: 1 };
  put(out, 'rmaNumber', string(r['id']));
  out['channel'] = 'shopify';
  out['status'] = 'authorized';
  put(out, 'createdAt', r['created_at']);
  const orderId = string(r['order_id']);
  const original: Json = {};
  put(original, 'orderNumber', orderId);
  put(original, 'externalOrderId', orderId);
  out['originalOrder'] = original;
  out['location'] = (locationId === undefined ? undefined : locations.get(str(locationId))) ?? defaultLocation;
  put(out, 'currency', paid[0]?.['currency']);
  if (paid.length > 0) {
    let total = 0;
    for (const t of paid) total += Number(t['amount']);
    out['requestedRefund'] = round(total, 2);
  }
  out['refundMethod'] = 'original-payment';
  const reasonText = text(r['note']);
  out['lines'] = returned.map((l, i) => {
    const item = l['line_item'] as Json | undefined;
    const line: Json = { lineNumber: i + 1 };
    put(line, 'sku', item?.['sku']);
    put(line, 'description', text(item?.['name']));
    put(line, 'quantity', l['quantity']);
    line['unit'] = 'EA';
    line['reasonCode'] = 'other';
    put(line, 'reasonText', reasonText);
    return line;
  });
  return out;
}
