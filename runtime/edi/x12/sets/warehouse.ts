/** Segments the warehouse sets (940, 945) share. */
import type { SchemaNode } from '../schema.ts';

/** N9 reference identification (warehouse sets use it instead of REF). */
export interface WarehouseReference {
  qualifier: string;
  value?: string;
  description?: string;
  date?: string;
  time?: string;
}

/** G62 date/time. */
export interface WarehouseDate {
  /** G6201 date qualifier: 10 requested ship, 02 delivery requested, 11 shipped... */
  qualifier?: string;
  date?: string;
  timeQualifier?: string;
  time?: string;
}

export const N9: SchemaNode = { key: 'refs', tag: 'N9', many: true, fields: { qualifier: [1], value: [2], description: [3], date: [4, 'date'], time: [5, 'time'] } };
export const G62: SchemaNode = { key: 'dates', tag: 'G62', many: true, fields: { qualifier: [1], date: [2, 'date'], timeQualifier: [3], time: [4, 'time'] } };
/** G69 line item detail - description, one line per segment. */
export const G69: SchemaNode = { key: 'descriptions', tag: 'G69', lines: [1, 1] };
