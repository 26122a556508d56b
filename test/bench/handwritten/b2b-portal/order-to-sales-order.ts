/** mappings/b2b-portal/order-to-sales-order.jsonata, by hand. */
import { type Bindings, type Json, put, round, str, string, text } from '../common.ts';

function address(a: Json | undefined): Json | undefined {
  if (!a) return undefined;
  const street = a['street'] as unknown[] | undefined;
  const out: Json = {};
  put(out, 'name', text(a['name']));
  put(out, 'company', text(a['company']));
  put(out, 'line1', street?.[0]);
  put(out, 'line2', text(street?.[1]));
  put(out, 'city', a['city']);
  put(out, 'region', text(a['state']));
  put(out, 'postalCode', text(a['postalCode']));
  put(out, 'country', a['country']);
  put(out, 'phone', text(a['phone']));
  return out;
}

export default function b2bOrderToSalesOrder(body: unknown, _bindings: Bindings): unknown {
  const o = body as Json;
  const account = (o['account'] ?? {}) as Json;
  const buyer = (account['buyer'] ?? {}) as Json;
  const shipTo = o['shipTo'] as Json | undefined;
  const items = (o['lines'] ?? []) as Json[];
  let linesTotal: number | undefined;
  for (const l of items) {
    if (typeof l['quantity'] === 'number' && typeof l['unitPrice'] === 'number') linesTotal = (linesTotal ?? 0) + l['quantity'] * l['unitPrice'];
  }
  const out: Json = { schemaVersion: 1 };
  put(out, 'externalId', o['orderId']);
  put(out, 'orderNumber', text(o['poNumber']) ? o['poNumber'] : o['orderId']);
  out['channel'] = 'b2b-portal';
  put(out, 'orderedAt', o['submittedAt']);
  put(out, 'currency', o['currency']);
  const customer: Json = {};
  put(customer, 'externalId', account['number']);
  put(customer, 'accountNumber', account['number']);
  put(customer, 'name', text(account['name']));
  put(customer, 'email', text(buyer['email']));
  put(customer, 'phone', text(buyer['phone']));
  out['customer'] = customer;
  put(out, 'billTo', address(o['billTo'] as Json | undefined));
  put(out, 'shipTo', address(shipTo));
  const state = text(shipTo?.['state']);
  out['region'] = str(shipTo?.['country']) + (state ? '-' + state : '');
  const shipDate = o['requestedShipDate'];
  out['lines'] = items.map((l) => {
    const line: Json = {};
    put(line, 'lineNumber', l['line']);
    put(line, 'externalLineId', string(l['line']));
    put(line, 'sku', l['sku']);
    put(line, 'description', text(l['description']));
    put(line, 'quantity', l['quantity']);
    put(line, 'unit', l['uom']);
    put(line, 'unitPrice', l['unitPrice']);
    put(line, 'requestedShipDate', l['requestedShipDate'] ? l['requestedShipDate'] : shipDate);
    return line;
  });
  const totals: Json = {};
  if (linesTotal !== undefined) totals['lines'] = round(linesTotal, 2);
  put(totals, 'shipping', o['freight']);
  put(totals, 'tax', o['tax']);
  put(totals, 'total', o['total']);
  out['totals'] = totals;
  const payment: Json = { status: 'on_account' };
  put(payment, 'terms', text(o['paymentTerms']));
  out['payment'] = payment;
  put(out, 'notes', text(o['comments']));
  return out;
}
