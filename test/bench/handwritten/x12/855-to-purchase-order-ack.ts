/** mappings/x12/855-to-purchase-order-ack.jsonata, by hand. */
import { type Bindings, type Json, first, freeFormDescription, gtin, isoDate, put, text } from '../common.ts';
import { party, partyIn } from './parties.ts';

const ackTypes = new Map([
  ['AT', 'accepted'],
  ['AK', 'accepted'],
  ['AD', 'accepted'],
  ['AP', 'accepted'],
  ['AC', 'accepted-with-changes'],
  ['AE', 'accepted-with-changes'],
  ['AH', 'accepted-with-changes'],
  ['RD', 'rejected'],
  ['RF', 'rejected'],
  ['RJ', 'rejected'],
  ['RO', 'rejected'],
]);
const deliveryDates = new Set(['002', '017', '067', '074']);
const noChangeTypes = new Set(['AD', 'AK', 'AT', 'AP']);

function acknowledgment(a: Json, l: Json): Json {
  const ids = a['productIds'] as Json | undefined;
  const out: Json = {};
  put(out, 'disposition', a['disposition']);
  put(out, 'statusCode', a['status']);
  put(out, 'quantity', a['quantity'] !== undefined ? a['quantity'] : a['disposition'] === 'rejected' ? 0 : l['quantity']);
  put(out, 'unit', a['unit'] ? a['unit'] : l['unit']);
  put(out, 'promisedDate', a['date']);
  if (a['date']) out['promisedDateType'] = deliveryDates.has(a['dateQualifier'] as string) ? 'delivery' : 'ship';
  if (a['status'] === 'IS') put(out, 'substituteSku', ids?.['BP'] ? ids['BP'] : ids?.['IN']);
  return out;
}

export default function x12AckToPurchaseOrderAck(body: unknown, bindings: Bindings): unknown {
  const msg = body as Json;
  const ack = msg['document'] as Json;
  const bak = (ack['bak'] ?? {}) as Json;
  const noChange = noChangeTypes.has(bak['ackType'] as string);
  const supplier = partyIn(ack['parties'], ['SU', 'VN']);
  const out: Json = { schemaVersion: 1 };
  put(out, 'poNumber', bak['poNumber']);
  put(out, 'poDate', bak['date']);
  out['ackDate'] = bak['ackDate'] ? bak['ackDate'] : isoDate((bindings['meta'] as Json)['receivedAt'] as number);
  put(out, 'ackType', ackTypes.get(bak['ackType'] as string));
  put(out, 'ackTypeCode', bak['ackType']);
  put(out, 'sellerOrderNumber', text(bak['sellerOrderNumber']));
  const sup: Json = {};
  put(sup, 'id', supplier?.['idQualifier'] === '92' ? supplier['id'] : msg['sender']);
  put(sup, 'name', text(supplier?.['name']));
  put(sup, 'partnerId', msg['sender']);
  out['supplier'] = sup;
  put(out, 'shipTo', party(first(ack['parties'], 'role', 'ST')));
  put(out, 'currency', (ack['currency'] as Json | undefined)?.['code']);
  out['lines'] = ((ack['lines'] ?? []) as Json[]).map((l) => {
    const ids = l['productIds'] as Json | undefined;
    const line: Json = {};
    if (l['lineNumber'] !== undefined) line['lineNumber'] = Number(l['lineNumber']);
    put(line, 'sku', ids?.['BP'] ? ids['BP'] : ids?.['IN']);
    put(line, 'supplierPartNumber', ids?.['VN'] ? ids['VN'] : ids?.['VP']);
    put(line, 'gtin', gtin(ids));
    put(line, 'description', freeFormDescription(l['descriptions']));
    put(line, 'orderedQuantity', l['quantity']);
    put(line, 'unit', l['unit']);
    put(line, 'unitPrice', l['unitPrice']);
    const acks = l['acks'] as Json[] | undefined;
    if (acks !== undefined) line['acknowledgments'] = acks.map((a) => acknowledgment(a, l));
    else if (noChange) {
      const accepted: Json = { disposition: 'accepted' };
      put(accepted, 'quantity', l['quantity']);
      put(accepted, 'unit', l['unit']);
      line['acknowledgments'] = [accepted];
    }
    return line;
  });
  return out;
}
