/**
 * 810 Invoice (4010): BIG, N1 parties, ITD terms, IT1 lines, TDS total, SAC charges, CTT.
 * TDS01 and SAC05 are N2 amounts: whole numbers of cents with an implied decimal point. They are
 * kept in cents (what the file says) and also given as a decimal amount.
 */
import type { Json } from '../schema.ts';
import {
  CTT,
  CUR,
  DTM,
  FOB,
  ITD,
  NTE,
  PER,
  PID,
  PO4,
  REF,
  partyLoop,
  type Contact,
  type Currency,
  type DateTimeRef,
  type Description,
  type FreeOnBoard,
  type Party,
  type PhysicalDetails,
  type Reference,
  type Terms,
  type TransactionTotals,
} from './common.ts';
import { BASELINE_FIELDS, type BaselineItem } from './lines.ts';
import type { TransactionSetModule } from './module.ts';

export interface InvoiceLine extends BaselineItem {
  descriptions?: Description[];
  pack?: PhysicalDetails;
  refs?: Reference[];
  dates?: DateTimeRef[];
}

export interface Charge {
  /** SAC01: A allowance, C charge. */
  indicator: string;
  code?: string;
  agencyQualifier?: string;
  agencyCode?: string;
  amountCents?: number;
  /** Derived: amountCents / 100. */
  amount?: number;
  percentQualifier?: string;
  percent?: number;
  rate?: number;
  unit?: string;
  quantity?: number;
  description?: string;
}

export interface Invoice810 {
  type: '810';
  big: {
    /** BIG01 invoice date. */
    date: string;
    invoiceNumber: string;
    poDate?: string;
    poNumber?: string;
    release?: string;
    changeOrderSequence?: string;
    transactionType?: string;
  };
  notes?: Array<{ reference?: string; text?: string }>;
  currency?: Currency;
  refs?: Reference[];
  contacts?: Contact[];
  parties?: Party[];
  terms?: Terms[];
  dates?: DateTimeRef[];
  fob?: FreeOnBoard[];
  lines?: InvoiceLine[];
  total?: {
    /** TDS01 total invoice amount in cents (N2). */
    cents: number;
    /** Derived: cents / 100. */
    amount?: number;
    amountSubjectToDiscountCents?: number;
    discountedAmountDueCents?: number;
    termsDiscountCents?: number;
  };
  charges?: Charge[];
  totals?: TransactionTotals;
}

export const invoice: TransactionSetModule<Invoice810> = {
  type: '810',
  functionalId: 'IN',
  beginning: 'BIG',
  schema: [
    {
      key: 'big',
      tag: 'BIG',
      fields: { date: [1, 'date'], invoiceNumber: [2], poDate: [3, 'date'], poNumber: [4], release: [5], changeOrderSequence: [6], transactionType: [7] },
    },
    NTE,
    CUR,
    REF,
    PER,
    partyLoop(),
    ITD,
    DTM,
    FOB,
    { key: 'lines', tag: 'IT1', fields: BASELINE_FIELDS, body: [PID, PO4, REF, DTM] },
    {
      key: 'total',
      tag: 'TDS',
      fields: { cents: [1, 'integer'], amountSubjectToDiscountCents: [2, 'integer'], discountedAmountDueCents: [3, 'integer'], termsDiscountCents: [4, 'integer'] },
    },
    {
      key: 'charges',
      tag: 'SAC',
      many: true,
      fields: {
        indicator: [1],
        code: [2],
        agencyQualifier: [3],
        agencyCode: [4],
        amountCents: [5, 'integer'],
        percentQualifier: [6],
        percent: [7, 'number'],
        rate: [8, 'number'],
        unit: [9],
        quantity: [10, 'number'],
        description: [15],
      },
    },
    CTT,
  ],
  finish(value) {
    const total = value.total as Json | undefined;
    if (total && typeof total.cents === 'number') total.amount = total.cents / 100;
    for (const charge of (value.charges as Json[] | undefined) ?? []) {
      if (typeof charge.amountCents === 'number') charge.amount = charge.amountCents / 100;
    }
  },
  prepare(document) {
    const total = document.total;
    // A caller may give only the decimal amount; the file carries cents.
    if (total && total.cents === undefined && typeof total.amount === 'number') {
      return { ...(document as unknown as Json), total: { ...total, cents: Math.round(total.amount * 100) } };
    }
    return document as unknown as Json;
  },
};
