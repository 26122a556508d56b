/** mappings/x12/purchase-order-to-850.jsonata, by hand. */
import { type Bindings, type Json, string, termsBasis as basis, text } from '../common.ts';

const purposes = new Map([
  ['original', '00'],
  ['change', '05'],
  ['cancel', '01'],
]);
const orderTypes = new Map([
  ['standard', 'SA'],
  ['drop-ship', 'DS'],
  ['release', 'RL'],
]);
const fob = new Map([
  ['prepaid', 'PP'],
  ['collect', 'CC'],
  ['prepaid-and-add', 'PA'],
  ['third-party', 'TP'],
  ['pickup', 'PU'],
]);

function party(role: string, p: Json | undefined): Json | undefined {
  if (!p) return undefined;
  const a = p.address as Json | undefined;
  const out: Json = { role };
  const name = text(p.name) ? p.name : text(a?.company);
  if (name !== undefined) out.name = name;
  out.idQualifier = '92';
  if (p.id !== undefined) out.id = p.id;
  if (a) out.address = [a.line1, a.line2].filter((l) => typeof l === 'string');
  if (a?.city !== undefined) out.city = a?.city;
  const state = text(a?.region);
  if (state !== undefined) out.state = state;
  const postalCode = text(a?.postalCode);
  if (postalCode !== undefined) out.postalCode = postalCode;
  if (a?.country !== undefined) out.country = a?.country;
  return out;
}

function gtinQualifier(g: string): string {
  return g.length === 14 ? 'UK' : g.length === 12 ? 'UP' : 'EN';
}

export default function purchaseOrderTo850(body: unknown, _bindings: Bindings): unknown {
  const po = body as Json;
  const terms = po.terms as Json | undefined;
  const carrier = po.carrier as Json | undefined;
  const lines = (po.lines ?? []) as Json[];
  const out: Json = { type: '850' };
  const beg: Json = {};
  const begPurpose = purposes.get((po.purpose ? po.purpose : 'original') as string);
  if (begPurpose !== undefined) beg.purpose = begPurpose;
  const begType = orderTypes.get((po.orderType ? po.orderType : 'standard') as string);
  if (begType !== undefined) beg.type = begType;
  if (po.poNumber !== undefined) beg.poNumber = po.poNumber;
  if (po.orderDate !== undefined) beg.date = po.orderDate;
  out.beg = beg;
  const currency: Json = { entity: 'BY' };
  if (po.currency !== undefined) currency.code = po.currency;
  out.currency = currency;
  if (po.freightTerms) {
    const method: Json = {};
    const methodPaymentMethod = fob.get(po.freightTerms as string);
    if (methodPaymentMethod !== undefined) method.paymentMethod = methodPaymentMethod;
    out.fob = [method];
  }
  if (terms) {
    const t: Json = { typeCode: terms.discountPercent ? '08' : '01' };
    const tBasisDateCode = basis.get(terms.basis as string);
    if (tBasisDateCode !== undefined) t.basisDateCode = tBasisDateCode;
    if (terms.discountPercent !== undefined) t.discountPercent = terms.discountPercent;
    if (terms.discountDueDate !== undefined) t.discountDueDate = terms.discountDueDate;
    if (terms.discountDays !== undefined) t.discountDaysDue = terms.discountDays;
    if (terms.netDueDate !== undefined) t.netDueDate = terms.netDueDate;
    if (terms.netDays !== undefined) t.netDays = terms.netDays;
    const tDescription = text(terms.description) ? terms.description : text(terms.code);
    if (tDescription !== undefined) t.description = tDescription;
    out.terms = [t];
  }
  const dates: Json[] = [];
  if (po.requestedDeliveryDate) dates.push({ qualifier: '002', date: po.requestedDeliveryDate });
  if (po.cancelAfterDate) dates.push({ qualifier: '001', date: po.cancelAfterDate });
  out.dates = dates;
  if (carrier) {
    const c: Json = { routingSequence: 'B' };
    if (carrier.scac !== undefined) c.scac = carrier.scac;
    const cRouting = text(carrier.routing) ? carrier.routing : text(carrier.name);
    if (cRouting !== undefined) c.routing = cRouting;
    out.carriers = [c];
  }
  const parties: Json[] = [];
  for (const [role, key] of [['BY', 'buyer'], ['VN', 'supplier'], ['ST', 'shipTo'], ['BT', 'billTo']] as const) {
    const p = party(role, po[key] as Json | undefined);
    if (p !== undefined) parties.push(p);
  }
  out.parties = parties;
  let hashTotal: number | undefined;
  out.lines = lines.map((l) => {
    if (typeof l.quantity === 'number') hashTotal = (hashTotal ?? 0) + l.quantity;
    const line: Json = {};
    const lineLineNumber = string(l.lineNumber);
    if (lineLineNumber !== undefined) line.lineNumber = lineLineNumber;
    if (l.quantity !== undefined) line.quantity = l.quantity;
    if (l.unit !== undefined) line.unit = l.unit;
    if (l.unitPrice !== undefined) line.unitPrice = l.unitPrice;
    line.priceBasis = 'PE';
    const ids: Json = {};
    if (l.sku !== undefined) ids.BP = l.sku;
    if (l.supplierPartNumber) ids.VN = l.supplierPartNumber;
    const g = l.gtin as string | undefined;
    if (g) ids[gtinQualifier(g)] = g;
    line.productIds = ids;
    if (l.description) line.descriptions = [{ type: 'F', description: l.description }];
    if (l.requestedDeliveryDate) line.dates = [{ qualifier: '002', date: l.requestedDeliveryDate }];
    return line;
  });
  const totals: Json = { lineCount: lines.length };
  if (hashTotal !== undefined) totals.hashTotal = hashTotal;
  out.totals = totals;
  const total = (po.totals as Json | undefined)?.total;
  if (total) out.amounts = [{ qualifier: '1', amount: total }];
  return out;
}
