/** mappings/wms/return-authorization-to-expected-return.jsonata, by hand. */
import { type Bindings, type Json, put, str } from '../common.ts';

export default function returnToExpectedReturn(body: unknown, _bindings: Bindings): unknown {
  const ra = body as Json;
  const original = (ra['originalOrder'] ?? {}) as Json;
  const from = ra['returnFrom'] as Json | undefined;
  const out: Json = { expectedReturnId: str(ra['channel']) + ':' + str(ra['rmaNumber']) };
  out['status'] = ra['status'] === 'cancelled' ? 'cancelled' : 'expected';
  put(out, 'warehouse', ra['location']);
  put(out, 'rmaNumber', ra['rmaNumber']);
  put(out, 'channel', ra['channel']);
  const order: Json = {};
  put(order, 'orderNumber', original['orderNumber']);
  put(order, 'channelOrderId', original['externalOrderId']);
  put(order, 'shipmentId', original['shipmentId']);
  out['order'] = order;
  put(out, 'customer', (ra['customer'] as Json | undefined)?.['name']);
  if (from) {
    const f: Json = {};
    put(f, 'name', from['name']);
    put(f, 'company', from['company']);
    f['street'] = [from['line1'], from['line2']].filter((s) => typeof s === 'string');
    put(f, 'city', from['city']);
    put(f, 'state', from['region']);
    put(f, 'postalCode', from['postalCode']);
    put(f, 'country', from['country']);
    out['returnFrom'] = f;
  }
  put(out, 'trackingNumbers', ra['trackingNumbers']);
  out['lines'] = ((ra['lines'] ?? []) as Json[]).map((l) => {
    const line: Json = {};
    put(line, 'line', l['lineNumber']);
    put(line, 'sku', l['sku']);
    put(line, 'description', l['description']);
    put(line, 'quantity', l['quantity']);
    put(line, 'uom', l['unit']);
    put(line, 'reason', l['reasonCode']);
    put(line, 'reasonText', l['reasonText']);
    put(line, 'statedCondition', l['condition']);
    put(line, 'disposition', l['disposition']);
    return line;
  });
  return out;
}
