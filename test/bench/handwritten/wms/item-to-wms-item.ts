/** mappings/wms/item-to-wms-item.jsonata, by hand. */
import { type Bindings, type Json, put } from '../common.ts';

export default function itemToWmsItem(body: unknown, _bindings: Bindings): unknown {
  const item = body as Json;
  const packs = item['packs'] as Json[] | undefined;
  const weight = item['weight'] as Json | undefined;
  const out: Json = {};
  put(out, 'sku', item['sku']);
  put(out, 'description', item['description']);
  out['active'] = item['status'] === 'active' || item['status'] === 'discontinued';
  put(out, 'uom', item['baseUnit']);
  const barcodes: unknown[] = [];
  if (item['gtin'] !== undefined) barcodes.push(item['gtin']);
  for (const p of packs ?? []) if (p['gtin'] !== undefined) barcodes.push(p['gtin']);
  if (barcodes.length > 0) out['barcodes'] = barcodes;
  if (packs !== undefined) {
    out['packLevels'] = packs.map((p) => {
      const w = p['weight'] as Json | undefined;
      const d = p['dimensions'] as Json | undefined;
      const level: Json = {};
      put(level, 'uom', p['unit']);
      put(level, 'each', p['baseUnits']);
      put(level, 'barcode', p['gtin']);
      put(level, 'weight', w?.['value']);
      put(level, 'weightUnit', w?.['unit']);
      put(level, 'length', d?.['length']);
      put(level, 'width', d?.['width']);
      put(level, 'height', d?.['height']);
      put(level, 'dimensionUnit', d?.['unit']);
      return level;
    });
  }
  put(out, 'weight', weight?.['value']);
  put(out, 'weightUnit', weight?.['unit']);
  put(out, 'lotControlled', item['lotControlled']);
  put(out, 'shelfLifeDays', item['shelfLifeDays']);
  const suppliers = item['suppliers'] as Json[] | undefined;
  if (suppliers !== undefined) {
    const parts: unknown[] = [];
    for (const s of suppliers) if (s['supplierPartNumber'] !== undefined) parts.push(s['supplierPartNumber']);
    out['supplierItems'] = parts;
  }
  put(out, 'version', item['updatedAt']);
  return out;
}
