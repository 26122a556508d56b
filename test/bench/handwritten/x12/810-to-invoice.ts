/** mappings/x12/810-to-invoice.jsonata, by hand. */
import { type Bindings, type Json, first, freeFormDescription, gtin, isoDate, put, round, str, text } from '../common.ts';
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
  const inv = msg['document'] as Json;
  const big = (inv['big'] ?? {}) as Json;
  const parties = (inv['parties'] ?? []) as Json[];
  const vendor = parties.find((p) => (p['role'] === 'SU' || p['role'] === 'VN' || p['role'] === 'RE') && p['idQualifier'] === '92');
  const itd = (inv['terms'] as Json[] | undefined)?.[0];
  const lines = ((inv['lines'] ?? []) as Json[]).map((l, i) => {
    const ids = l['productIds'] as Json | undefined;
    const n = numeric(l['lineNumber']);
    const line: Json = { lineNumber: n ? n : i + 1 };
    put(line, 'poLineNumber', n);
    put(line, 'sku', ids?.['BP'] ? ids['BP'] : ids?.['IN']);
    put(line, 'supplierPartNumber', ids?.['VN'] ? ids['VN'] : ids?.['VP']);
    put(line, 'gtin', gtin(ids));
    put(line, 'description', freeFormDescription(l['descriptions']));
    put(line, 'quantity', l['quantity']);
    put(line, 'unit', l['unit']);
    put(line, 'unitPrice', l['unitPrice']);
    if (typeof l['quantity'] === 'number' && typeof l['unitPrice'] === 'number') line['amount'] = round(l['quantity'] * l['unitPrice'], 2);
    return line;
  });
  const charges = ((inv['charges'] ?? []) as Json[]).map((c) => {
    const charge: Json = { type: c['indicator'] === 'A' ? 'allowance' : 'charge' };
    put(charge, 'code', c['code']);
    put(charge, 'description', text(c['description']));
    put(charge, 'amount', c['amount']);
    put(charge, 'percent', c['percent']);
    return charge;
  });
  const out: Json = { schemaVersion: 1 };
  put(out, 'invoiceNumber', big['invoiceNumber']);
  out['invoiceType'] = invoiceTypes.get(big['transactionType'] as string) ?? 'invoice';
  put(out, 'invoiceDate', big['date']);
  put(out, 'poNumber', big['poNumber']);
  put(out, 'poDate', big['poDate']);
  put(out, 'shipmentId', first(inv['refs'], 'qualifier', 'SI')?.['value']);
  put(out, 'shipDate', first(inv['dates'], 'qualifier', '011')?.['date']);
  const supplier: Json = {};
  put(supplier, 'id', vendor ? vendor['id'] : msg['sender']);
  put(supplier, 'name', text(vendor?.['name']));
  put(supplier, 'partnerId', msg['sender']);
  out['supplier'] = supplier;
  put(out, 'remitTo', party(first(parties, 'role', 'RE')));
  put(out, 'billTo', party(first(parties, 'role', 'BT')));
  const currency = (inv['currency'] as Json | undefined)?.['code'];
  out['currency'] = currency ? currency : 'USD';
  if (itd) {
    const terms: Json = {};
    put(terms, 'basis', basis.get(itd['basisDateCode'] as string));
    put(terms, 'discountPercent', itd['discountPercent']);
    put(terms, 'discountDays', itd['discountDaysDue']);
    put(terms, 'discountDueDate', itd['discountDueDate']);
    put(terms, 'netDays', itd['netDays']);
    put(terms, 'netDueDate', itd['netDueDate']);
    put(terms, 'description', text(itd['description']));
    out['terms'] = terms;
  }
  if (itd?.['netDueDate']) out['dueDate'] = itd['netDueDate'];
  else if (itd?.['netDays'] !== undefined) out['dueDate'] = isoDate(Date.parse(big['date'] as string) + (itd['netDays'] as number) * 86400000);
  out['lines'] = lines;
  if (charges.length > 0) out['charges'] = charges;
  const totals: Json = {};
  let linesTotal: number | undefined;
  for (const l of lines) if (l['amount'] !== undefined) linesTotal = (linesTotal ?? 0) + (l['amount'] as number);
  if (linesTotal !== undefined) totals['lines'] = round(linesTotal, 2);
  let chargeTotal: number | undefined;
  let allowanceTotal: number | undefined;
  let chargeCount = 0;
  let allowanceCount = 0;
  for (const c of charges) {
    const amount = c['amount'] as number | undefined;
    if (c['type'] === 'charge') {
      chargeCount++;
      if (amount !== undefined) chargeTotal = (chargeTotal ?? 0) + amount;
    } else {
      allowanceCount++;
      if (amount !== undefined) allowanceTotal = (allowanceTotal ?? 0) + amount;
    }
  }
  if (chargeCount > 0 && chargeTotal !== undefined) totals['charges'] = round(chargeTotal, 2);
  if (allowanceCount > 0 && allowanceTotal !== undefined) totals['allowances'] = round(allowanceTotal, 2);
  put(totals, 'total', (inv['total'] as Json | undefined)?.['amount']);
  out['totals'] = totals;
  return out;
}
