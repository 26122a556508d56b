/** 940 Warehouse Shipping Order (4010): W05, N1 loops, N9/G62/NTE/W66, LX loops with W01 lines, W76 totals. */
import { NTE, partyLoop, type Party, type ProductIds } from './common.ts';
import type { TransactionSetModule } from './module.ts';
import { G62, G69, N9, type WarehouseDate, type WarehouseReference } from './warehouse.ts';

export interface ShippingOrderLine {
  /** LX01 assigned number. */
  number: string;
  quantity?: number;
  unit?: string;
  /** W0103 UPC case code. */
  upcCaseCode?: string;
  /** W0104/05 and W0106/07, e.g. `{ VN: "000100", UC: "DEC0199" }`. */
  productIds?: ProductIds;
  freightClass?: string;
  descriptions?: string[];
  refs?: WarehouseReference[];
}

export interface ShippingOrder940 {
  type: '940';
  w05: {
    /** W0501 order status: N original, C cancel, R replace. */
    orderStatus: string;
    depositorOrderNumber: string;
    poNumber?: string;
    linkSequence?: string;
    masterReference?: string;
  };
  parties?: Party[];
  refs?: WarehouseReference[];
  dates?: WarehouseDate[];
  notes?: Array<{ reference?: string; text?: string }>;
  /** W66 warehouse carrier information. */
  carrier?: { paymentMethod?: string; transportationMethod?: string; palletExchange?: string; unitLoadOption?: string; routing?: string; scac?: string };
  lines?: ShippingOrderLine[];
  /** W76 total shipping order. */
  totals?: { quantity?: number; weight?: number; weightUnit?: string; volume?: number; volumeUnit?: string };
}

export const shippingOrder: TransactionSetModule<ShippingOrder940> = {
  type: '940',
  functionalId: 'OW',
  beginning: 'W05',
  schema: [
    { key: 'w05', tag: 'W05', fields: { orderStatus: [1], depositorOrderNumber: [2], poNumber: [3], linkSequence: [4], masterReference: [5] } },
    partyLoop(),
    N9,
    G62,
    NTE,
    {
      key: 'carrier',
      tag: 'W66',
      fields: { paymentMethod: [1], transportationMethod: [2], palletExchange: [3], unitLoadOption: [4], routing: [5], scac: [10] },
    },
    {
      key: 'lines',
      tag: 'LX',
      fields: { number: [1] },
      body: [
        {
          key: 'w01',
          tag: 'W01',
          merge: true,
          fields: { quantity: [1, 'number'], unit: [2], upcCaseCode: [3], productIds: { pairs: [4, 7] }, freightClass: [8] },
        },
        G69,
        N9,
      ],
    },
    { key: 'totals', tag: 'W76', fields: { quantity: [1, 'number'], weight: [2, 'number'], weightUnit: [3], volume: [4, 'number'], volumeUnit: [5] } },
  ],
};
