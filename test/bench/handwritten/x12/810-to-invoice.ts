/** mappings/x12/810-to-invoice.jsonata, by hand. */
import { type Bindings, type Json, first, isoDate, round, str, text, writeItemIdentity } from '../common.ts';
import { party } from './parties.ts';

const basis = new Map([
  ['1', 'ship-date'],
  ['2', 'delivery-date'],
  ['3', 'invoice-date'],
  ['5', 'invoice-receipt-date'],
  ['15', 'goods-receipt-date'],
]);
const invoiceTypes = new Map([
  ['CR', 'credit-memo'],
  ['DR', 'debit-memo'],
]);

function numeric(v: unknown): number | undefined {
  return v !== undefined && /^[0-9]+$/.test(str(v)) ? Number(v) : undefined;
}

export default function x12InvoiceToInvoice(body: unknown, _bindings: Bindings): unknown {
  const msg = body as Json;
  const inv = msg.document as Json;
  const big = (inv.big ?? {}) as Json;
  const parties = (inv.parties ?? []) as Json[];
  const vendor = parties.find((p) => (p.role === 'SU' || p.role === 'VN' || p.role === 'RE') && p.idQualifier === '92');
  const itd = (inv.terms as Json[] | undefined)?.[0];
  const lines = ((inv.lines ?? []) as Json[]).map((l, i) => {
    const ids = l.productIds as Json | undefined;
    const n = numeric(l.lineNumber);
    const line: Json = { lineNumber: n ? n : i + 1 };
    if (n !== undefined) line.poLineNumber = n;
    writeItemIdentity(line, ids, l.descriptions);
    if (l.quantity !== undefined) line.quantity = l.quantity;
    if (l.unit !== undefined) line.unit = l.unit;
    if (l.unitPrice !== undefined) line.unitPrice = l.unitPrice;
    if (typeof l.quantity === 'number' && typeof l.unitPrice === 'number') line.amount = round(l.quantity * l.unitPrice, 2);
    return line;
  });
  const charges = ((inv.charges ?? []) as Json[]).map((c) => {
    const charge: Json = { type: c.indicator === 'A' ? 'allowance' : 'charge' };
    if (c.code !== undefined) charge.code = c.code;
    const chargeDescription = text(c.description);
    if (chargeDescription !== undefined) charge.description = chargeDescription;
    if (c.amount !== undefined) charge.amount = c.amount;
    if (c.percent !== undefined) charge.percent = c.percent;
    return charge;
  });
  const out: Json = { schemaVersion: 1 };
  if (big.invoiceNumber !== undefined) out.invoiceNumber = big.invoiceNumber;
  out.invoiceType = invoiceTypes.get(big.transactionType as string) ?? 'invoice';
  if (big.date !== undefined) out.invoiceDate = big.date;
  if (big.poNumber !== undefined) out.poNumber = big.poNumber;
  if (big.poDate !== undefined) out.poDate = big.poDate;
  const shipmentId = first(inv.refs, 'qualifier', 'SI')?.value;
  if (shipmentId !== undefined) out.shipmentId = shipmentId;
  const shipDate = first(inv.dates, 'qualifier', '011')?.date;
  if (shipDate !== undefined) out.shipDate = shipDate;
  const supplier: Json = {};
  const supplierId = vendor ? vendor.id : msg.sender;
  if (supplierId !== undefined) supplier.id = supplierId;
  const supplierName = text(vendor?.name);
  if (supplierName !== undefined) supplier.name = supplierName;
  if (msg.sender !== undefined) supplier.partnerId = msg.sender;
  out.supplier = supplier;
  const remitTo = party(first(parties, 'role', 'RE'));
  if (remitTo !== undefined) out.remitTo = remitTo;
  const billTo = party(first(parties, 'role', 'BT'));
  if (billTo !== undefined) out.billTo = billTo;
  const currency = (inv.currency as Json | undefined)?.code;
  out.currency = currency ? currency : 'USD';
  if (itd) {
    const terms: Json = {};
    const termsBasis = basis.get(itd.basisDateCode as string);
    if (termsBasis !== undefined) terms.basis = termsBasis;
    if (itd.discountPercent !== undefined) terms.discountPercent = itd.discountPercent;
    if (itd.discountDaysDue !== undefined) terms.discountDays = itd.discountDaysDue;
    if (itd.discountDueDate !== undefined) terms.discountDueDate = itd.discountDueDate;
    if (itd.netDays !== undefined) terms.netDays = itd.netDays;
    if (itd.netDueDate !== undefined) terms.netDueDate = itd.netDueDate;
    const termsDescription = text(itd.description);
    if (termsDescription !== undefined) terms.description = termsDescription;
    out.terms = terms;
  }
  if (itd?.netDueDate) out.dueDate = itd.netDueDate;
  else if (itd?.netDays !== undefined) out.dueDate = isoDate(Date.parse(big.date as string) + (itd.netDays as number) * 86400000);
  out.lines = lines;
  if (charges.length > 0) out.charges = charges;
  const totals: Json = {};
  let linesTotal: number | undefined;
  for (const l of lines) if (l.amount !== undefined) linesTotal = (linesTotal ?? 0) + (l.amount as number);
  if (linesTotal !== undefined) totals.lines = round(linesTotal, 2);
  let chargeTotal: number | undefined;
  let allowanceTotal: number | undefined;
  let chargeCount = 0;
  let allowanceCount = 0;
  for (const c of charges) {
    const amount = c.amount as number | undefined;
    if (c.type === 'charge') {
      chargeCount++;
      if (amount !== undefined) chargeTotal = (chargeTotal ?? 0) + amount;
    } else {
      allowanceCount++;
      if (amount !== undefined) allowanceTotal = (allowanceTotal ?? 0) + amount;
    }
  }
  if (chargeCount > 0 && chargeTotal !== undefined) totals.charges = round(chargeTotal, 2);
  if (allowanceCount > 0 && allowanceTotal !== undefined) totals.allowances = round(allowanceTotal, 2);
  const totalsTotal = (inv.total as Json | undefined)?.amount;
  if (totalsTotal !== undefined) totals.total = totalsTotal;
  out.totals = totals;
  return out;
}
