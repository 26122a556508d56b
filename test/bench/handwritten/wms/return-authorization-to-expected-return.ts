/** mappings/wms/return-authorization-to-expected-return.jsonata, by hand. */
import { type Bindings, type Json, str } from '../common.ts';

export default function returnToExpectedReturn(body: unknown, _bindings: Bindings): unknown {
  const ra = body as Json;
  const original = (ra.originalOrder ?? {}) as Json;
  const from = ra.returnFrom as Json | undefined;
  const out: Json = { expectedReturnId: str(ra.channel) + ':' + str(ra.rmaNumber) };
  out.status = ra.status === 'cancelled' ? 'cancelled' : 'expected';
  if (ra.location !== undefined) out.warehouse = ra.location;
  if (ra.rmaNumber !== undefined) out.rmaNumber = ra.rmaNumber;
  if (ra.channel !== undefined) out.channel = ra.channel;
  const order: Json = {};
  if (original.orderNumber !== undefined) order.orderNumber = original.orderNumber;
  if (original.externalOrderId !== undefined) order.channelOrderId = original.externalOrderId;
  if (original.shipmentId !== undefined) order.shipmentId = original.shipmentId;
  out.order = order;
  const customer = (ra.customer as Json | undefined)?.name;
  if (customer !== undefined) out.customer = customer;
  if (from) {
    const f: Json = {};
    if (from.name !== undefined) f.name = from.name;
    if (from.company !== undefined) f.company = from.company;
    f.street = [from.line1, from.line2].filter((s) => typeof s === 'string');
    if (from.city !== undefined) f.city = from.city;
    if (from.region !== undefined) f.state = from.region;
    if (from.postalCode !== undefined) f.postalCode = from.postalCode;
    if (from.country !== undefined) f.country = from.country;
    out.returnFrom = f;
  }
  if (ra.trackingNumbers !== undefined) out.trackingNumbers = ra.trackingNumbers;
  out.lines = ((ra.lines ?? []) as Json[]).map((l) => {
    const line: Json = {};
    if (l.lineNumber !== undefined) line.line = l.lineNumber;
    if (l.sku !== undefined) line.sku = l.sku;
    if (l.description !== undefined) line.description = l.description;
    if (l.quantity !== undefined) line.quantity = l.quantity;
    if (l.unit !== undefined) line.uom = l.unit;
    if (l.reasonCode !== undefined) line.reason = l.reasonCode;
    if (l.reasonText !== undefined) line.reasonText = l.reasonText;
    if (l.condition !== undefined) line.statedCondition = l.condition;
    if (l.disposition !== undefined) line.disposition = l.disposition;
    return line;
  });
  return out;
}
