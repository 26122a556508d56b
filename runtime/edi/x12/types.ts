/**
 * The JSON shapes the reader produces. They are plain data (no classes, no Dates) so that they
 * serialise as they are and JSONata mappings can walk them.
 */
import type { X12Error } from './errors.ts';
import type { TypedDocument } from './sets/index.ts';
import type { Delimiters, Segment } from './segments.ts';

export interface PartyId {
  qualifier: string;
  id: string;
}

export type UsageIndicator = 'production' | 'test' | 'information';

export interface InterchangeEnvelope {
  authorization: { qualifier: string; information: string };
  security: { qualifier: string; information: string };
  sender: PartyId;
  receiver: PartyId;
  /** ISA09 as ISO `YYYY-MM-DD` when it is a valid YYMMDD date. */
  date?: string;
  /** ISA10 as `HH:MM` when valid. */
  time?: string;
  dateRaw: string;
  timeRaw: string;
  /** ISA11 as written (`U` in 4010; the repetition separator from 00402 on). */
  standardsId: string;
  /** ISA12, e.g. `00401`. */
  version: string;
  /** ISA13 exactly as written (9 digits when padded). */
  controlNumber: string;
  /** ISA14 = 1: the sender asks for a TA1. */
  ackRequested: boolean;
  /** ISA15 (P, T or I). */
  usage: UsageIndicator | string;
  test: boolean;
  delimiters: Delimiters;
}

export interface GroupHeader {
  /** GS01, e.g. PO, PR, SH, IN. */
  functionalId: string;
  applicationSender: string;
  applicationReceiver: string;
  date?: string;
  time?: string;
  dateRaw: string;
  timeRaw: string;
  /** GS06. */
  controlNumber: string;
  /** GS07, normally X. */
  agency: string;
  /** GS08, e.g. 004010 or 004010VICS. */
  version: string;
}

export type SetStatus = 'accepted' | 'rejected';
/** `partial` means some of the group's transaction sets were rejected (AK9 P). */
export type GroupStatus = 'accepted' | 'partial' | 'rejected';

/** Enough to find where a document came from, in the file and in the partner's numbering. */
export interface Trace {
  source?: string;
  interchangeControlNumber: string;
  groupControlNumber: string;
  transactionControlNumber: string;
  sender: string;
  receiver: string;
  /** File positions of the ST and SE segments. */
  firstSegment: number;
  lastSegment: number;
}

export interface TransactionSet {
  status: SetStatus;
  /** ST01, e.g. 850. */
  type: string;
  /** ST02. */
  controlNumber: string;
  /** Generic form: every segment from ST to SE inclusive. */
  segments: Segment[];
  /** Typed form for the supported sets (850, 855, 856, 810, 846, 940, 945, 997); absent if rejected. */
  document?: TypedDocument;
  /** Segments the typed form does not represent (kept in `segments`, listed here so nothing is dropped silently). */
  unmapped?: Array<{ tag: string; position: number; index: number }>;
  errors: X12Error[];
  trace: Trace;
}

export interface FunctionalGroup {
  status: GroupStatus;
  header: GroupHeader;
  transactionSets: TransactionSet[];
  /** GE01/GE02 as written; absent when the group is truncated. */
  trailer?: { transactionCount: string; controlNumber: string };
  /** File position of the GS segment. */
  position: number;
  errors: X12Error[];
}

export interface InterchangeAckSegment {
  /** TA101: the control number of the interchange being acknowledged. */
  controlNumber: string;
  date?: string;
  time?: string;
  /** TA104: A accepted, E accepted with errors, R rejected. */
  status: string;
  /** TA105 note code, 000 = no error. */
  noteCode: string;
}

export interface Interchange {
  status: SetStatus;
  envelope: InterchangeEnvelope;
  /** TA1 segments found between ISA and the first GS (an interchange acknowledgment). */
  ta1?: InterchangeAckSegment[];
  groups: FunctionalGroup[];
  trailer?: { groupCount: string; controlNumber: string };
  /** File positions of the ISA and of the last segment read for this interchange. */
  firstSegment: number;
  lastSegment: number;
  /** Problems that reject this interchange (group and set problems stay on their groups and sets). */
  errors: X12Error[];
  warnings: X12Error[];
}

export interface ReadOptions {
  /** File name (or any label) quoted in every error message and in each document's trace. */
  source?: string;
}

export interface ReadResult {
  source?: string;
  interchanges: Interchange[];
  /**
   * Accepted transaction sets of accepted interchanges, in file order: what a pipeline may act
   * on. A set is here only if its interchange, its group and the set itself passed validation
   * (a group with status `partial` contributes its accepted sets).
   */
  documents: TransactionSet[];
  /** Every error at every level, in file order. */
  errors: X12Error[];
  warnings: X12Error[];
  /** True when there is no error at all. */
  ok: boolean;
}
