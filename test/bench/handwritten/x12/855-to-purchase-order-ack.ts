/** mappings/x12/855-to-purchase-order-ack.jsonata, by hand. */
import { type Bindings, type Json, first, isoDate, text, writeItemIdentity } from '../common.ts';
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
  const ids = a.productIds as Json | undefined;
  const out: Json = {};
  if (a.disposition !== undefined) out.disposition = a.disposition;
  if (a.status !== undefined) out.statusCode = a.status;
  const quantity = a.quantity !== undefined ? a.quantity : a.disposition === 'rejected' ? 0 : l.quantity;
  if (quantity !== undefined) out.quantity = quantity;
  const unit = a.unit ? a.unit : l.unit;
  if (unit !== undefined) out.unit = unit;
  if (a.date !== undefined) out.promisedDate = a.date;
  if (a.date) out.promisedDateType = deliveryDates.has(a.dateQualifier as string) ? 'delivery' : 'ship';
  if (a.status === 'IS') {
    const substitute = ids?.BP ? ids.BP : ids?.IN;
    if (substitute !== undefined) out.substituteSku = substitute;
  }
  return out;
}

export default function x12AckToPurchaseOrderAck(body: unknown, bindings: Bindings): unknown {
  const msg = body as Json;
  const ack = msg.document as Json;
  const bak = (ack.bak ?? {}) as Json;
  const noChange = noChangeTypes.has(bak.ackType as string);
  const supplier = partyIn(ack.parties, ['SU', 'VN']);
  const out: Json = { schemaVersion: 1 };
  if (bak.poNumber !== undefined) out.poNumber = bak.poNumber;
  if (bak.date !== undefined) out.poDate = bak.date;
  out.ackDate = bak.ackDate ? bak.ackDate : isoDate((bindings.meta as Json).receivedAt as number);
  const ackType = ackTypes.get(bak.ackType as string);
  if (ackType !== undefined) out.ackType = ackType;
  if (bak.ackType !== undefined) out.ackTypeCode = bak.ackType;
  const sellerOrderNumber = text(bak.sellerOrderNumber);
  if (sellerOrderNumber !== undefined) out.sellerOrderNumber = sellerOrderNumber;
  const sup: Json = {};
  const supId = supplier?.idQualifier === '92' ? supplier.id : msg.sender;
  if (supId !== undefined) sup.id = supId;
  const supName = text(supplier?.name);
  if (supName !== undefined) sup.name = supName;
  if (msg.sender !== undefined) sup.partnerId = msg.sender;
  out.supplier = sup;
  const shipTo = party(first(ack.parties, 'role', 'ST'));
  if (shipTo !== undefined) out.shipTo = shipTo;
  const currency = (ack.currency as Json | undefined)?.code;
  if (currency !== undefined) out.currency = currency;
  out.lines = ((ack.lines ?? []) as Json[]).map((l) => {
    const ids = l.productIds as Json | undefined;
    const line: Json = {};
    if (l.lineNumber !== undefined) line.lineNumber = Number(l.lineNumber);
    writeItemIdentity(line, ids, l.descriptions);
    if (l.quantity !== undefined) line.orderedQuantity = l.quantity;
    if (l.unit !== undefined) line.unit = l.unit;
    if (l.unitPrice !== undefined) line.unitPrice = l.unitPrice;
    const acks = l.acks as Json[] | undefined;
    if (acks !== undefined) line.acknowledgments = acks.map((a) => acknowledgment(a, l));
    else if (noChange) {
      const accepted: Json = { disposition: 'accepted' };
      if (l.quantity !== undefined) accepted.quantity = l.quantity;
      if (l.unit !== undefined) accepted.unit = l.unit;
      line.acknowledgments = [accepted];
    }
    return line;
  });
  return out;
}
