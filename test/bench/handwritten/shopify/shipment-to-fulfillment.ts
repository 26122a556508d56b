/** mappings/shopify/shipment-to-fulfillment.jsonata, by hand. */
import { type Bindings, type Json } from '../common.ts';

export default function shipmentToFulfillment(body: unknown, _bindings: Bindings): unknown {
  const s = body as Json;
  const carrier = s.carrier as Json | undefined;
  const tracking = s.trackingNumbers as unknown[] | undefined;
  const f: Json = {};
  if (s.externalOrderId !== undefined) f.order_id = Number(s.externalOrderId);
  f.status = 'success';
  f.notify_customer = true;
  const fTracking_company = carrier?.name ? carrier.name : carrier?.scac;
  if (fTracking_company !== undefined) f.tracking_company = fTracking_company;
  if (tracking?.[0] !== undefined) f.tracking_number = tracking?.[0];
  if (tracking !== undefined) f.tracking_numbers = tracking;
  const items: Json[] = [];
  for (const l of (s.lines ?? []) as Json[]) {
    if (!((l.quantityShipped as number) > 0)) continue;
    const item: Json = {};
    if (l.externalLineId !== undefined) item.id = Number(l.externalLineId);
    item.quantity = l.quantityShipped;
    items.push(item);
  }
  f.line_items = items;
  return { fulfillment: f };
}
