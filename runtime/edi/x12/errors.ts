/**
 * Structured problems found while reading X12.
 *
 * Every problem names the file and the segment (its ordinal in the file, counting from 1, and its
 * tag) so that an operator can open the file and find it, and carries the acknowledgment codes it
 * maps to, so that the 997/TA1 builder does not have to re-derive them from messages.
 *
 * `level` says what the problem rejects: the whole file (nothing in it could be framed), one
 * interchange, one functional group, or one transaction set. Warnings use the same shape but
 * reject nothing.
 */

export type X12Level = 'file' | 'interchange' | 'group' | 'transaction';

export type X12ErrorCode =
  // file level: no interchange could be framed
  | 'empty-input'
  | 'not-x12'
  | 'isa-missing'
  | 'isa-invalid'
  | 'delimiters-invalid'
  | 'unexpected-data'
  // interchange level (TA1 note codes)
  | 'interchange-truncated'
  | 'interchange-control-mismatch'
  | 'group-count-mismatch'
  | 'control-structure'
  // group level (AK9 codes)
  | 'group-truncated'
  | 'group-control-mismatch'
  | 'group-control-duplicate'
  | 'group-header-invalid'
  | 'transaction-count-mismatch'
  // transaction-set level (AK5 codes, with AK3/AK4 detail where known)
  | 'transaction-truncated'
  | 'transaction-control-mismatch'
  | 'transaction-control-duplicate'
  | 'transaction-header-invalid'
  | 'segment-count-mismatch'
  | 'segment-invalid'
  | 'mandatory-segment-missing'
  | 'mandatory-element-missing'
  | 'syntax-rule'
  | 'invalid-number'
  | 'invalid-date'
  | 'invalid-time'
  | 'hl-structure'
  // warnings only
  | 'control-number-format'
  | 'interchange-control-duplicate'
  | 'isa-field-format';

/** Where in the file a problem is. `position` counts segments from the start of the file (1-based). */
export interface SegmentLocation {
  tag: string;
  position: number;
  /** Ordinal inside the transaction set, ST = 1 (the AK302 value). */
  indexInSet?: number;
  /** Element position inside the segment (1-based), when the problem is one element. */
  element?: number;
  /** Component position inside a composite element (1-based). */
  component?: number;
}

/** The acknowledgment codes a problem maps to; the ack builder copies them, it does not guess. */
export interface AckCodes {
  /** TA1 note code (TA105), for interchange-level problems. */
  ta1?: string;
  /** AK905 functional group syntax error code. */
  ak9?: string;
  /** AK502 transaction set syntax error code. */
  ak5?: string;
  /** AK304 segment syntax error code. */
  ak3?: string;
  /** AK403 data element syntax error code. */
  ak4?: string;
  /** AK301 when the problem is a missing segment (the error's own segment is where it was expected). */
  missingSegment?: string;
}

export interface X12Error {
  code: X12ErrorCode;
  level: X12Level;
  /** Human message: `<file>: segment <n> (<tag>): <what is wrong>`. */
  message: string;
  file?: string;
  segment?: SegmentLocation;
  interchangeControlNumber?: string;
  groupControlNumber?: string;
  transactionControlNumber?: string;
  ack?: AckCodes;
}

export interface ErrorContext {
  file?: string;
  interchangeControlNumber?: string;
  groupControlNumber?: string;
  transactionControlNumber?: string;
}

export interface ProblemSpec {
  code: X12ErrorCode;
  level: X12Level;
  text: string;
  segment?: SegmentLocation;
  ack?: AckCodes;
}

/** Builds an X12Error whose message names the file and the segment the way operators read them. */
export function problem(spec: ProblemSpec, context: ErrorContext): X12Error {
  const where: string[] = [];
  if (context.file !== undefined) where.push(context.file);
  if (spec.segment !== undefined) {
    const s = spec.segment;
    let at = `segment ${s.position} (${s.tag})`;
    if (s.element !== undefined) {
      at += `, element ${s.tag}${String(s.element).padStart(2, '0')}`;
      if (s.component !== undefined) at += `-${s.component}`;
    }
    where.push(at);
  }
  const message = where.length > 0 ? `${where.join(': ')}: ${spec.text}` : spec.text;
  const error: X12Error = { code: spec.code, level: spec.level, message };
  if (context.file !== undefined) error.file = context.file;
  if (spec.segment !== undefined) error.segment = { ...spec.segment };
  if (context.interchangeControlNumber !== undefined) error.interchangeControlNumber = context.interchangeControlNumber;
  if (context.groupControlNumber !== undefined) error.groupControlNumber = context.groupControlNumber;
  if (context.transactionControlNumber !== undefined) error.transactionControlNumber = context.transactionControlNumber;
  if (spec.ack !== undefined) error.ack = { ...spec.ack };
  return error;
}

/** Thrown by the writer: the input cannot be expressed as valid X12. `path` points into the input. */
export class X12WriteError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(path === '' ? message : `${path}: ${message}`);
    this.name = 'X12WriteError';
  }
}
