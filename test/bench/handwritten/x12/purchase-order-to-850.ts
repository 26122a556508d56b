/** mappings/x12/purchase-order-to-850.jsonata, by hand. */
import { type Bindings, type Json, put, string, text } from '../common.ts';

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
const basis = new Map([
  ['ship-date', '1'],
  ['delivery-date', '2'],
  ['invoice-date', '3'],
  ['invoice-receipt-date', '5'],
  ['goods-receipt-date', '15'],
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
  const a = p['address'] as Json | undefined;
  const out: Json = { role };
  put(out, 'name', text(p['name']) ? p['name'] : text(a?.['company']));
  out['idQualifier'] = '92';
  put(out, 'id', p['id']);
  if (a) out['address'] = [a['line1'], a['line2']].filter((l) => typeof l === 'string');
  put(out, 'city', a?.['city']);
  put(out, 'state', text(a?.['region']));
  put(out, 'postalCode', text(a?.['postalCode']));
  put(out, 'country', a?.['country']);
  return out;
}

function gtinQualifier(g: string): string {
  return g.length === 14 ? 'UK' : g.length === 12 ? 'UP' : 'EN';
}

export default function purchaseOrderTo850(body: unknown, _bindings: Bindings): unknown {
  const po = body as Json;
  const terms = po['terms'] as Json | undefined;
  const carrier = po['carrier'] as Json | undefined;
  const lines = (po['lines'] ?? []) as Json[];
  const out: Json = { type: '850' };
  const beg: Json = {};
  put(beg, 'purpose', purposes.get((po['purpose'] ? po['purpose'] : 'original') as string));
  put(beg, 'type', orderTypes.get((po['orderType'] ? po['orderType'] : 'standard') as string));
  put(beg, 'poNumber', po['poNumber']);
  put(beg, 'date', po['orderDate']);
  out['beg'] = beg;
  const currency: Json = { entity: 'BY' };
  put(currency, 'code', po['currency']);
  out['currency'] = currency;
  if (po['freightTerms']) {
    const method: Json = {};
    put(method, 'paymentMethod', fob.get(po['freightTerms'] as string));
    out['fob'] = [method];
  }
  if (terms) {
    const t: Json = { typeCode: terms['discountPercent'] ? '08' : '01' };
    put(t, 'basisDateCode', basis.get(terms['basis'] as string));
    put(t, 'discountPercent', terms['discountPercent']);
    put(t, 'discountDueDate', terms['discountDueDate']);
    put(t, 'discountDaysDue', terms['discountDays']);
    put(t, 'netDueDate', terms['netDueDate']);
    put(t, 'netDays', terms['netDays']);
    put(t, 'description', text(terms['description']) ? terms['description'] : text(terms['code']));
    out['terms'] = [t];
  }
  const dates: Json[] = [];
  if (po['requestedDeliveryDate']) dates.push({ qualifier: '002', date: po['requestedDeliveryDate'] });
  if (po['cancelAfterDate']) dates.push({ qualifier: '001', date: po['cancelAfterDate'] });
  out['dates'] = dates;
  if (carrier) {
    const c: Json = { routingSequence: 'B' };
    put(c, 'scac', carrier['scac']);
    put(c, 'routing', text(carrier['routing']) ? carrier['routing'] : text(carrier['name']));
    out['carriers'] = [c];
  }
  const parties: Json[] = [];
  for (const [role, key] of [['BY', 'buyer'], ['VN', 'supplier'], ['ST', 'shipTo'], ['BT', 'billTo']] as const) {
    const p = party(role, po[key] as Json | undefined);
    if (p !== undefined) parties.push(p);
  }
  out['parties'] = parties;
  let hashTotal: number | undefined;
  out['lines'] = lines.map((l) => {
    if (typeof l['quantity'] === 'number') hashTotal = (hashTotal ?? 0) + l['quantity'];
    const line: Json = {};
    put(line, 'lineNumber', string(l['lineNumber']));
    put(line, 'quantity', l['quantity']);
    put(line, 'unit', l['unit']);
    put(line, 'unitPrice', l['unitPrice']);
    line['priceBasis'] = 'PE';
    const ids: Json = {};
    put(ids, 'BP', l['sku']);
    if (l['supplierPartNumber']) ids['VN'] = l['supplierPartNumber'];
    const g = l['gtin'] as string | undefined;
    if (g) ids[gtinQualifier(g)] = g;
    line['productIds'] = ids;
    if (l['description']) line['descriptions'] = [{ type: 'F', description: l['description'] }];
    if (l['requestedDeliveryDate']) line['dates'] = [{ qualifier: '002', date: l['requestedDeliveryDate'] }];
    return line;
  });
  const totals: Json = { lineCount: lines.length };
  put(totals, 'hashTotal', hashTotal);
  out['totals'] = totals;
  const total = (po['totals'] as Json | undefined)?.['total'];
  if (total) out['amounts'] = [{ qualifier: '1', amount: total }];
  return out;
}
