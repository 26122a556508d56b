/** mappings/x12/invoice-to-810.jsonata, by hand. */
import { type Bindings, type Json, round, string, termsBasis as basis, text } from '../common.ts';

const memoTypes = new Map([
  ['credit-memo', 'CR'],
  ['debit-memo', 'DR'],
]);

/** Sets `key` when the value is not undefined (a JSONata object constructor drops undefined). */
function put(out: Json, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

/** JSONata's truth of a value, as `?:` and `or` read it. */
function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(truthy);
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

const cents = (amount: unknown): number | undefined => (typeof amount === 'number' ? round(amount * 100, 0) : undefined);
const gtinQualifier = (g: string): string => (g.length === 14 ? 'UK' : g.length === 12 ? 'UP' : 'EN');

function party(role: string, qualifier: string, p: Json | undefined): Json | undefined {
  if (!truthy(p)) return undefined;
  const party = p as Json;
  const a = party.address as Json | undefined;
  const out: Json = { role };
  put(out, 'name', text(party.name) ? party.name : text(a?.company));
  out.idQualifier = qualifier;
  put(out, 'id', party.id);
  if (truthy(a)) out.address = [a?.line1, text(a?.line2)].filter((l) => l !== undefined);
  put(out, 'city', a?.city);
  put(out, 'state', text(a?.region));
  put(out, 'postalCode', text(a?.postalCode));
  put(out, 'country', a?.country);
  return out;
}

export default function invoiceTo810(body: unknown, _bindings: Bindings): unknown {
  const inv = body as Json;
  const terms = inv.terms as Json | undefined;
  const lines = (inv.lines ?? []) as Json[];
  const out: Json = { type: '810' };
  const big: Json = {};
  put(big, 'date', inv.invoiceDate);
  put(big, 'invoiceNumber', inv.invoiceNumber);
  put(big, 'poDate', inv.poDate);
  put(big, 'poNumber', inv.poNumber);
  put(big, 'transactionType', memoTypes.get(inv.invoiceType as string));
  out.big = big;
  if (text(inv.notes)) out.notes = [{ reference: 'GEN', text: inv.notes }];
  const currency: Json = { entity: 'SE' };
  put(currency, 'code', inv.currency);
  out.currency = currency;
  if (truthy(inv.shipmentId)) out.refs = [{ qualifier: 'SI', value: inv.shipmentId }];
  out.parties = [party('SU', '92', inv.supplier as Json), party('RE', '92', inv.remitTo as Json), party('BT', '91', inv.billTo as Json)].filter((p) => p !== undefined);
  if (truthy(terms) || truthy(inv.dueDate)) {
    const t = (terms ?? {}) as Json;
    const out1: Json = { typeCode: truthy(t.discountPercent) ? '08' : '01' };
    put(out1, 'basisDateCode', basis.get(t.basis as string));
    put(out1, 'discountPercent', t.discountPercent);
    put(out1, 'discountDueDate', t.discountDueDate);
    put(out1, 'discountDaysDue', t.discountDays);
    put(out1, 'netDueDate', truthy(t.netDueDate) ? t.netDueDate : t.netDays !== undefined ? undefined : inv.dueDate);
    put(out1, 'netDays', t.netDays);
    put(out1, 'description', text(t.description) ? t.description : text(t.code));
    out.terms = [out1];
  }
  if (truthy(inv.shipDate)) out.dates = [{ qualifier: '011', date: inv.shipDate }];
  let hashTotal: number | undefined;
  out.lines = lines.map((l) => {
    if (typeof l.quantity === 'number') hashTotal = (hashTotal ?? 0) + l.quantity;
    const line: Json = {};
    put(line, 'lineNumber', string(truthy(l.poLineNumber) ? l.poLineNumber : l.lineNumber));
    put(line, 'quantity', l.quantity);
    put(line, 'unit', l.unit);
    put(line, 'unitPrice', l.unitPrice);
    line.priceBasis = 'PE';
    const ids: Json = {};
    put(ids, 'VN', truthy(l.sku) ? l.sku : l.supplierPartNumber);
    const g = l.gtin as string | undefined;
    if (truthy(g)) ids[gtinQualifier(g as string)] = g;
    line.productIds = ids;
    if (text(l.description)) line.descriptions = [{ type: 'F', description: l.description }];
    return line;
  });
  const total: Json = {};
  put(total, 'cents', cents((inv.totals as Json | undefined)?.total));
  out.total = total;
  const charges = (inv.charges ?? []) as Json[];
  if (charges.length > 0) {
    out.charges = charges.map((c) => {
      const charge: Json = { indicator: c.type === 'allowance' ? 'A' : 'C' };
      put(charge, 'code', c.code);
      put(charge, 'amountCents', cents(c.amount));
      put(charge, 'description', text(c.description));
      return charge;
    });
  }
  const totals: Json = { lineCount: lines.length };
  put(totals, 'hashTotal', hashTotal);
  out.totals = totals;
  return out;
}
