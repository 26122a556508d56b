/**
 * What a transaction set module provides: its schema (read and write), the beginning segment it
 * cannot do without, and hooks for what a table cannot say (derived fields, the 856 HL tree).
 */
import type { X12ErrorCode } from '../errors.ts';
import type { Json, Schema } from '../schema.ts';
import type { Segment } from '../segments.ts';

/** A problem a set module finds; the reader adds file, envelope and control numbers. */
export interface SetIssue {
  segment: Segment;
  element?: number;
  component?: number;
  code: X12ErrorCode;
  /** AK304 segment syntax error code. */
  ak3?: string;
  /** AK403 element syntax error code. */
  ak4?: string;
  text: string;
}

export interface TransactionSetModule<D extends { type: string }> {
  type: D['type'];
  /** GS01 for this set (PO for 850...). */
  functionalId: string;
  /** Tag of the beginning segment (BEG, BAK, BSN...): without it the set is rejected. */
  beginning: string;
  schema: Schema;
  /** Adds derived fields and checks what the schema cannot; `value` becomes the document. */
  finish?(value: Json, issues: SetIssue[], segments: readonly Segment[]): void;
  /** Turns a document into the JSON the schema writes (defaults to the document itself). */
  prepare?(document: D): Json;
}
