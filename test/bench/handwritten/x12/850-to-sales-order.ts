/** mappings/x12/850-to-sales-order.jsonata, by hand. */
import { type Bindings, type Json, first, freeFormDescription, round, str, text } from '../common.ts';

function address(p: Json | undefined): Json | undefined {
  const lines = p?.address as unknown[] | undefined;
  if (p === undefined || !lines?.[0] || !p.city) return undefined;
  const out: Json = {};
  const company = text(p.name);
  if (company !== undefined) out.company = company;
  out.line1 = lines[0];
  const line2 = text(lines[1]);
  if (line2 !== undefined) out.line2 = line2;
  out.city = p.city;
  const region = text(p.state);
  if (region !== undefined) out.region = region;
  const postalCode = text(p.postalCode);
  if (postalCode !== undefined) out.postalCode = postalCode;
  out.country = text(p.country) ? p.country : 'US';
  return out;
}

export default function x12OrderToSalesOrder(body: unknown, _bindings: Bindings): unknown {
  const msg = body as Json;
  const po = msg.document as Json;
  const beg = (po.beg ?? {}) as Json;
  const shipTo = first(po.parties, 'role', 'ST');
  const billTo = first(po.parties, 'role', 'BT');
  const buyer = first(po.parties, 'role', 'BY');
  const requested = first(po.dates, 'qualifier', '002')?.date;
  const terms = (po.terms as Json[] | undefined)?.[0];
  const poLines = (po.lines ?? []) as Json[];
  const out: Json = { schemaVersion: 1 };
  if (beg.poNumber !== undefined) out.externalId = beg.poNumber;
  if (beg.poNumber !== undefined) out.orderNumber = beg.poNumber;
  out.channel = 'edi-' + str(msg.partner);
  out.orderedAt = str(beg.date) + 'T00:00:00Z';
  const currency = (po.currency as Json | undefined)?.code;
  out.currency = currency ? currency : 'USD';
  const customer: Json = {};
  if (msg.sender !== undefined) customer.externalId = msg.sender;
  const customerName = text(buyer?.name) ? buyer?.name : text(shipTo?.name);
  if (customerName !== undefined) customer.name = customerName;
  out.customer = customer;
  const billToAddress = address(billTo);
  if (billToAddress !== undefined) out.billTo = billToAddress;
  const shipToAddress = address(shipTo);
  if (shipToAddress !== undefined) out.shipTo = shipToAddress;
  if (shipTo?.city) {
    const state = text(shipTo.state);
    out.region = str(text(shipTo.country) ? shipTo.country : 'US') + (state ? '-' + state : '');
  }
  out.lines = poLines.map((l, i) => {
    const ids = l.productIds as Json | undefined;
    const line: Json = { lineNumber: i + 1 };
    if (l.lineNumber !== undefined) line.externalLineId = l.lineNumber;
    const lineSku = ids?.VN ? ids.VN : ids?.VP;
    if (lineSku !== undefined) line.sku = lineSku;
    const lineDescription = freeFormDescription(l.descriptions);
    if (lineDescription !== undefined) line.description = lineDescription;
    if (l.quantity !== undefined) line.quantity = l.quantity;
    if (l.unit !== undefined) line.unit = l.unit;
    if (l.unitPrice !== undefined) line.unitPrice = l.unitPrice;
    const lineRequestedShipDate = first(l.dates, 'qualifier', '010')?.date;
    if (lineRequestedShipDate !== undefined) line.requestedShipDate = lineRequestedShipDate;
    return line;
  });
  let linesTotal: number | undefined;
  for (const l of poLines) {
    if (typeof l.quantity === 'number' && typeof l.unitPrice === 'number') linesTotal = (linesTotal ?? 0) + l.quantity * l.unitPrice;
  }
  const rounded = linesTotal === undefined ? undefined : round(linesTotal, 2);
  const totals: Json = {};
  if (rounded !== undefined) totals.lines = rounded;
  const stated = first(po.amounts, 'qualifier', '1')?.amount;
  const totalsTotal = stated ? stated : rounded;
  if (totalsTotal !== undefined) totals.total = totalsTotal;
  out.totals = totals;
  if (terms) {
    const parts: string[] = [];
    if (terms.discountPercent) parts.push(str(terms.discountPercent) + '% ' + str(terms.discountDaysDue) + ' days');
    if (terms.netDays) parts.push('net ' + str(terms.netDays));
    const payment: Json = { status: 'on_account' };
    if (parts.length > 0) payment.terms = parts.join(', ');
    out.payment = payment;
  }
  if (requested) out.notes = 'Requested delivery ' + str(requested) + ' (DTM*002).';
  return out;
}
