/** mappings/wms/shipment-confirmation-to-shipment.jsonata, by hand. */
import { type Bindings, type Json, put, text } from '../common.ts';

export default function shipmentConfirmationToShipment(body: unknown, _bindings: Bindings): unknown {
  const s = body as Json;
  const complete = s['complete'] === true;
  const order = (s['order'] ?? {}) as Json;
  const carrier = s['carrier'] as Json | undefined;
  const packages = s['packages'] as Json[] | undefined;
  const shipTo = s['shipTo'] as Json | undefined;
  const tracking: unknown[] = [];
  for (const p of packages ?? []) if (text(p['trackingNumber'])) tracking.push(p['trackingNumber']);
  const out: Json = { schemaVersion: 1 };
  put(out, 'shipmentId', s['shipmentId']);
  put(out, 'orderNumber', order['orderNumber']);
  put(out, 'externalOrderId', order['channelOrderId']);
  put(out, 'channel', order['channel']);
  put(out, 'location', s['warehouse']);
  put(out, 'shippedAt', s['shippedAt']);
  put(out, 'finalShipment', s['complete']);
  if (carrier && (carrier['scac'] || carrier['name'] || carrier['service'])) {
    const c: Json = {};
    put(c, 'scac', carrier['scac']);
    put(c, 'name', text(carrier['name']));
    put(c, 'service', text(carrier['service']));
    out['carrier'] = c;
  }
  if (tracking.length > 0) out['trackingNumbers'] = tracking;
  put(out, 'billOfLading', text(s['billOfLading']));
  if (shipTo) {
    const street = shipTo['street'] as unknown[] | undefined;
    const to: Json = {};
    put(to, 'name', text(shipTo['name']));
    put(to, 'company', text(shipTo['company']));
    put(to, 'line1', street?.[0]);
    put(to, 'line2', text(street?.[1]));
    put(to, 'city', shipTo['city']);
    put(to, 'region', text(shipTo['state']));
    put(to, 'postalCode', text(shipTo['postalCode']));
    put(to, 'country', shipTo['country']);
    put(to, 'phone', text(shipTo['phone']));
    out['shipTo'] = to;
  }
  if (packages !== undefined) {
    out['packages'] = packages.map((p) => {
      const pkg: Json = {};
      put(pkg, 'packageId', text(p['packageId']));
      put(pkg, 'sscc', p['sscc']);
      put(pkg, 'trackingNumber', text(p['trackingNumber']));
      if (p['weight'] !== undefined && p['weightUnit']) pkg['weight'] = { value: p['weight'], unit: p['weightUnit'] };
      if (p['length'] && p['width'] && p['height'] && p['dimensionUnit']) {
        pkg['dimensions'] = { length: p['length'], width: p['width'], height: p['height'], unit: p['dimensionUnit'] };
      }
      return pkg;
    });
  }
  out['lines'] = ((s['lines'] ?? []) as Json[]).map((l) => {
    const ordered = l['ordered'] as number | undefined;
    const shipped = l['shipped'] as number;
    const line: Json = {};
    put(line, 'lineNumber', l['orderLine']);
    put(line, 'externalLineId', text(l['channelLineId']));
    put(line, 'sku', l['sku']);
    put(line, 'quantityShipped', shipped);
    line['quantityBackordered'] = ordered !== undefined && ordered > shipped && !complete ? ordered - shipped : 0;
    put(line, 'unit', l['uom']);
    put(line, 'lot', text(l['lot']));
    return line;
  });
  return out;
}
