/** 850 Purchase Order (4010): BEG header, N1 parties, PO1 lines with PID/PO4/DTM/SCH/SLN, CTT. */
import type { Json } from '../schema.ts';
import {
  AMT,
  CTT,
  CUR,
  DTM,
  FOB,
  ITD,
  PER,
  PID,
  PO4,
  REF,
  SCH,
  TD5,
  deriveCarriers,
  partyLoop,
  prepareCarriers,
  type Amount,
  type Carrier,
  type Contact,
  type Currency,
  type DateTimeRef,
  type Description,
  type FreeOnBoard,
  type Party,
  type PhysicalDetails,
  type Reference,
  type Schedule,
  type Terms,
  type TransactionTotals,
} from './common.ts';
import { BASELINE_FIELDS, SLN, type BaselineItem, type SubLine } from './lines.ts';
import type { TransactionSetModule } from './module.ts';

export interface PurchaseOrderLine extends BaselineItem {
  descriptions?: Description[];
  pack?: PhysicalDetails;
  refs?: Reference[];
  dates?: DateTimeRef[];
  schedules?: Schedule[];
  parties?: Party[];
  subLines?: SubLine[];
}

export interface PurchaseOrder850 {
  type: '850';
  beg: {
    /** BEG01 transaction set purpose: 00 original, 01 cancellation, 05 replace... */
    purpose: string;
    /** BEG02 PO type: SA stand-alone, NE new order, DS drop ship, RL release... */
    type: string;
    poNumber: string;
    release?: string;
    date: string;
    contractNumber?: string;
  };
  currency?: Currency;
  refs?: Reference[];
  contacts?: Contact[];
  fob?: FreeOnBoard[];
  terms?: Terms[];
  dates?: DateTimeRef[];
  carriers?: Carrier[];
  parties?: Party[];
  lines?: PurchaseOrderLine[];
  totals?: TransactionTotals;
  amounts?: Amount[];
}

export const purchaseOrder: TransactionSetModule<PurchaseOrder850> = {
  type: '850',
  functionalId: 'PO',
  beginning: 'BEG',
  schema: [
    { key: 'beg', tag: 'BEG', fields: { purpose: [1], type: [2], poNumber: [3], release: [4], date: [5, 'date'], contractNumber: [6] } },
    CUR,
    REF,
    PER,
    FOB,
    ITD,
    DTM,
    TD5,
    partyLoop(),
    {
      key: 'lines',
      tag: 'PO1',
      fields: BASELINE_FIELDS,
      body: [PID, PO4, REF, DTM, SCH, partyLoop(), SLN],
    },
    CTT,
    AMT,
  ],
  finish(value) {
    deriveCarriers(value.carriers);
  },
  prepare(document) {
    return { ...(document as unknown as Json), carriers: prepareCarriers(document.carriers) };
  },
};
