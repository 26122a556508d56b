/** mappings/wms/item-to-wms-item.jsonata, by hand. */
import { type Bindings, type Json } from '../common.ts';

export default function itemToWmsItem(body: unknown, _bindings: Bindings): unknown {
  const item = body as Json;
  const packs = item.packs as Json[] | undefined;
  const weight = item.weight as Json | undefined;
  const out: Json = {};
  if (item.sku !== undefined) out.sku = item.sku;
  if (item.description !== undefined) out.description = item.description;
  out.active = item.status === 'active' || item.status === 'discontinued';
  if (item.baseUnit !== undefined) out.uom = item.baseUnit;
  const barcodes: unknown[] = [];
  if (item.gtin !== undefined) barcodes.push(item.gtin);
  for (const p of packs ?? []) if (p.gtin !== undefined) barcodes.push(p.gtin);
  if (barcodes.length > 0) out.barcodes = barcodes;
  if (packs !== undefined) {
    out.packLevels = packs.map((p) => {
      const w = p.weight as Json | undefined;
      const d = p.dimensions as Json | undefined;
      const level: Json = {};
      if (p.unit !== undefined) level.uom = p.unit;
      if (p.baseUnits !== undefined) level.each = p.baseUnits;
      if (p.gtin !== undefined) level.barcode = p.gtin;
      if (w?.value !== undefined) level.weight = w?.value;
      if (w?.unit !== undefined) level.weightUnit = w?.unit;
      if (d?.length !== undefined) level.length = d?.length;
      if (d?.width !== undefined) level.width = d?.width;
      if (d?.height !== undefined) level.height = d?.height;
      if (d?.unit !== undefined) level.dimensionUnit = d?.unit;
      return level;
    });
  }
  if (weight?.value !== undefined) out.weight = weight?.value;
  if (weight?.unit !== undefined) out.weightUnit = weight?.unit;
  if (item.lotControlled !== undefined) out.lotControlled = item.lotControlled;
  if (item.shelfLifeDays !== undefined) out.shelfLifeDays = item.shelfLifeDays;
  const suppliers = item.suppliers as Json[] | undefined;
  if (suppliers !== undefined) {
    const parts: unknown[] = [];
    for (const s of suppliers) if (s.supplierPartNumber !== undefined) parts.push(s.supplierPartNumber);
    out.supplierItems = parts;
  }
  if (item.updatedAt !== undefined) out.version = item.updatedAt;
  return out;
}
