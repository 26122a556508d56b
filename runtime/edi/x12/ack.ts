/**
 * Functional acknowledgments (997) and interchange acknowledgments (TA1) for what was read.
 *
 * One `InterchangeAck` per received interchange:
 * - a 997 per functional group: AK1, an AK2/AK5 pair per transaction set (with AK3/AK4 for
 *   the segments and elements we know to be wrong), AK9 with A (all accepted), P (some sets
 *   rejected) or R (group rejected, or every set rejected) and the group's own error codes;
 * - a TA1 when the interchange itself was rejected (or when ISA14 asked for one), with the note
 *   code of the first interchange-level problem.
 *
 * When the interchange was rejected, nothing inside it was processed, so every group in it is
 * acknowledged R with 0 accepted sets (AK5 R for each set) even if the group was fine on its
 * own; its own codes (e.g. AK9 5 for a wrong GE01) are still reported, and the TA1 says why.
 * Files in which no ISA could be read get no acknowledgment: there is no control number to
 * answer to.
 */
import type { X12Error } from './errors.ts';
import type { AcknowledgedSet, ElementError, FunctionalAck997, SegmentError } from './sets/997.ts';
import type { FunctionalGroup, Interchange, InterchangeAckSegment, PartyId, ReadResult, TransactionSet } from './types.ts';
import { writeInterchange, type WriteOptions, type WrittenInterchange } from './write.ts';

export interface FunctionalAckOptions {
  /** `auto` (default): a TA1 when the interchange was rejected or ISA14 asked for one. */
  ta1?: 'auto' | 'always' | 'never';
}

export interface InterchangeAck {
  /** The interchange being acknowledged. */
  respondsTo: {
    controlNumber: string;
    sender: PartyId;
    receiver: PartyId;
    /** Application codes of its first group (GS02/GS03), to swap in the answer's GS. */
    applicationSender?: string;
    applicationReceiver?: string;
    source?: string;
  };
  ta1?: InterchangeAckSegment;
  /** One 997 per functional group, in file order. */
  acks: FunctionalAck997[];
}

const MAX_CODES = 5;

function uniqueCodes(errors: readonly X12Error[], pick: (e: X12Error) => string | undefined): string[] {
  const codes: string[] = [];
  for (const e of errors) {
    const code = pick(e);
    if (code !== undefined && !codes.includes(code)) codes.push(code);
  }
  return codes.slice(0, MAX_CODES);
}

function segmentErrors(set: TransactionSet): SegmentError[] {
  const bySegment = new Map<string, SegmentError>();
  for (const e of set.errors) {
    if (e.ack?.ak3 === undefined || e.segment === undefined) continue;
    const tag = e.ack.missingSegment ?? e.segment.tag;
    const position = e.ack.missingSegment !== undefined ? (e.segment.indexInSet ?? 1) + 1 : (e.segment.indexInSet ?? 0);
    const key = `${tag}@${position}`;
    const entry = bySegment.get(key) ?? { tag, position, code: e.ack.ak3 };
    bySegment.set(key, entry);
    if (e.ack.ak4 !== undefined && e.segment.element !== undefined) {
      const element: ElementError = { position: e.segment.element, code: e.ack.ak4 };
      if (e.segment.component !== undefined) element.component = e.segment.component;
      entry.elementErrors = [...(entry.elementErrors ?? []), element];
    }
  }
  return [...bySegment.values()];
}

function acknowledgeSet(set: TransactionSet, interchangeRejected: boolean): AcknowledgedSet {
  const ack: AcknowledgedSet = { type: set.type, controlNumber: set.controlNumber, status: 'A' };
  if (set.status === 'rejected' || interchangeRejected) ack.status = 'R';
  const errors = segmentErrors(set);
  if (errors.length > 0) ack.segmentErrors = errors;
  const codes = uniqueCodes(set.errors, (e) => e.ack?.ak5);
  if (codes.length > 0) ack.codes = codes;
  return ack;
}

