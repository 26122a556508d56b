/**
 * Reads one interchange (ISA … IEA) and checks its envelopes.
 *
 * What a problem rejects — decided so that nothing half-read reaches a pipeline, and so that the
 * partner can be told exactly what to resend:
 *
 * - Interchange (reported in a TA1): the ISA is unusable, IEA02 ≠ ISA13, IEA01 ≠ number of
 *   groups, the file ends before IEA, or a segment sits outside the envelope it belongs to
 *   (e.g. ST outside a group). The whole interchange is rejected: nothing in it is released,
 *   even groups that were fine on their own, because the sender's framing cannot be trusted.
 * - Group (AK9 R): GE02 ≠ GS06, GE01 ≠ number of sets, GE missing (the next GS or IEA came
 *   first), a bad or duplicate GS06. The group's sets are not released.
 * - Transaction set (AK5 R): SE02 ≠ ST02, SE01 ≠ segment count (ST and SE included), SE missing,
 *   bad ST01/ST02, duplicate ST02 in the group, or an element/typed-reading problem found by
 *   `readSetContent`. Only that set is withheld; its group is then partially accepted (AK9 P).
 *
 * Control numbers are compared as written. When they differ only by leading zeros
 * (IEA02 "3438" for ISA13 "000003438") they are taken as equal and a warning is recorded:
 * the number is unambiguous, and rejecting would only make the partner resend the same data.
 */
import { problem, type ErrorContext, type ProblemSpec, type X12Error } from './errors.ts';
import { SegmentCursor, detectIsa, isIsaStart, splitSegment, type RawSegment } from './tokenizer.ts';
import { readSetContent } from './transaction.ts';
import { compareControl, envelopeFromIsa, groupHeaderFromGs, location, text } from './envelope-fields.ts';
import type { FunctionalGroup, GroupHeader, Interchange, InterchangeAckSegment, InterchangeEnvelope, TransactionSet } from './types.ts';
import type { Delimiters, Segment } from './segments.ts';
import { parseDate, parseTime } from './values.ts';

const TAG = /^[A-Z][A-Z0-9]{1,2}$/;

/** Counts segments across the whole file, so positions are file ordinals. */
export interface PositionCounter {
  next: number;
}

export type InterchangeRead =
  | { ok: true; interchange: Interchange; next: number }
  | { ok: false; error: X12Error; next: number };

interface OpenSet {
  st: Segment;
  type: string;
  controlNumber: string;
  segments: Segment[];
  errors: X12Error[];
}

interface OpenGroup {
  gs: Segment;
  header: GroupHeader;
  sets: TransactionSet[];
  controlNumbers: Set<string>;
  errors: X12Error[];
}

class InterchangeReader {
  private readonly envelope: InterchangeEnvelope;
  private readonly errors: X12Error[] = [];
  private readonly warnings: X12Error[] = [];
  private readonly groups: FunctionalGroup[] = [];
  private readonly groupControlNumbers = new Set<string>();
  private ta1: InterchangeAckSegment[] = [];
  private group: OpenGroup | undefined;
  private set: OpenSet | undefined;
  private last: Segment;
  private trailer: Interchange['trailer'];

  constructor(
    private readonly isa: Segment,
    fields: string[],
    delimiters: Delimiters,
    private readonly source: string | undefined,
  ) {
    this.envelope = envelopeFromIsa(fields, delimiters);
    this.last = isa;
    this.checkIsaFields();
  }

  private context(level: 'interchange' | 'group' | 'transaction'): ErrorContext {
    const c: ErrorContext = { interchangeControlNumber: this.envelope.controlNumber };
    if (this.source !== undefined) c.file = this.source;
    if (level !== 'interchange' && this.group) c.groupControlNumber = this.group.header.controlNumber;
    if (level === 'transaction' && this.set) c.transactionControlNumber = this.set.controlNumber;
    return c;
  }

  private fail(spec: ProblemSpec): void {
    const level = spec.level === 'file' ? 'interchange' : spec.level;
    const error = problem(spec, this.context(level));
    if (spec.level === 'transaction' && this.set) this.set.errors.push(error);
    else if (spec.level === 'group' && this.group) this.group.errors.push(error);
    else this.errors.push(error);
  }

