/**
 * 855 Purchase Order Acknowledgment (4010): BAK, PO1 lines with their ACK and SCH segments.
 * Several ACKs under one PO1 mean the seller split the line (e.g. part now, part backordered);
 * each ACK's quantity and date is what inbound supply is built from (see docs/availability.md, "The figures, and Crossdock's choices").
 */
import type { Json } from '../schema.ts';
import {
  CTT,
  CUR,
  DTM,
  FOB,
  PER,
  PID,
  PO4,
  REF,
  SCH,
  TD5,
  deriveCarriers,
  partyLoop,
  prepareCarriers,
  type Carrier,
  type Contact,
  type Currency,
  type DateTimeRef,
  type Description,
  type FreeOnBoard,
  type Party,
  type PhysicalDetails,
  type ProductIds,
  type Reference,
  type Schedule,
  type TransactionTotals,
} from './common.ts';
import { BASELINE_FIELDS, type BaselineItem } from './lines.ts';
import type { TransactionSetModule } from './module.ts';

/** What an ACK01 status means for the line, in the categories ATP cares about. */
export type LineDisposition = 'accepted' | 'changed' | 'backordered' | 'on-hold' | 'rejected';

const LINE_STATUS: Readonly<Record<string, readonly [meaning: string, disposition: LineDisposition]>> = {
  AA: ['Item accepted - order forwarded to alternate supplier location', 'accepted'],
  AC: ['Item accepted and shipped', 'accepted'],
  AR: ['Item accepted and released for shipment', 'accepted'],
  BP: ['Item accepted - partial shipment, balance backordered', 'backordered'],
  DR: ['Item accepted - date rescheduled', 'changed'],
  IA: ['Item accepted', 'accepted'],
  IB: ['Item backordered', 'backordered'],
  IC: ['Item accepted - changes made', 'changed'],
  ID: ['Item deleted', 'rejected'],
  IE: ['Item accepted, price pending', 'accepted'],
  IF: ['Item on hold, incomplete description', 'on-hold'],
  IH: ['Item on hold', 'on-hold'],
  IP: ['Item accepted - price changed', 'changed'],
  IQ: ['Item accepted - quantity changed', 'changed'],
  IR: ['Item rejected', 'rejected'],
  IS: ['Item accepted - substitution made', 'changed'],
  IW: ['Item on hold - waiver required', 'on-hold'],
  R1: ['Item rejected, not a contract item', 'rejected'],
  R2: ['Item rejected, invalid item product number', 'rejected'],
  R3: ['Item rejected, invalid unit of issue', 'rejected'],
  R4: ['Item rejected, contract item not available', 'rejected'],
  R5: ['Item rejected, reorder item as a just in time (JIT) order', 'rejected'],
  R6: ['Item rejected, reorder item as an extended delivery order (EDO)', 'rejected'],
  R7: ['Item rejected, reorder item as a drop shipment', 'rejected'],
  R8: ['Item rejected, reorder item as a surge order', 'rejected'],
  SP: ['Item accepted - schedule date pending', 'accepted'],
};

const ACK_TYPE: Readonly<Record<string, string>> = {
  AC: 'Acknowledge - with detail and change',
  AD: 'Acknowledge - with detail, no change',
  AE: 'Acknowledge - with exception detail only',
  AH: 'Acknowledge - hold status',
  AK: 'Acknowledge - no detail or change',
  AP: 'Acknowledge - product replenishment',
  AT: 'Accepted',
  NA: 'No acknowledgment needed',
  RD: 'Reject with detail',
  RF: 'Reject with exception detail only',
  RJ: 'Rejected - no detail',
  RO: 'Rejected with counter offer',
};

export interface LineAck {
  /** ACK01 line item status code (IA, IR, IQ, IB...). */
  status: string;
  /** Derived: the code's meaning. */
  statusMeaning?: string;
  /** Derived: accepted / changed / backordered / on-hold / rejected; absent for codes we do not know. */
  disposition?: LineDisposition;
  quantity?: number;
  unit?: string;
  /** ACK04 date qualifier: 068 current schedule ship, 067 current schedule delivery... */
  dateQualifier?: string;
  date?: string;
  requestReference?: string;
  productIds?: ProductIds;
  codeListQualifier?: string;
  industryCode?: string;
  actionCode?: string;
}

