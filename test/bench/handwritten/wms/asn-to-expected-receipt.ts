/** mappings/wms/asn-to-expected-receipt.jsonata, by hand. */
import { type Bindings, type Json, put, str } from '../common.ts';
import { asnItems } from './asn-items.ts';

const actions = new Map([
  ['original', 'create'],
  ['replace', 'replace'],
  ['cancel', 'cancel'],
]);

export default function asnToExpectedReceipt(body: unknown, bindings: Bindings): unknown {
  const asn = body as Json;
  const partner = (bindings['subject'] as string).split('.')[2];
  const id = 'asn:' + str(partner) + ':' + str(asn['shipmentId']);
  const cancelled = asn['purpose'] === 'cancel';
  const supplier = (asn['supplier'] ?? {}) as Json;
  const carrier = (asn['carrier'] ?? {}) as Json;
  const out: Json = { expectedReceiptId: id };
  put(out, 'action', actions.get((asn['purpose'] ? asn['purpose'] : 'original') as string));
  put(out, 'warehouse', (asn['shipTo'] as Json | undefined)?.['id']);
  const sup: Json = {};
  put(sup, 'code', supplier['id']);
  put(sup, 'name', supplier['name']);
  put(sup, 'partner', partner);
  out['supplier'] = sup;
  put(out, 'asnNumber', asn['shipmentId']);
  put(out, 'shippedOn', asn['shipDate']);
  put(out, 'expectedOn', asn['estimatedDeliveryDate']);
  const c: Json = {};
  put(c, 'scac', carrier['scac']);
  put(c, 'name', carrier['name'] ? carrier['name'] : carrier['routing']);
  put(c, 'billOfLading', asn['billOfLading']);
  put(c, 'trackingNumbers', asn['trackingNumbers']);
  put(c, 'trailer', asn['trailerNumber']);
  out['carrier'] = c;
  const units: Json[] = [];
  for (const o of (asn['orders'] ?? []) as Json[]) {
    for (const p of (o['packs'] ?? []) as Json[]) {
      const unit: Json = {};
      put(unit, 'sscc', p['sscc']);
      put(unit, 'type', p['packagingCode']);
      put(unit, 'onPallet', p['palletSscc']);
      units.push(unit);
    }
  }
  out['handlingUnits'] = units;
  out['lines'] = asnItems(asn['orders']).map((l, i) => {
    const item = l['item'] as Json;
    const line: Json = { lineId: id + ':' + String(i + 1) };
    put(line, 'poNumber', l['poNumber']);
    put(line, 'poLine', item['poLineNumber']);
    put(line, 'sku', item['sku']);
    put(line, 'gtin', item['gtin']);
    put(line, 'supplierItem', item['supplierPartNumber']);
    put(line, 'description', item['description']);
    put(line, 'quantity', cancelled ? 0 : item['quantity']);
    put(line, 'uom', item['unit']);
    put(line, 'sscc', l['sscc']);
    put(line, 'lot', item['lot']);
    put(line, 'expiry', item['expiryDate']);
    return line;
  });
  return out;
}