  private warn(spec: ProblemSpec): void {
    this.warnings.push(problem(spec, this.context('interchange')));
  }

  private checkIsaFields(): void {
    const e = this.envelope;
    const at = location(this.isa);
    if (e.sender.id === '' || e.sender.qualifier === '') {
      this.fail({ code: 'isa-invalid', level: 'interchange', segment: { ...at, element: e.sender.qualifier === '' ? 5 : 6 }, text: 'the interchange sender (ISA05/ISA06) is empty', ack: { ta1: e.sender.qualifier === '' ? '005' : '006' } });
    }
    if (e.receiver.id === '' || e.receiver.qualifier === '') {
      this.fail({ code: 'isa-invalid', level: 'interchange', segment: { ...at, element: e.receiver.qualifier === '' ? 7 : 8 }, text: 'the interchange receiver (ISA07/ISA08) is empty', ack: { ta1: e.receiver.qualifier === '' ? '007' : '008' } });
    }
    // Dates, times and indicators are reported but do not reject: they do not change what the documents say.
    if (e.date === undefined) this.warn({ code: 'isa-field-format', level: 'interchange', segment: { ...at, element: 9 }, text: `ISA09 ${JSON.stringify(e.dateRaw)} is not a YYMMDD date`, ack: { ta1: '014' } });
    if (e.time === undefined) this.warn({ code: 'isa-field-format', level: 'interchange', segment: { ...at, element: 10 }, text: `ISA10 ${JSON.stringify(e.timeRaw)} is not an HHMM time`, ack: { ta1: '015' } });
    if (!['P', 'T', 'I'].includes(e.usage === 'production' ? 'P' : e.usage === 'test' ? 'T' : e.usage === 'information' ? 'I' : e.usage)) {
      this.warn({ code: 'isa-field-format', level: 'interchange', segment: { ...at, element: 15 }, text: `ISA15 ${JSON.stringify(e.usage)} is not P, T or I`, ack: { ta1: '020' } });
    }
  }

  /** Feeds one segment; returns true when the interchange is complete (IEA read). */
  accept(segment: Segment): boolean {
    this.last = segment;
    if (this.set && segment.tag !== 'SE' && !['ST', 'GS', 'GE', 'IEA', 'ISA'].includes(segment.tag)) {
      segment.index = this.set.segments.length + 1;
      this.set.segments.push(segment);
      return false;
    }
    switch (segment.tag) {
      case 'TA1':
        this.onTa1(segment);
        return false;
      case 'GS':
        this.onGs(segment);
        return false;
      case 'ST':
        this.onSt(segment);
        return false;
      case 'SE':
        this.onSe(segment);
        return false;
      case 'GE':
        this.onGe(segment);
        return false;
      case 'IEA':
        this.onIea(segment);
        return true;
      default:
        this.fail({
          code: 'control-structure',
          level: 'interchange',
          segment: location(segment),
          text: TAG.test(segment.tag)
            ? `segment ${segment.tag} is outside any transaction set (${this.group ? 'between SE and GE' : 'between the ISA and a GS, or after GE'})`
            : `${JSON.stringify(segment.tag)} is not a valid segment ID, outside any transaction set`,
          ack: { ta1: '022' },
        });
        return false;
    }
  }

  private onTa1(segment: Segment): void {
    if (this.group || this.groups.length > 0) {
      this.fail({ code: 'control-structure', level: 'interchange', segment: location(segment), text: 'a TA1 may only come between the ISA and the first GS', ack: { ta1: '022' } });
      return;
    }
    const ack: InterchangeAckSegment = { controlNumber: text(segment.elements[0]), status: text(segment.elements[3]), noteCode: text(segment.elements[4]) };
    const date = parseDate(text(segment.elements[1]));
    if (date !== undefined) ack.date = date;
    const time = parseTime(text(segment.elements[2]));
    if (time !== undefined) ack.time = time;
    this.ta1.push(ack);
  }

