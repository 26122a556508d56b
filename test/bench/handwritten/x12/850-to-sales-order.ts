/** mappings/x12/850-to-sales-order.jsonata, by hand. */
import { type Bindings, type Json, first, freeFormDescription, put, round, str, text } from '../common.ts';

function address(p: Json | undefined): Json | undefined {
  const lines = p?.['address'] as unknown[] | undefined;
  if (p === undefined || !lines?.[0] || !p['city']) return undefined;
  const out: Json = {};
  put(out, 'company', text(p['name']));
  out['line1'] = lines[0];
  put(out, 'line2', text(lines[1]));
  out['city'] = p['city'];
  put(out, 'region', text(p['state']));
  put(out, 'postalCode', text(p['postalCode']));
  out['country'] = text(p['country']) ? p['country'] : 'US';
  return out;
}

export default function x12OrderToSalesOrder(body: unknown, _bindings: Bindings): unknown {
  const msg = body as Json;
  const po = msg['document'] as Json;
  const beg = (po['beg'] ?? {}) as Json;
  const shipTo = first(po['parties'], 'role', 'ST');
  const billTo = first(po['parties'], 'role', 'BT');
  const buyer = first(po['parties'], 'role', 'BY');
  const requested = first(po['dates'], 'qualifier', '002')?.['date'];
  const terms = (po['terms'] as Json[] | undefined)?.[0];
  const poLines = (po['lines'] ?? []) as Json[];
  const out: Json = { schemaVersion: 1 };
  put(out, 'externalId', beg['poNumber']);
  put(out, 'orderNumber', beg['poNumber']);
  out['channel'] = 'edi-' + str(msg['partner']);
  out['orderedAt'] = str(beg['date']) + 'T00:00:00Z';
  const currency = (po['currency'] as Json | undefined)?.['code'];
  out['currency'] = currency ? currency : 'USD';
  const customer: Json = {};
  put(customer, 'externalId', msg['sender']);
  put(customer, 'name', text(buyer?.['name']) ? buyer?.['name'] : text(shipTo?.['name']));
  out['customer'] = customer;
  put(out, 'billTo', address(billTo));
  put(out, 'shipTo', address(shipTo));
  if (shipTo?.['city']) {
    const state = text(shipTo['state']);
    out['region'] = str(text(shipTo['country']) ? shipTo['country'] : 'US') + (state ? '-' + state : '');
  }
  out['lines'] = poLines.map((l, i) => {
    const ids = l['productIds'] as Json | undefined;
    const line: Json = { lineNumber: i + 1 };
    put(line, 'externalLineId', l['lineNumber']);
    put(line, 'sku', ids?.['VN'] ? ids['VN'] : ids?.['VP']);
    put(line, 'description', freeFormDescription(l['descriptions']));
    put(line, 'quantity', l['quantity']);
    put(line, 'unit', l['unit']);
    put(line, 'unitPrice', l['unitPrice']);
    put(line, 'requestedShipDate', first(l['dates'], 'qualifier', '010')?.['date']);
    return line;
  });
  let linesTotal: number | undefined;
  for (const l of poLines) {
    if (typeof l['quantity'] === 'number' && typeof l['unitPrice'] === 'number') linesTotal = (linesTotal ?? 0) + l['quantity'] * l['unitPrice'];
  }
  const rounded = linesTotal === undefined ? undefined : round(linesTotal, 2);
  const totals: Json = {};
  put(totals, 'lines', rounded);
  const stated = first(po['amounts'], 'qualifier', '1')?.['amount'];
  put(totals, 'total', stated ? stated : rounded);
  out['totals'] = totals;
  if (terms) {
    const parts: string[] = [];
    if (terms['discountPercent']) parts.push(str(terms['discountPercent']) + '% ' + str(terms['discountDaysDue']) + ' days');
    if (terms['netDays']) parts.push('net ' + str(terms['netDays']));
    const payment: Json = { status: 'on_account' };
    if (parts.length > 0) payment['terms'] = parts.join(', ');
    out['payment'] = payment;
  }
  if (requested) out['notes'] = 'Requested delivery ' + str(requested) + ' (DTM*002).';
  return out;
}
