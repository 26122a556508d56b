/** mappings/shopify/order-to-sales-order.jsonata, by hand. */
import { type Bindings, type Json, str, string, text } from '../common.ts';

function money(v: unknown): number | undefined {
  return typeof v === 'string' ? Number(v) : undefined;
}

function address(a: Json | undefined): Json | undefined {
  if (!a?.address1) return undefined;
  const out: Json = {};
  const name = text(a.name);
  if (name !== undefined) out.name = name;
  const company = text(a.company);
  if (company !== undefined) out.company = company;
  out.line1 = a.address1;
  const line2 = text(a.address2);
  if (line2 !== undefined) out.line2 = line2;
  if (a.city !== undefined) out.city = a.city;
  const region = text(a.province_code);
  if (region !== undefined) out.region = region;
  const postalCode = text(a.zip);
  if (postalCode !== undefined) out.postalCode = postalCode;
  if (a.country_code !== undefined) out.country = a.country_code;
  const phone = text(a.phone);
  if (phone !== undefined) out.phone = phone;
  return out;
}

export default function orderToSalesOrder(body: unknown, _bindings: Bindings): unknown {
  const input = body as Json;
  const o = (input.order !== undefined ? input.order : input) as Json;
  const ship = o.shipping_address as Json | undefined;
  const out: Json = { schemaVersion: 1 };
  const externalId = string(o.id);
  if (externalId !== undefined) out.externalId = externalId;
  if (o.name !== undefined) out.orderNumber = o.name;
  out.channel = 'shopify';
  if (o.created_at !== undefined) out.orderedAt = o.created_at;
  if (o.currency !== undefined) out.currency = o.currency;
  const c = o.customer as Json | undefined;
  if (c) {
    const customer: Json = {};
    const customerExternalId = string(c.id);
    if (customerExternalId !== undefined) customer.externalId = customerExternalId;
    const names = [c.first_name, c.last_name].filter((n) => typeof n === 'string');
    const customerName = text(names.join(' '));
    if (customerName !== undefined) customer.name = customerName;
    const customerEmail = text(o.email);
    if (customerEmail !== undefined) customer.email = customerEmail;
    out.customer = customer;
  }
  const billTo = address(o.billing_address as Json | undefined);
  if (billTo !== undefined) out.billTo = billTo;
  const shipTo = address(ship);
  if (shipTo !== undefined) out.shipTo = shipTo;
  if (ship !== undefined && text(ship.country_code)) {
    const province = text(ship.province_code);
    out.region = str(ship.country_code) + (province ? '-' + province : '');
  }
  const lines: Json[] = [];
  const items = (o.line_items ?? []) as Json[];
  for (let i = 0; i < items.length; i++) {
    const l = items[i] as Json;
    const line: Json = { lineNumber: i + 1 };
    const lineExternalLineId = string(l.id);
    if (lineExternalLineId !== undefined) line.externalLineId = lineExternalLineId;
    if (l.sku !== undefined) line.sku = l.sku;
    const lineDescription = text(l.name);
    if (lineDescription !== undefined) line.description = lineDescription;
    if (l.quantity !== undefined) line.quantity = l.quantity;
    line.unit = 'EA';
    if (l.price !== undefined) line.unitPrice = Number(l.price);
    lines.push(line);
  }
  out.lines = lines;
  const totals: Json = {};
  const totalsLines = money(o.total_line_items_price);
  if (totalsLines !== undefined) totals.lines = totalsLines;
  const totalsDiscount = money(o.total_discounts);
  if (totalsDiscount !== undefined) totals.discount = totalsDiscount;
  let shipping: number | undefined;
  for (const s of (o.shipping_lines ?? []) as Json[]) {
    const price = money(s.price);
    if (price !== undefined) shipping = (shipping ?? 0) + price;
  }
  if (shipping !== undefined) totals.shipping = shipping;
  const totalsTax = money(o.total_tax);
  if (totalsTax !== undefined) totals.tax = totalsTax;
  if (o.total_price !== undefined) totals.total = Number(o.total_price);
  out.totals = totals;
  const status = text(o.financial_status);
  if (status) out.payment = { status };
  const notes = text(o.note);
  if (notes !== undefined) out.notes = notes;
  return out;
}
