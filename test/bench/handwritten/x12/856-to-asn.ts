/** mappings/x12/856-to-asn.jsonata, by hand. */
import { type Bindings, type Json, first, freeFormDescription, gtin, put, str, text } from '../common.ts';
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
  if (codes.includes(node['levelCode'] as string)) out.push(node);
  for (const child of (node['children'] ?? []) as Json[]) levels(child, codes, out);
  return out;
}

function childItems(node: Json): Json[] {
  return ((node['children'] ?? []) as Json[]).filter((c) => c['levelCode'] === 'I');
}

/** SSCCs without the (00) application identifier. */
function sscc(n: Json | undefined): string | undefined {
  const code = n?.['sscc'] as string | undefined;
  if (!code) return undefined;
  return code.length === 20 && code.startsWith('00') ? code.slice(2) : code;
}

function lineNumber(n: Json): number | undefined {
  const shipped = n['shipped'] as Json | undefined;
  const given = shipped?.['lineNumber'] ? shipped['lineNumber'] : (n['item'] as Json | undefined)?.['lineNumber'];
  return given !== undefined && /^[0-9]+$/.test(str(given)) ? Number(given) : undefined;
}

function weight(value: unknown, unit: unknown): Json | undefined {
  return value !== undefined && weightUnits.has(unit as string) ? { value, unit } : undefined;
}

function item(n: Json): Json {
  const ids = (n['item'] as Json | undefined)?.['productIds'] as Json | undefined;
  const shipped = (n['shipped'] ?? {}) as Json;
  const out: Json = {};
  put(out, 'poLineNumber', lineNumber(n));
  put(out, 'sku', ids?.['BP'] ? ids['BP'] : ids?.['IN']);
  put(out, 'supplierPartNumber', ids?.['VN'] ? ids['VN'] : ids?.['VP']);
  put(out, 'gtin', gtin(ids));
  put(out, 'description', freeFormDescription(n['descriptions']));
  put(out, 'quantity', shipped['quantity']);
  put(out, 'unit', shipped['unit']);
  put(out, 'orderedQuantity', shipped['quantityOrdered']);
  put(out, 'lot', text(ids?.['LT']));
  put(out, 'expiryDate', first(n['dates'], 'qualifier', '036')?.['date']);
  return out;
}

function order(o: Json): Json {
  const tares = levels(o, ['T']);
  const packs = levels(o, ['T', 'P']).filter((p) => p['sscc'] !== undefined && childItems(p).length > 0);
  const packed = new Set<unknown>();
  for (const p of packs) for (const c of (p['children'] ?? []) as Json[]) packed.add(c['id']);
  const loose = levels(o, ['I']).filter((i) => !packed.has(i['id']));
  const ord = (o['order'] ?? {}) as Json;
  const out: Json = {};
  put(out, 'poNumber', ord['poNumber']);
  put(out, 'poDate', ord['date']);
  put(out, 'invoiceNumber', first(o['refs'], 'qualifier', 'IV')?.['value']);
  put(out, 'markFor', party(partyIn(o['parties'], ['BY', 'Z7'])));
  if (packs.length > 0) {
    out['packs'] = packs.map((p) => {
      const pack = (p['pack'] ?? {}) as Json;
      const entry: Json = {};
      put(entry, 'sscc', sscc(p));
      if (p['levelCode'] === 'P') {
        const tare = tares.find((t) => ((t['children'] ?? []) as Json[]).some((c) => c['id'] === p['id']));
        put(entry, 'palletSscc', sscc(tare));
      }
      entry['packagingCode'] = text(pack['packagingCode']) ? pack['packagingCode'] : p['levelCode'] === 'T' ? 'PLT' : 'CTN';
      put(entry, 'weight', weight(pack['grossWeight'], pack['weightUnit']));
      entry['items'] = childItems(p).map(item);
      return entry;
    });
  }
  if (loose.length > 0) out['items'] = loose.map(item);
  return out;
}

export default function x12ShipNoticeToAsn(body: unknown, _bindings: Bindings): unknown {
  const msg = body as Json;
  const doc = msg['document'] as Json;
  const hierarchy = (doc['hierarchy'] ?? []) as Json[];
  const bsn = (doc['bsn'] ?? {}) as Json;
  const shipment = hierarchy.find((h) => h['levelCode'] === 'S');
  const parties = shipment?.['parties'];
  const supplier = partyIn(parties, ['SU', 'VN']);
  const td5 = (shipment?.['carriers'] as Json[] | undefined)?.[0];
  const summary = (doc['shipment'] ?? {}) as Json;
  const out: Json = { schemaVersion: 1 };
  put(out, 'shipmentId', bsn['shipmentId']);
  put(out, 'purpose', purposes.get(bsn['purpose'] as string));
  put(out, 'noticeDate', bsn['date']);
  const sup: Json = {};
  put(sup, 'id', supplier?.['idQualifier'] === '92' ? supplier['id'] : msg['sender']);
  put(sup, 'name', text(supplier?.['name']));
  put(sup, 'partnerId', msg['sender']);
  out['supplier'] = sup;
  put(out, 'shipFrom', party(first(parties, 'role', 'SF')));
  put(out, 'shipTo', party(first(parties, 'role', 'ST')));
  put(out, 'shipDate', summary['shipDate']);
  put(out, 'estimatedDeliveryDate', summary['estimatedDelivery']);
  if (td5 !== undefined && (td5['scac'] || text(td5['routing']))) {
    const carrier: Json = {};
    put(carrier, 'scac', td5['scac']);
    put(carrier, 'routing', text(td5['routing']));
    out['carrier'] = carrier;
  }
  put(out, 'billOfLading', summary['billOfLading']);
  const tracking: unknown[] = [];
  for (const r of (shipment?.['refs'] ?? []) as Json[]) if (r['qualifier'] === 'CN' && r['value'] !== undefined) tracking.push(r['value']);
  if (tracking.length > 0) out['trackingNumbers'] = tracking;
  put(out, 'trailerNumber', text((shipment?.['equipment'] as Json[] | undefined)?.[0]?.['number']));
  put(out, 'packageCount', summary['packages']);
  put(out, 'packagingCode', summary['packagingCode']);
  put(out, 'grossWeight', weight(summary['weight'], summary['weightUnit']));
  out['orders'] = hierarchy.flatMap((h) => levels(h, ['O'])).map(order);
  return out;
}