export interface AcknowledgedLine extends BaselineItem {
  descriptions?: Description[];
  pack?: PhysicalDetails;
  refs?: Reference[];
  dates?: DateTimeRef[];
  acks?: LineAck[];
  /** Derived: true when the line has more than one ACK (a split line). */
  split?: boolean;
  schedules?: Schedule[];
  parties?: Party[];
}

export interface PoAcknowledgment855 {
  type: '855';
  bak: {
    /** BAK01 purpose: 00 original, 06 confirmation... */
    purpose: string;
    /** BAK02: AC, AD, AK, RD, RJ... */
    ackType: string;
    /** Derived: what BAK02 means. */
    ackTypeMeaning?: string;
    poNumber: string;
    /** BAK04: the purchase order date. */
    date: string;
    release?: string;
    requestReference?: string;
    contractNumber?: string;
    /** BAK08: the seller's order number. */
    sellerOrderNumber?: string;
    /** BAK09: date of the acknowledgment. */
    ackDate?: string;
  };
  currency?: Currency;
  refs?: Reference[];
  contacts?: Contact[];
  fob?: FreeOnBoard[];
  dates?: DateTimeRef[];
  carriers?: Carrier[];
  parties?: Party[];
  lines?: AcknowledgedLine[];
  totals?: TransactionTotals;
}

/** Meaning and disposition of an ACK01 code; undefined for codes outside the 4010 list (we do not guess). */
export function lineStatusMeaning(code: string): { meaning: string; disposition: LineDisposition } | undefined {
  const known = LINE_STATUS[code];
  return known ? { meaning: known[0], disposition: known[1] } : undefined;
}

export const poAcknowledgment: TransactionSetModule<PoAcknowledgment855> = {
  type: '855',
  functionalId: 'PR',
  beginning: 'BAK',
  schema: [
    {
      key: 'bak',
      tag: 'BAK',
      fields: {
        purpose: [1],
        ackType: [2],
        poNumber: [3],
        date: [4, 'date'],
        release: [5],
        requestReference: [6],
        contractNumber: [7],
        sellerOrderNumber: [8],
        ackDate: [9, 'date'],
      },
    },
    CUR,
    REF,
    PER,
    FOB,
    DTM,
    TD5,
    partyLoop(),
    {
      key: 'lines',
      tag: 'PO1',
      fields: BASELINE_FIELDS,
      body: [
        PID,
        PO4,
        REF,
        DTM,
        {
          key: 'acks',
          tag: 'ACK',
          many: true,
          fields: {
            status: [1],
            quantity: [2, 'number'],
            unit: [3],
            dateQualifier: [4],
            date: [5, 'date'],
            requestReference: [6],
            productIds: { pairs: [7, 26] },
            codeListQualifier: [27],
            industryCode: [28],
            actionCode: [29],
          },
        },
        SCH,
        partyLoop(),
      ],
    },
    CTT,
  ],
  finish(value) {
    deriveCarriers(value.carriers);
    const bak = value.bak as Json | undefined;
    if (bak && typeof bak.ackType === 'string' && ACK_TYPE[bak.ackType]) bak.ackTypeMeaning = ACK_TYPE[bak.ackType];
    for (const line of (value.lines as Json[] | undefined) ?? []) {
      const acks = (line.acks as Json[] | undefined) ?? [];
      for (const ack of acks) {
        const known = typeof ack.status === 'string' ? lineStatusMeaning(ack.status) : undefined;
        if (known) {
          ack.statusMeaning = known.meaning;
          ack.disposition = known.disposition;
        }
      }
      if (acks.length > 1) line.split = true;
    }
  },
  prepare(document) {
    return { ...(document as unknown as Json), carriers: prepareCarriers(document.carriers) };
  },
};
