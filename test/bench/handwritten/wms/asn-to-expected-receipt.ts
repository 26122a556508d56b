/** mappings/wms/asn-to-expected-receipt.jsonata, by hand. */
import { type Bindings, type Json, str } from '../common.ts';
import { asnItems } from './asn-items.ts';

const actions = new Map([
  ['original', 'create'],
  ['replace', 'replace'],
  ['cancel', 'cancel'],
]);

export default function asnToExpectedReceipt(body: unknown, bindings: Bindings): unknown {
  const asn = body as Json;
  const partner = (bindings.subject as string).split('.')[2];
  const id = 'asn:' + str(partner) + ':' + str(asn.shipmentId);
  const cancelled = asn.purpose === 'cancel';
  const supplier = (asn.supplier ?? {}) as Json;
  const carrier = (asn.carrier ?? {}) as Json;
  const out: Json = { expectedReceiptId: id };
  const action = actions.get((asn.purpose ? asn.purpose : 'original') as string);
  if (action !== undefined) out.action = action;
  const warehouse = (asn.shipTo as Json | undefined)?.id;
  if (warehouse !== undefined) out.warehouse = warehouse;
  const sup: Json = {};
  if (supplier.id !== undefined) sup.code = supplier.id;
  if (supplier.name !== undefined) sup.name = supplier.name;
  if (partner !== undefined) sup.partner = partner;
  out.supplier = sup;
  if (asn.shipmentId !== undefined) out.asnNumber = asn.shipmentId;
  if (asn.shipDate !== undefined) out.shippedOn = asn.shipDate;
  if (asn.estimatedDeliveryDate !== undefined) out.expectedOn = asn.estimatedDeliveryDate;
  const c: Json = {};
  if (carrier.scac !== undefined) c.scac = carrier.scac;
  const cName = carrier.name ? carrier.name : carrier.routing;
  if (cName !== undefined) c.name = cName;
  if (asn.billOfLading !== undefined) c.billOfLading = asn.billOfLading;
  if (asn.trackingNumbers !== undefined) c.trackingNumbers = asn.trackingNumbers;
  if (asn.trailerNumber !== undefined) c.trailer = asn.trailerNumber;
  out.carrier = c;
  const units: Json[] = [];
  for (const o of (asn.orders ?? []) as Json[]) {
    for (const p of (o.packs ?? []) as Json[]) {
      const unit: Json = {};
      if (p.sscc !== undefined) unit.sscc = p.sscc;
      if (p.packagingCode !== undefined) unit.type = p.packagingCode;
      if (p.palletSscc !== undefined) unit.onPallet = p.palletSscc;
      units.push(unit);
    }
  }
  out.handlingUnits = units;
  out.lines = asnItems(asn.orders).map((l, i) => {
    const item = l.item as Json;
    const line: Json = { lineId: id + ':' + String(i + 1) };
    if (l.poNumber !== undefined) line.poNumber = l.poNumber;
    if (item.poLineNumber !== undefined) line.poLine = item.poLineNumber;
    if (item.sku !== undefined) line.sku = item.sku;
    if (item.gtin !== undefined) line.gtin = item.gtin;
    if (item.supplierPartNumber !== undefined) line.supplierItem = item.supplierPartNumber;
    if (item.description !== undefined) line.description = item.description;
    const lineQuantity = cancelled ? 0 : item.quantity;
    if (lineQuantity !== undefined) line.quantity = lineQuantity;
    if (item.unit !== undefined) line.uom = item.unit;
    if (l.sscc !== undefined) line.sscc = l.sscc;
    if (item.lot !== undefined) line.lot = item.lot;
    if (item.expiryDate !== undefined) line.expiry = item.expiryDate;
    return line;
  });
  return out;
}
