/** mappings/b2b-portal/order-to-sales-order.jsonata, by hand. */
import { type Bindings, type Json, round, str, string, text } from '../common.ts';

function address(a: Json | undefined): Json | undefined {
  if (!a) return undefined;
  const street = a.street as unknown[] | undefined;
  const out: Json = {};
  const name = text(a.name);
  if (name !== undefined) out.name = name;
  const company = text(a.company);
  if (company !== undefined) out.company = company;
  if (street?.[0] !== undefined) out.line1 = street?.[0];
  const line2 = text(street?.[1]);
  if (line2 !== undefined) out.line2 = line2;
  if (a.city !== undefined) out.city = a.city;
  const region = text(a.state);
  if (region !== undefined) out.region = region;
  const postalCode = text(a.postalCode);
  if (postalCode !== undefined) out.postalCode = postalCode;
  if (a.country !== undefined) out.country = a.country;
  const phone = text(a.phone);
  if (phone !== undefined) out.phone = phone;
  return out;
}

export default function b2bOrderToSalesOrder(body: unknown, _bindings: Bindings): unknown {
  const o = body as Json;
  const account = (o.account ?? {}) as Json;
  const buyer = (account.buyer ?? {}) as Json;
  const shipTo = o.shipTo as Json | undefined;
  const items = (o.lines ?? []) as Json[];
  let linesTotal: number | undefined;
  for (const l of items) {
    if (typeof l.quantity === 'number' && typeof l.unitPrice === 'number') linesTotal = (linesTotal ?? 0) + l.quantity * l.unitPrice;
  }
  const out: Json = { schemaVersion: 1 };
  if (o.orderId !== undefined) out.externalId = o.orderId;
  const orderNumber = text(o.poNumber) ? o.poNumber : o.orderId;
  if (orderNumber !== undefined) out.orderNumber = orderNumber;
  out.channel = 'b2b-portal';
  if (o.submittedAt !== undefined) out.orderedAt = o.submittedAt;
  if (o.currency !== undefined) out.currency = o.currency;
  const customer: Json = {};
  if (account.number !== undefined) customer.externalId = account.number;
  if (account.number !== undefined) customer.accountNumber = account.number;
  const customerName = text(account.name);
  if (customerName !== undefined) customer.name = customerName;
  const customerEmail = text(buyer.email);
  if (customerEmail !== undefined) customer.email = customerEmail;
  const customerPhone = text(buyer.phone);
  if (customerPhone !== undefined) customer.phone = customerPhone;
  out.customer = customer;
  const billToAddress = address(o.billTo as Json | undefined);
  if (billToAddress !== undefined) out.billTo = billToAddress;
  const shipToAddress = address(shipTo);
  if (shipToAddress !== undefined) out.shipTo = shipToAddress;
  const state = text(shipTo?.state);
  out.region = str(shipTo?.country) + (state ? '-' + state : '');
  const shipDate = o.requestedShipDate;
  out.lines = items.map((l) => {
    const line: Json = {};
    if (l.line !== undefined) line.lineNumber = l.line;
    const lineExternalLineId = string(l.line);
    if (lineExternalLineId !== undefined) line.externalLineId = lineExternalLineId;
    if (l.sku !== undefined) line.sku = l.sku;
    const lineDescription = text(l.description);
    if (lineDescription !== undefined) line.description = lineDescription;
    if (l.quantity !== undefined) line.quantity = l.quantity;
    if (l.uom !== undefined) line.unit = l.uom;
    if (l.unitPrice !== undefined) line.unitPrice = l.unitPrice;
    const lineRequestedShipDate = l.requestedShipDate ? l.requestedShipDate : shipDate;
    if (lineRequestedShipDate !== undefined) line.requestedShipDate = lineRequestedShipDate;
    return line;
  });
  const totals: Json = {};
  if (linesTotal !== undefined) totals.lines = round(linesTotal, 2);
  if (o.freight !== undefined) totals.shipping = o.freight;
  if (o.tax !== undefined) totals.tax = o.tax;
  if (o.total !== undefined) totals.total = o.total;
  out.totals = totals;
  const payment: Json = { status: 'on_account' };
  const paymentTerms = text(o.paymentTerms);
  if (paymentTerms !== undefined) payment.terms = paymentTerms;
  out.payment = payment;
  const notes = text(o.comments);
  if (notes !== undefined) out.notes = notes;
  return out;
}
