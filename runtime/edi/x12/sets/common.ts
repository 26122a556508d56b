/**
 * Segments and loops that several transaction sets share, with the JSON shape each produces.
 * Field names follow what the element means in distribution documents, not its element number;
 * the element number is in the schema next to each name.
 */
import type { FieldMap, Json, Schema, SchemaNode } from '../schema.ts';

/** Qualifier → value, e.g. `{ BP: "065322-117", VN: "AB3542", UP: "012345678905" }`. */
export type ProductIds = Record<string, string>;

export interface Reference {
  qualifier: string;
  value?: string;
  description?: string;
}

export interface DateTimeRef {
  qualifier: string;
  /** ISO YYYY-MM-DD. */
  date?: string;
  /** HH:MM or HH:MM:SS. */
  time?: string;
  timeCode?: string;
}

export interface Contact {
  function: string;
  name?: string;
  /** Communication qualifier → number, e.g. `{ TE: "555-1212", EM: "a@b.c" }`. */
  communications?: Record<string, string>;
}

/** An N1 loop: N1 with its N2, N3, N4, REF and PER. */
export interface Party {
  /** N101 entity identifier: ST ship-to, BT bill-to, BY buyer, SF ship-from, VN vendor, WH warehouse... */
  role: string;
  name?: string;
  idQualifier?: string;
  id?: string;
  /** N2 lines. */
  additionalNames?: string[];
  /** N3 lines, in order. */
  address?: string[];
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  locationQualifier?: string;
  locationId?: string;
  refs?: Reference[];
  contacts?: Contact[];
}

/** PID. */
export interface Description {
  /** F free-form, S structured, X semi-structured. */
  type: string;
  characteristic?: string;
  agency?: string;
  code?: string;
  description?: string;
}

/** PO4 item physical details. */
export interface PhysicalDetails {
  pack?: number;
  size?: number;
  unit?: string;
  packagingCode?: string;
  weightQualifier?: string;
  grossWeight?: number;
  weightUnit?: string;
  grossVolume?: number;
  volumeUnit?: string;
  length?: number;
  width?: number;
  height?: number;
  dimensionUnit?: string;
}

/** TD5 carrier details. */
export interface Carrier {
  routingSequence?: string;
  /** TD502: 2 = SCAC. */
  idQualifier?: string;
  id?: string;
  transportationMethod?: string;
  routing?: string;
  /** Derived on read: `id` when `idQualifier` is 2. When writing, used as the id if `id` is absent. */
  scac?: string;
}

/** ITD terms of sale. */
export interface Terms {
  typeCode?: string;
  basisDateCode?: string;
  discountPercent?: number;
  discountDueDate?: string;
  discountDaysDue?: number;
  netDueDate?: string;
  netDays?: number;
  discountAmount?: number;
  description?: string;
}

export interface Currency {
  entity: string;
  code: string;
}

export interface FreeOnBoard {
  paymentMethod?: string;
  locationQualifier?: string;
  location?: string;
}

/** SCH line item schedule. */
export interface Schedule {
  quantity?: number;
  unit?: string;
  entityCode?: string;
  name?: string;
  dateQualifier?: string;
  date?: string;
  time?: string;
  dateQualifier2?: string;
  date2?: string;
  time2?: string;
  requestReference?: string;
  lineNumber?: string;
}

export interface Amount {
  qualifier: string;
  amount?: number;
  creditDebit?: string;
}

export interface TransactionTotals {
  lineCount: number;
  hashTotal?: number;
}

