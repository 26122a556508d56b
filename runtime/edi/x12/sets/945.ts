/** 945 Warehouse Shipping Advice (4010): W06, N1 loops, N9/G62/W27, LX loops with W12 lines, W03 totals. */
import { partyLoop, type Party, type ProductIds } from './common.ts';
import type { TransactionSetModule } from './module.ts';
import { G62, G69, N9, type WarehouseDate, type WarehouseReference } from './warehouse.ts';

export interface ShippedLine {
  number: string;
  /** W1201 shipment/order status: CC complete, CP partial, SS split... */
  status?: string;
  quantityOrdered?: number;
  quantityShipped?: number;
  quantityDifference?: number;
  unit?: string;
  upcCaseCode?: string;
  productIds?: ProductIds;
  warehouseLot?: string;
  weight?: number;
  weightQualifier?: string;
  weightUnit?: string;
  descriptions?: string[];
  refs?: WarehouseReference[];
  marks?: Array<{ qualifier: string; number: string }>;
}

export interface ShippingAdvice945 {
  type: '945';
  w06: {
    /** W0601 reporting code: F final, P partial... */
    reportingCode: string;
    depositorOrderNumber?: string;
    date?: string;
    shipmentId?: string;
    agentShipmentId?: string;
    poNumber?: string;
    masterReference?: string;
  };
  parties?: Party[];
  refs?: WarehouseReference[];
  dates?: WarehouseDate[];
  /** W27 carrier detail. */
  carrier?: { transportationMethod?: string; scac?: string; routing?: string; paymentMethod?: string };
  lines?: ShippedLine[];
  /** W03 total shipment information. */
  totals?: { quantity?: number; weight?: number; weightUnit?: string; volume?: number; volumeUnit?: string };
}

export const shippingAdvice: TransactionSetModule<ShippingAdvice945> = {
  type: '945',
  functionalId: 'SW',
  beginning: 'W06',
  schema: [
    {
      key: 'w06',
      tag: 'W06',
      fields: { reportingCode: [1], depositorOrderNumber: [2], date: [3, 'date'], shipmentId: [4], agentShipmentId: [5], poNumber: [6], masterReference: [7] },
    },
    partyLoop(),
    N9,
    G62,
    { key: 'carrier', tag: 'W27', fields: { transportationMethod: [1], scac: [2], routing: [3], paymentMethod: [4] } },
    {
      key: 'lines',
      tag: 'LX',
      fields: { number: [1] },
      body: [
        { key: 'marks', tag: 'MAN', many: true, fields: { qualifier: [1], number: [2] } },
        {
          key: 'w12',
          tag: 'W12',
          merge: true,
          fields: {
            status: [1],
            quantityOrdered: [2, 'number'],
            quantityShipped: [3, 'number'],
            quantityDifference: [4, 'number'],
            unit: [5],
            upcCaseCode: [6],
            productIds: { pairs: [7, 8] },
            warehouseLot: [9],
            weight: [10, 'number'],
            weightQualifier: [11],
            weightUnit: [12],
          },
        },
        G69,
        N9,
      ],
    },
    { key: 'totals', tag: 'W03', fields: { quantity: [1, 'number'], weight: [2, 'number'], weightUnit: [3], volume: [4, 'number'], volumeUnit: [5] } },
  ],
};
