/** mappings/wms/release-to-warehouse-order.jsonata, by hand. */
import { type Bindings, type Json, str, text } from '../common.ts';

/** Sets `key` when the value is not undefined (a JSONata object constructor drops undefined). */
function put(out: Json, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

export default function releaseToWarehouseOrder(body: unknown, _bindings: Bindings): unknown {
  const r = body as Json;
  const out: Json = { warehouseOrderId: 'release:' + str(r.location) + ':' + str(r.releaseId) };
  put(out, 'warehouse', r.location);
  put(out, 'channel', r.channel);
  put(out, 'orderNumber', r.orderNumber);
  put(out, 'channelOrderId', text(r.externalId));
  put(out, 'erpOrderNumber', r.erpOrderNumber);
  put(out, 'releaseNumber', r.releaseId);
  put(out, 'releasedAt', r.releasedAt);
  put(out, 'shipBy', r.requestedShipDate);
  const customer = r.customer as Json | undefined;
  if (customer) {
    const c: Json = {};
    put(c, 'account', text(customer.accountNumber));
    put(c, 'name', text(customer.name));
    out.customer = c;
  }
  const s = (r.shipTo ?? {}) as Json;
  const shipTo: Json = {};
  put(shipTo, 'name', text(s.name));
  put(shipTo, 'company', text(s.company));
  shipTo.street = [s.line1, text(s.line2)].filter((l) => l !== undefined);
  put(shipTo, 'city', s.city);
  put(shipTo, 'state', text(s.region));
  put(shipTo, 'postalCode', text(s.postalCode));
  put(shipTo, 'country', s.country);
  put(shipTo, 'phone', text(s.phone));
  out.shipTo = shipTo;
  put(out, 'instructions', text(r.notes));
  out.lines = ((r.lines ?? []) as Json[]).map((l) => {
    const line: Json = {};
    put(line, 'orderLine', l.lineNumber);
    put(line, 'channelLineId', text(l.externalLineId));
    put(line, 'sku', l.sku);
    put(line, 'description', text(l.description));
    put(line, 'quantity', l.quantity);
    put(line, 'uom', l.unit);
    return line;
  });
  return out;
}