function acknowledgeGroup(group: FunctionalGroup, interchangeRejected: boolean): FunctionalAck997 {
  const sets = group.transactionSets.map((s) => acknowledgeSet(s, interchangeRejected));
  const groupRejected = interchangeRejected || group.status === 'rejected';
  const accepted = groupRejected ? 0 : sets.filter((s) => s.status === 'A').length;
  const declared = Number(group.trailer?.transactionCount);
  const status = groupRejected ? 'R' : group.status === 'partial' ? 'P' : 'A';
  const ack: FunctionalAck997 = {
    type: '997',
    group: { functionalId: group.header.functionalId, controlNumber: group.header.controlNumber },
    result: {
      status,
      included: Number.isInteger(declared) && group.trailer?.transactionCount !== '' ? declared : sets.length,
      received: sets.length,
      accepted,
    },
  };
  if (sets.length > 0) ack.sets = sets;
  const codes = uniqueCodes(group.errors, (e) => e.ack?.ak9);
  if (codes.length > 0) ack.result.codes = codes;
  return ack;
}

function acknowledgeInterchange(interchange: Interchange, options: FunctionalAckOptions, source: string | undefined): InterchangeAck {
  const rejected = interchange.status === 'rejected';
  const { envelope } = interchange;
  const first = interchange.groups[0]?.header;
  const ack: InterchangeAck = {
    respondsTo: {
      controlNumber: envelope.controlNumber,
      sender: envelope.sender,
      receiver: envelope.receiver,
      ...(first ? { applicationSender: first.applicationSender, applicationReceiver: first.applicationReceiver } : {}),
      ...(source !== undefined ? { source } : {}),
    },
    acks: interchange.groups.map((g) => acknowledgeGroup(g, rejected)),
  };
  const mode = options.ta1 ?? 'auto';
  if (mode === 'always' || (mode === 'auto' && (rejected || envelope.ackRequested))) {
    const ta1: InterchangeAckSegment = {
      controlNumber: envelope.controlNumber,
      status: rejected ? 'R' : 'A',
      noteCode: interchange.errors.find((e) => e.ack?.ta1 !== undefined)?.ack?.ta1 ?? '000',
    };
    if (envelope.date !== undefined) ta1.date = envelope.date;
    if (envelope.time !== undefined) ta1.time = envelope.time;
    ack.ta1 = ta1;
  }
  return ack;
}

function isReadResult(input: ReadResult | Interchange): input is ReadResult {
  return Array.isArray((input as ReadResult).interchanges);
}

/** Builds the acknowledgments for every interchange read (or for one interchange). */
export function functionalAck(input: ReadResult | Interchange, options: FunctionalAckOptions = {}): InterchangeAck[] {
  if (isReadResult(input)) return input.interchanges.map((ic) => acknowledgeInterchange(ic, options, input.source));
  return [acknowledgeInterchange(input, options, undefined)];
}

export type AckWriteOptions = Omit<WriteOptions, 'sender' | 'receiver' | 'ta1'> & {
  /** Default: the acknowledged interchange's receiver (we answer as the one it was sent to). */
  sender?: PartyId;
  /** Default: the acknowledged interchange's sender. */
  receiver?: PartyId;
};

/** Writes one interchange carrying the TA1 (if any) and the 997s, addressed back to the sender. */
export function writeFunctionalAck(ack: InterchangeAck, options: AckWriteOptions): WrittenInterchange {
  const { respondsTo } = ack;
  return writeInterchange(ack.acks, {
    ...options,
    sender: options.sender ?? respondsTo.receiver,
    receiver: options.receiver ?? respondsTo.sender,
    applicationSender: options.applicationSender ?? respondsTo.applicationReceiver ?? (options.sender ?? respondsTo.receiver).id,
    applicationReceiver: options.applicationReceiver ?? respondsTo.applicationSender ?? (options.receiver ?? respondsTo.sender).id,
    ...(ack.ta1 ? { ta1: [ack.ta1] } : {}),
  });
}
