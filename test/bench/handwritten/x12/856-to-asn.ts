/** mappings/x12/856-to-asn.jsonata, by hand. */
import { type Bindings, type Json, first, str, text, writeItemIdentity } from '../common.ts';
import { party, partyIn } from './parties.ts';

const purposes = new Map([
  ['00', 'original'],
  ['14', 'original'],
  ['05', 'replace'],
  ['01', 'cancel'],
]);
const weightUnits = new Set(['LB', 'KG', 'OZ', 'GR']);

/** The HL levels under `node` (itself included) with one of these level codes, in document order. */
function levels(node: Json, codes: readonly string[], out: Json[] = []): Json[] {
  if (codes.includes(node.levelCode as string)) out.push(node);
  for (const child of (node.children ?? []) as Json[]) levels(child, codes, out);
  return out;
}

function childItems(node: Json): Json[] {
  return ((node.children ?? []) as Json[]).filter((c) => c.levelCode === 'I');
}

/** SSCCs without the (00) application identifier. */
function sscc(n: Json | undefined): string | undefined {
  const code = n?.sscc as string | undefined;
  if (!code) return undefined;
  return code.length === 20 && code.startsWith('00') ? code.slice(2) : code;
}

function lineNumber(n: Json): number | undefined {
  const shipped = n.shipped as Json | undefined;
  const given = shipped?.lineNumber ? shipped.lineNumber : (n.item as Json | undefined)?.lineNumber;
  return given !== undefined && /^[0-9]+$/.test(str(given)) ? Number(given) : undefined;
}

function weight(value: unknown, unit: unknown): Json | undefined {
  return value !== undefined && weightUnits.has(unit as string) ? { value, unit } : undefined;
}

function item(n: Json): Json {
  const ids = (n.item as Json | undefined)?.productIds as Json | undefined;
  const shipped = (n.shipped ?? {}) as Json;
  const out: Json = {};
  const poLineNumber = lineNumber(n);
  if (poLineNumber !== undefined) out.poLineNumber = poLineNumber;
  writeItemIdentity(out, ids, n.descriptions);
  if (shipped.quantity !== undefined) out.quantity = shipped.quantity;
  if (shipped.unit !== undefined) out.unit = shipped.unit;
  if (shipped.quantityOrdered !== undefined) out.orderedQuantity = shipped.quantityOrdered;
  const lot = text(ids?.LT);
  if (lot !== undefined) out.lot = lot;
  const expiryDate = first(n.dates, 'qualifier', '036')?.date;
  if (expiryDate !== undefined) out.expiryDate = expiryDate;
  return out;
}

function order(o: Json): Json {
  const tares = levels(o, ['T']);
  const packs = levels(o, ['T', 'P']).filter((p) => p.sscc !== undefined && childItems(p).length > 0);
  const packed = new Set<unknown>();
  for (const p of packs) for (const c of (p.children ?? []) as Json[]) packed.add(c.id);
  const loose = levels(o, ['I']).filter((i) => !packed.has(i.id));
  const ord = (o.order ?? {}) as Json;
  const out: Json = {};
  if (ord.poNumber !== undefined) out.poNumber = ord.poNumber;
  if (ord.date !== undefined) out.poDate = ord.date;
  const invoiceNumber = first(o.refs, 'qualifier', 'IV')?.value;
  if (invoiceNumber !== undefined) out.invoiceNumber = invoiceNumber;
  const markFor = party(partyIn(o.parties, ['BY', 'Z7']));
  if (markFor !== undefined) out.markFor = markFor;
  if (packs.length > 0) {
    out.packs = packs.map((p) => {
      const pack = (p.pack ?? {}) as Json;
      const entry: Json = {};
      const entrySscc = sscc(p);
      if (entrySscc !== undefined) entry.sscc = entrySscc;
      if (p.levelCode === 'P') {
        const tare = tares.find((t) => ((t.children ?? []) as Json[]).some((c) => c.id === p.id));
        const entryPalletSscc = sscc(tare);
        if (entryPalletSscc !== undefined) entry.palletSscc = entryPalletSscc;
      }
      entry.packagingCode = text(pack.packagingCode) ? pack.packagingCode : p.levelCode === 'T' ? 'PLT' : 'CTN';
      const entryWeight = weight(pack.grossWeight, pack.weightUnit);
      if (entryWeight !== undefined) entry.weight = entryWeight;
      entry.items = childItems(p).map(item);
      return entry;
    });
  }
  if (loose.length > 0) out.items = loose.map(item);
  return out;
}

export default function x12ShipNoticeToAsn(body: unknown, _bindings: Bindings): unknown {
  const msg = body as Json;
  const doc = msg.document as Json;
  const hierarchy = (doc.hierarchy ?? []) as Json[];
  const bsn = (doc.bsn ?? {}) as Json;
  const shipment = hierarchy.find((h) => h.levelCode === 'S');
  const parties = shipment?.parties;
  const supplier = partyIn(parties, ['SU', 'VN']);
  const td5 = (shipment?.carriers as Json[] | undefined)?.[0];
  const summary = (doc.shipment ?? {}) as Json;
  const out: Json = { schemaVersion: 1 };
  if (bsn.shipmentId !== undefined) out.shipmentId = bsn.shipmentId;
  const purpose = purposes.get(bsn.purpose as string);
  if (purpose !== undefined) out.purpose = purpose;
  if (bsn.date !== undefined) out.noticeDate = bsn.date;
  const sup: Json = {};
  const supId = supplier?.idQualifier === '92' ? supplier.id : msg.sender;
  if (supId !== undefined) sup.id = supId;
  const supName = text(supplier?.name);
  if (supName !== undefined) sup.name = supName;
  if (msg.sender !== undefined) sup.partnerId = msg.sender;
  out.supplier = sup;
  const shipFrom = party(first(parties, 'role', 'SF'));
  if (shipFrom !== undefined) out.shipFrom = shipFrom;
  const shipTo = party(first(parties, 'role', 'ST'));
  if (shipTo !== undefined) out.shipTo = shipTo;
  if (summary.shipDate !== undefined) out.shipDate = summary.shipDate;
  if (summary.estimatedDelivery !== undefined) out.estimatedDeliveryDate = summary.estimatedDelivery;
  if (td5 !== undefined && (td5.scac || text(td5.routing))) {
    const carrier: Json = {};
    if (td5.scac !== undefined) carrier.scac = td5.scac;
    const carrierRouting = text(td5.routing);
    if (carrierRouting !== undefined) carrier.routing = carrierRouting;
    out.carrier = carrier;
  }
  if (summary.billOfLading !== undefined) out.billOfLading = summary.billOfLading;
  const tracking: unknown[] = [];
  for (const r of (shipment?.refs ?? []) as Json[]) if (r.qualifier === 'CN' && r.value !== undefined) tracking.push(r.value);
  if (tracking.length > 0) out.trackingNumbers = tracking;
  const trailerNumber = text((shipment?.equipment as Json[] | undefined)?.[0]?.number);
  if (trailerNumber !== undefined) out.trailerNumber = trailerNumber;
  if (summary.packages !== undefined) out.packageCount = summary.packages;
  if (summary.packagingCode !== undefined) out.packagingCode = summary.packagingCode;
  const grossWeight = weight(summary.weight, summary.weightUnit);
  if (grossWeight !== undefined) out.grossWeight = grossWeight;
  out.orders = hierarchy.flatMap((h) => levels(h, ['O'])).map(order);
  return out;
}
