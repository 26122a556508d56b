/** mappings/outputs/supplier-asns.jsonata, by hand. */
import { type Bindings, type Json, str } from '../common.ts';
import { asnItems } from '../wms/asn-items.ts';

function itemName(item: Json): string {
  return item.supplierPartNumber ? 'supplier item ' + str(item.supplierPartNumber) : 'GTIN ' + str(item.gtin);
}

export default function supplierAsnOutputs(body: unknown, bindings: Bindings): unknown {
  const asn = body as Json;
  const headers = bindings.headers as Json;
  const prefix = 'asn:' + str(headers['X-Partner']) + ':' + str(asn.shipmentId);
  const shipTo = asn.shipTo as Json | undefined;
  const location = shipTo?.id;
  const cancelled = asn.purpose === 'cancel';
  const eta = asn.estimatedDeliveryDate ? asn.estimatedDeliveryDate : asn.shipDate;
  const lines = asnItems(asn.orders);
  const inventory: Json[] = [];
  const unmapped: Json[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as Json;
    const item = l.item as Json;
    const n = String(i + 1);
    const lineId = prefix + ':' + n;
    if (item.sku === undefined) {
      unmapped.push({ lineId, ...l });
      continue;
    }
    const event: Json = { schemaVersion: 1, id: lineId, kind: 'asn', sku: item.sku };
    if (location !== undefined) event.location = location;
    const eventQuantity = cancelled ? 0 : item.quantity;
    if (eventQuantity !== undefined) event.quantity = eventQuantity;
    if (eta !== undefined) event.eta = eta;
    const document: Json = { type: '856' };
    if (asn.shipmentId !== undefined) document.number = asn.shipmentId;
    document.line = n;
    event.document = document;
    inventory.push(event);
  }
  const out: Json = { erp: asn, inventory };
  if (unmapped.length > 0) {
    const supplier = (asn.supplier ?? {}) as Json;
    const described = unmapped.map((u) => {
      const item = u.item as Json;
      return itemName(item) + ' x ' + str(item.quantity) + ' ' + str(item.unit);
    });
    const exception: Json = {
      type: 'unmapped-items',
      reason:
        'ASN ' + str(asn.shipmentId) + ' from ' + str(supplier.name ? supplier.name : supplier.id) + ': ' +
        String(unmapped.length) + ' of ' + String(lines.length) + ' line(s) name no SKU of ours (LIN BP), so they are not counted as ' +
        'inbound supply at ' + str(location) + ': ' + described.join(', '),
    };
    if (asn.shipmentId !== undefined) exception.shipmentId = asn.shipmentId;
    if (asn.supplier !== undefined) exception.supplier = asn.supplier;
    exception.lines = unmapped.map((u) => {
      const line: Json = { lineId: u.lineId };
      if (u.poNumber !== undefined) line.poNumber = u.poNumber;
      if (u.sscc !== undefined) line.sscc = u.sscc;
      return Object.assign(line, u.item as Json);
    });
    exception.documents = [asn];
    out.exception = exception;
  }
  return out;
}
