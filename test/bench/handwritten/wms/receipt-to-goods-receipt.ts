/** mappings/wms/receipt-to-goods-receipt.jsonata, by hand. */
import { type Bindings, type Json, put, text } from '../common.ts';

export default function receiptToGoodsReceipt(body: unknown, _bindings: Bindings): unknown {
  const r = body as Json;
  const supplier = (r['supplier'] ?? {}) as Json;
  const out: Json = { schemaVersion: 1 };
  put(out, 'receiptId', r['receiptId']);
  put(out, 'location', r['warehouse']);
  put(out, 'receivedAt', r['receivedAt']);
  const sup: Json = {};
  put(sup, 'id', supplier['code']);
  put(sup, 'name', text(supplier['name']));
  const code = supplier['code'] as string | undefined;
  put(sup, 'partner', supplier['partner'] ? supplier['partner'] : code?.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase());
  out['supplier'] = sup;
  put(out, 'expectedReceiptId', r['expectedReceiptId']);
  put(out, 'shipmentId', r['asnNumber']);
  out['lines'] = ((r['lines'] ?? []) as Json[]).map((l, i) => {
    const damaged = l['damaged'] ? (l['damaged'] as number) : 0;
    const line: Json = { lineNumber: i + 1 };
    put(line, 'expectedLineId', l['lineId']);
    put(line, 'poNumber', l['poNumber']);
    put(line, 'poLineNumber', l['poLine']);
    put(line, 'sku', l['sku']);
    put(line, 'unit', l['uom']);
    put(line, 'quantityExpected', l['expected']);
    put(line, 'quantityReceived', l['received']);
    line['quantityDamaged'] = damaged;
    if (l['received'] !== undefined) line['quantityAccepted'] = (l['received'] as number) - damaged;
    put(line, 'sscc', l['sscc']);
    put(line, 'lot', text(l['lot']));
    put(line, 'note', text(l['note']));
    return line;
  });
  return out;
}