export const REF: SchemaNode = { key: 'refs', tag: 'REF', many: true, fields: { qualifier: [1], value: [2], description: [3] } };
export const DTM: SchemaNode = { key: 'dates', tag: 'DTM', many: true, fields: { qualifier: [1], date: [2, 'date'], time: [3, 'time'], timeCode: [4] } };
export const PER: SchemaNode = { key: 'contacts', tag: 'PER', many: true, fields: { function: [1], name: [2], communications: { pairs: [3, 8] } } };
export const CUR: SchemaNode = { key: 'currency', tag: 'CUR', fields: { entity: [1], code: [2] } };
export const FOB: SchemaNode = { key: 'fob', tag: 'FOB', many: true, fields: { paymentMethod: [1], locationQualifier: [2], location: [3] } };
export const PID: SchemaNode = {
  key: 'descriptions',
  tag: 'PID',
  many: true,
  fields: { type: [1], characteristic: [2], agency: [3], code: [4], description: [5] },
};
export const PO4: SchemaNode = {
  key: 'pack',
  tag: 'PO4',
  fields: {
    pack: [1, 'integer'],
    size: [2, 'number'],
    unit: [3],
    packagingCode: [4],
    weightQualifier: [5],
    grossWeight: [6, 'number'],
    weightUnit: [7],
    grossVolume: [8, 'number'],
    volumeUnit: [9],
    length: [10, 'number'],
    width: [11, 'number'],
    height: [12, 'number'],
    dimensionUnit: [13],
  },
};
export const TD5: SchemaNode = {
  key: 'carriers',
  tag: 'TD5',
  many: true,
  fields: { routingSequence: [1], idQualifier: [2], id: [3], transportationMethod: [4], routing: [5] },
};
export const ITD: SchemaNode = {
  key: 'terms',
  tag: 'ITD',
  many: true,
  fields: {
    typeCode: [1],
    basisDateCode: [2],
    discountPercent: [3, 'number'],
    discountDueDate: [4, 'date'],
    discountDaysDue: [5, 'integer'],
    netDueDate: [6, 'date'],
    netDays: [7, 'integer'],
    discountAmount: [8, 'integer'],
    description: [12],
  },
};
export const SCH: SchemaNode = {
  key: 'schedules',
  tag: 'SCH',
  many: true,
  fields: {
    quantity: [1, 'number'],
    unit: [2],
    entityCode: [3],
    name: [4],
    dateQualifier: [5],
    date: [6, 'date'],
    time: [7, 'time'],
    dateQualifier2: [8],
    date2: [9, 'date'],
    time2: [10, 'time'],
    requestReference: [11],
    lineNumber: [12],
  },
};
export const AMT: SchemaNode = { key: 'amounts', tag: 'AMT', many: true, fields: { qualifier: [1], amount: [2, 'number'], creditDebit: [3] } };
export const CTT: SchemaNode = { key: 'totals', tag: 'CTT', fields: { lineCount: [1, 'integer'], hashTotal: [2, 'number'] } };
export const NTE: SchemaNode = { key: 'notes', tag: 'NTE', many: true, fields: { reference: [1], text: [2] } };

const N4_FIELDS: FieldMap = { city: [1], state: [2], postalCode: [3], country: [4], locationQualifier: [5], locationId: [6] };

/** The N1 loop; `extra` adds set-specific segments to it. */
export function partyLoop(extra: Schema = []): SchemaNode {
  return {
    key: 'parties',
    tag: 'N1',
    fields: { role: [1], name: [2], idQualifier: [3], id: [4] },
    body: [
      { key: 'additionalNames', tag: 'N2', lines: [1, 2] },
      { key: 'address', tag: 'N3', lines: [1, 2] },
      { key: 'location', tag: 'N4', merge: true, fields: N4_FIELDS },
      REF,
      PER,
      ...extra,
    ],
  };
}

/** Adds `scac` to TD5 carriers identified by SCAC (TD502 = 2). */
export function deriveCarriers(carriers: unknown): void {
  if (!Array.isArray(carriers)) return;
  for (const c of carriers as Json[]) {
    if (c.idQualifier === '2' && typeof c.id === 'string') c.scac = c.id;
  }
}

/** Lets a writer give only `scac`: it becomes TD502 = 2, TD503 = scac. */
export function prepareCarriers(carriers: unknown): unknown {
  if (!Array.isArray(carriers)) return carriers;
  return (carriers as Json[]).map((c) => (c.id === undefined && typeof c.scac === 'string' ? { ...c, idQualifier: c.idQualifier ?? '2', id: c.scac } : c));
}
