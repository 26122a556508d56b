/** mappings/shopify/order-to-sales-order.jsonata, by hand. */
import { type Bindings, type Json, put, str, string, text } from '../common.ts';

function money(v: unknown): number | undefined {
  return typeof v === 'string' ? Number(v) : undefined;
}

function address(a: Json | undefined): Json | undefined {
  if (!a?.['address1']) return undefined;
  const out: Json = {};
  put(out, 'name', text(a['name']));
  put(out, 'company', text(a['company']));
  out['line1'] = a['address1'];
  put(out, 'line2', text(a['address2']));
  put(out, 'city', a['city']);
  put(out, 'region', text(a['province_code']));
  put(out, 'postalCode', text(a['zip']));
  put(out, 'country', a['country_code']);
  put(out, 'phone', text(a['phone']));
  return out;
}

export default function orderToSalesOrder(body: unknown, _bindings: Bindings): unknown {
  const input = body as Json;
  const o = (input['order'] !== undefined ? input['order'] : input) as Json;
  const ship = o['shipping_address'] as Json | undefined;
  const out: Json = { schemaVersion: 1 };
  put(out, 'externalId', string(o['id']));
  put(out, 'orderNumber', o['name']);
  out['channel'] = 'shopify';
  put(out, 'orderedAt', o['created_at']);
  put(out, 'currency', o['currency']);
  const c = o['customer'] as Json | undefined;
  if (c) {
    const customer: Json = {};
    put(customer, 'externalId', string(c['id']));
    const names = [c['first_name'], c['last_name']].filter((n) => typeof n === 'string');
    put(customer, 'name', text(names.join(' ')));
    put(customer, 'email', text(o['email']));
    out['customer'] = customer;
  }
  put(out, 'billTo', address(o['billing_address'] as Json | undefined));
  put(out, 'shipTo', address(ship));
  if (ship !== undefined && text(ship['country_code'])) {
    const province = text(ship['province_code']);
    out['region'] = str(ship['country_code']) + (province ? '-' + province : '');
  }
  const lines: Json[] = [];
  const items = (o['line_items'] ?? []) as Json[];
  for (let i = 0; i < items.length; i++) {
    const l = items[i] as Json;
    const line: Json = { lineNumber: i + 1 };
    put(line, 'externalLineId', string(l['id']));
    put(line, 'sku', l['sku']);
    put(line, 'description', text(l['name']));
    put(line, 'quantity', l['quantity']);
    line['unit'] = 'EA';
    if (l['price'] !== undefined) line['unitPrice'] = Number(l['price']);
    lines.push(line);
  }
  out['lines'] = lines;
  const totals: Json = {};
  put(totals, 'lines', money(o['total_line_items_price']));
  put(totals, 'discount', money(o['total_discounts']));
  let shipping: number | undefined;
  for (const s of (o['shipping_lines'] ?? []) as Json[]) {
    const price = money(s['price']);
    if (price !== undefined) shipping = (shipping ?? 0) + price;
  }
  put(totals, 'shipping', shipping);
  put(totals, 'tax', money(o['total_tax']));
  if (o['total_price'] !== undefined) totals['total'] = Number(o['total_price']);
  out['totals'] = totals;
  const status = text(o['financial_status']);
  if (status) out['payment'] = { status };
  put(out, 'notes', text(o['note']));
  return out;
}