  private onGs(segment: Segment): void {
    if (this.group) this.closeGroup(undefined, segment);
    const header = groupHeaderFromGs(segment);
    this.group = { gs: segment, header, sets: [], controlNumbers: new Set(), errors: [] };
    if (!/^\d{1,9}$/.test(header.controlNumber)) {
      this.fail({ code: 'group-header-invalid', level: 'group', segment: { ...location(segment), element: 6 }, text: `GS06 (group control number) ${JSON.stringify(header.controlNumber)} is not a number of up to 9 digits`, ack: { ak9: '6' } });
    } else if (this.groupControlNumbers.has(header.controlNumber)) {
      this.fail({ code: 'group-control-duplicate', level: 'group', segment: { ...location(segment), element: 6 }, text: `group control number ${header.controlNumber} is used twice in this interchange`, ack: { ak9: '19' } });
    }
    this.groupControlNumbers.add(header.controlNumber);
  }

  private onSt(segment: Segment): void {
    if (!this.group) {
      this.fail({ code: 'control-structure', level: 'interchange', segment: location(segment), text: 'ST outside a functional group (no GS before it)', ack: { ta1: '022' } });
      return;
    }
    if (this.set) this.closeSet(undefined, segment);
    segment.index = 1;
    const type = text(segment.elements[0]).trim();
    const controlNumber = text(segment.elements[1]).trim();
    this.set = { st: segment, type, controlNumber, segments: [segment], errors: [] };
    if (!/^\d{3}$/.test(type)) {
      this.fail({ code: 'transaction-header-invalid', level: 'transaction', segment: { ...location(segment), element: 1 }, text: `ST01 ${JSON.stringify(type)} is not a transaction set identifier (three digits)`, ack: { ak5: '6' } });
    }
    if (controlNumber === '') {
      this.fail({ code: 'transaction-header-invalid', level: 'transaction', segment: { ...location(segment), element: 2 }, text: 'ST02 (transaction set control number) is empty', ack: { ak5: '7' } });
    } else if (this.group.controlNumbers.has(controlNumber)) {
      this.fail({ code: 'transaction-control-duplicate', level: 'transaction', segment: { ...location(segment), element: 2 }, text: `transaction set control number ${controlNumber} is used twice in group ${this.group.header.controlNumber}`, ack: { ak5: '23' } });
    }
    this.group.controlNumbers.add(controlNumber);
  }

  private onSe(segment: Segment): void {
    if (!this.set) {
      this.fail({ code: 'control-structure', level: 'interchange', segment: location(segment), text: 'SE without a matching ST', ack: { ta1: '022' } });
      return;
    }
    this.closeSet(segment, segment);
  }

  private onGe(segment: Segment): void {
    if (!this.group) {
      this.fail({ code: 'control-structure', level: 'interchange', segment: location(segment), text: 'GE without a matching GS', ack: { ta1: '022' } });
      return;
    }
    if (this.set) this.closeSet(undefined, segment);
    this.closeGroup(segment, segment);
  }

  private onIea(segment: Segment): void {
    if (this.set) this.closeSet(undefined, segment);
    if (this.group) this.closeGroup(undefined, segment);
    const count = text(segment.elements[0]).trim();
    const control = text(segment.elements[1]).trim();
    this.trailer = { groupCount: count, controlNumber: control };
    const isa13 = this.envelope.controlNumber;
    const cmp = compareControl(isa13, control);
    if (cmp === 'different') {
      this.fail({ code: 'interchange-control-mismatch', level: 'interchange', segment: { ...location(segment), element: 2 }, text: `IEA02 ${JSON.stringify(control)} does not match ISA13 ${JSON.stringify(isa13)} (ISA at segment ${this.isa.position})`, ack: { ta1: '001' } });
    } else if (cmp === 'padding') {
      this.warn({ code: 'control-number-format', level: 'interchange', segment: { ...location(segment), element: 2 }, text: `IEA02 ${JSON.stringify(control)} matches ISA13 ${JSON.stringify(isa13)} only when leading zeros are ignored` });
    }
    if (!/^\d+$/.test(count) || Number(count) !== this.groups.length) {
      this.fail({ code: 'group-count-mismatch', level: 'interchange', segment: { ...location(segment), element: 1 }, text: `IEA01 says ${JSON.stringify(count)} functional groups, the interchange has ${this.groups.length}`, ack: { ta1: '021' } });
    }
  }

