/** 846 Inventory Inquiry/Advice (4010): BIA header, LIN items each with QTY quantities and DTM dates. */
import {
  CTT,
  CUR,
  DTM,
  PER,
  PID,
  PO4,
  REF,
  partyLoop,
  type Contact,
  type Currency,
  type DateTimeRef,
  type Description,
  type Party,
  type PhysicalDetails,
  type ProductIds,
  type Reference,
  type TransactionTotals,
} from './common.ts';
import type { TransactionSetModule } from './module.ts';

export interface InventoryQuantity {
  /** QTY01: 33 quantity available for sale, 17 on hand, 02 cumulative... */
  qualifier: string;
  quantity?: number;
  unit?: string;
}

export interface InventoryItem {
  lineNumber?: string;
  productIds?: ProductIds;
  descriptions?: Description[];
  pack?: PhysicalDetails;
  refs?: Reference[];
  dates?: DateTimeRef[];
  quantities?: InventoryQuantity[];
  parties?: Party[];
}

export interface InventoryAdvice846 {
  type: '846';
  bia: {
    /** BIA01 purpose: 00 original... */
    purpose: string;
    /** BIA02 report type: DD distributor inventory report, MM manufacturer... */
    reportType: string;
    referenceId: string;
    date: string;
    time?: string;
  };
  currency?: Currency;
  refs?: Reference[];
  contacts?: Contact[];
  dates?: DateTimeRef[];
  parties?: Party[];
  items?: InventoryItem[];
  totals?: TransactionTotals;
}

export const inventoryAdvice: TransactionSetModule<InventoryAdvice846> = {
  type: '846',
  functionalId: 'IB',
  beginning: 'BIA',
  schema: [
    { key: 'bia', tag: 'BIA', fields: { purpose: [1], reportType: [2], referenceId: [3], date: [4, 'date'], time: [5, 'time'] } },
    CUR,
    REF,
    PER,
    DTM,
    partyLoop(),
    {
      key: 'items',
      tag: 'LIN',
      fields: { lineNumber: [1], productIds: { pairs: [2, 31] } },
      body: [
        PID,
        PO4,
        REF,
        DTM,
        { key: 'quantities', tag: 'QTY', many: true, fields: { qualifier: [1], quantity: [2, 'number'], unit: [3] } },
        partyLoop(),
      ],
    },
    CTT,
  ],
};
