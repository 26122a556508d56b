/**
 * The baseline item shape shared by PO1 (850, 855) and IT1 (810): the first five elements are
 * line number, quantity, unit, unit price and price basis in both, followed by up to ten
 * product ID qualifier/value pairs.
 */
import type { FieldMap, SchemaNode } from '../schema.ts';
import type { ProductIds } from './common.ts';

export interface BaselineItem {
  /** PO101 / IT101 assigned identification (the buyer's line number). */
  lineNumber?: string;
  quantity?: number;
  unit?: string;
  unitPrice?: number;
  /** PO105 / IT105 basis of unit price (PE per each, TE contract...). */
  priceBasis?: string;
  productIds?: ProductIds;
}

export const BASELINE_FIELDS: FieldMap = {
  lineNumber: [1],
  quantity: [2, 'number'],
  unit: [3],
  unitPrice: [4, 'number'],
  priceBasis: [5],
  productIds: { pairs: [6, 25] },
};

/** SLN subline (850): the component unit is kept whole because SLN05 is a composite (C001). */
export interface SubLine {
  id?: string;
  parentId?: string;
  relationship?: string;
  quantity?: number;
  unit?: string[];
  unitPrice?: number;
  priceBasis?: string;
  relationshipCode?: string;
  productIds?: ProductIds;
}

export const SLN: SchemaNode = {
  key: 'subLines',
  tag: 'SLN',
  many: true,
  fields: {
    id: [1],
    parentId: [2],
    relationship: [3],
    quantity: [4, 'number'],
    unit: [5, 'composite'],
    unitPrice: [6, 'number'],
    priceBasis: [7],
    relationshipCode: [8],
    productIds: { pairs: [9, 28] },
  },
};