  private closeSet(se: Segment | undefined, at: Segment): void {
    const open = this.set as OpenSet;
    if (se) {
      se.index = open.segments.length + 1;
      open.segments.push(se);
      const count = text(se.elements[0]).trim();
      const control = text(se.elements[1]).trim();
      const cmp = compareControl(open.controlNumber, control);
      if (cmp === 'different') {
        this.fail({ code: 'transaction-control-mismatch', level: 'transaction', segment: { ...location(se), element: 2 }, text: `SE02 ${JSON.stringify(control)} does not match ST02 ${JSON.stringify(open.controlNumber)} (ST at segment ${open.st.position})`, ack: { ak5: '3' } });
      } else if (cmp === 'padding') {
        this.warn({ code: 'control-number-format', level: 'transaction', segment: { ...location(se), element: 2 }, text: `SE02 ${JSON.stringify(control)} matches ST02 ${JSON.stringify(open.controlNumber)} only when leading zeros are ignored` });
      }
      if (!/^\d+$/.test(count) || Number(count) !== open.segments.length) {
        this.fail({ code: 'segment-count-mismatch', level: 'transaction', segment: { ...location(se), element: 1 }, text: `SE01 says ${JSON.stringify(count)} segments, transaction set ${open.type} ${open.controlNumber} has ${open.segments.length} (ST to SE)`, ack: { ak5: '4' } });
      }
    } else {
      this.fail({ code: 'transaction-truncated', level: 'transaction', segment: location(at), text: `transaction set ${open.type} ${open.controlNumber} (ST at segment ${open.st.position}) has no SE trailer before ${at.tag}`, ack: { ak5: '2' } });
    }
    const context = this.context('transaction');
    if (open.errors.length === 0) {
      const content = readSetContent(open.type, open.segments, context);
      open.errors.push(...content.errors);
      const set = this.finishSet(open);
      if (content.unmapped) set.unmapped = content.unmapped;
      if (content.document && set.status === 'accepted') set.document = content.document;
    } else {
      this.finishSet(open);
    }
    this.set = undefined;
  }

  private finishSet(open: OpenSet): TransactionSet {
    const group = this.group as OpenGroup;
    const set: TransactionSet = {
      status: open.errors.length === 0 ? 'accepted' : 'rejected',
      type: open.type,
      controlNumber: open.controlNumber,
      segments: open.segments,
      errors: open.errors,
      trace: {
        ...(this.source !== undefined ? { source: this.source } : {}),
        interchangeControlNumber: this.envelope.controlNumber,
        groupControlNumber: group.header.controlNumber,
        transactionControlNumber: open.controlNumber,
        sender: this.envelope.sender.id,
        receiver: this.envelope.receiver.id,
        firstSegment: open.st.position,
        lastSegment: (open.segments[open.segments.length - 1] as Segment).position,
      },
    };
    group.sets.push(set);
    return set;
  }

  private closeGroup(ge: Segment | undefined, at: Segment): void {
    const open = this.group as OpenGroup;
    const result: FunctionalGroup = { status: 'accepted', header: open.header, transactionSets: open.sets, position: open.gs.position, errors: open.errors };
    if (ge) {
      const count = text(ge.elements[0]).trim();
      const control = text(ge.elements[1]).trim();
      result.trailer = { transactionCount: count, controlNumber: control };
      const cmp = compareControl(open.header.controlNumber, control);
      if (cmp === 'different') {
        this.fail({ code: 'group-control-mismatch', level: 'group', segment: { ...location(ge), element: 2 }, text: `GE02 ${JSON.stringify(control)} does not match GS06 ${JSON.stringify(open.header.controlNumber)} (GS at segment ${open.gs.position})`, ack: { ak9: '4' } });
      } else if (cmp === 'padding') {
        this.warn({ code: 'control-number-format', level: 'group', segment: { ...location(ge), element: 2 }, text: `GE02 ${JSON.stringify(control)} matches GS06 ${JSON.stringify(open.header.controlNumber)} only when leading zeros are ignored` });
      }
      if (!/^\d+$/.test(count) || Number(count) !== open.sets.length) {
        this.fail({ code: 'transaction-count-mismatch', level: 'group', segment: { ...location(ge), element: 1 }, text: `GE01 says ${JSON.stringify(count)} transaction sets, group ${open.header.controlNumber} has ${open.sets.length}`, ack: { ak9: '5' } });
      }
    } else {
      this.fail({ code: 'group-truncated', level: 'group', segment: location(at), text: `functional group ${open.header.controlNumber} (GS at segment ${open.gs.position}) has no GE trailer before ${at.tag}`, ack: { ak9: '3' } });
    }
    const rejectedSets = open.sets.filter((s) => s.status === 'rejected').length;
    if (open.errors.length > 0 || (open.sets.length > 0 && rejectedSets === open.sets.length)) result.status = 'rejected';
    else if (rejectedSets > 0) result.status = 'partial';
    this.groups.push(result);
    this.group = undefined;
  }

  /** The file ended, or another ISA began, before this interchange's IEA. */
  truncate(reason: 'eof' | 'isa', at: Segment | undefined, lastTerminated = true): void {
    const where = at ?? this.last;
    if (this.set) this.closeSet(undefined, where);
    if (this.group) this.closeGroup(undefined, where);
    this.fail({
      code: 'interchange-truncated',
      level: 'interchange',
      segment: location(where),
      text:
        reason === 'eof'
          ? `the file ends after ${where.tag} without the IEA trailer of interchange ${this.envelope.controlNumber}${lastTerminated ? '' : `; the last segment has no terminator, so the file looks cut off`}`
          : `a new ISA starts before the IEA trailer of interchange ${this.envelope.controlNumber}`,
      ack: { ta1: '023' },
    });
  }

  result(): Interchange {
    const interchange: Interchange = {
      status: this.errors.length === 0 ? 'accepted' : 'rejected',
      envelope: this.envelope,
      groups: this.groups,
      firstSegment: this.isa.position,
      lastSegment: this.last.position,
      errors: this.errors,
      warnings: this.warnings,
    };
    if (this.ta1.length > 0) interchange.ta1 = this.ta1;
    if (this.trailer) interchange.trailer = this.trailer;
    return interchange;
  }
}

function toSegment(raw: RawSegment, delimiters: Delimiters, counter: PositionCounter): Segment {
  const { tag, elements } = splitSegment(raw.text, delimiters);
  return { tag, elements, position: counter.next++ };
}

/** Reads the interchange whose ISA starts at `at`. */
export function readInterchange(input: string, at: number, counter: PositionCounter, source: string | undefined): InterchangeRead {
  const isaPosition = counter.next;
  const detected = detectIsa(input, at);
  if (!detected.ok) {
    counter.next++;
    const error = problem(
      { code: detected.code, level: 'file', segment: { tag: 'ISA', position: isaPosition }, text: `${detected.reason}; the interchange cannot be read`, ack: { ta1: detected.ta1 } },
      source !== undefined ? { file: source } : {},
    );
    return { ok: false, error, next: at + 3 };
  }
  const { delimiters, fields } = detected;
  const isa: Segment = { tag: 'ISA', elements: fields, position: counter.next++ };
  const reader = new InterchangeReader(isa, fields, delimiters, source);
  const cursor = new SegmentCursor(input, detected.end, delimiters.segment);
  let lastTerminated = true;
  for (;;) {
    const raw = cursor.next();
    if (!raw) {
      reader.truncate('eof', undefined, lastTerminated);
      return { ok: true, interchange: reader.result(), next: input.length };
    }
    if (isIsaStart(raw.text, 0)) {
      reader.truncate('isa', undefined);
      return { ok: true, interchange: reader.result(), next: raw.start };
    }
    lastTerminated = raw.terminated;
    if (reader.accept(toSegment(raw, delimiters, counter))) {
      return { ok: true, interchange: reader.result(), next: cursor.offset };
    }
  }
}
