/**
 * `writeInterchange`: typed documents (the shapes the reader produces) to one X12 interchange.
 *
 * Control numbers come from the caller through `controlNumbers`, called once per envelope in
 * writing order (interchange, then for each group: the group, then its sets), so the runtime
 * can keep its counters in durable storage; this module keeps no state. Documents are grouped
 * into one GS/GE per functional ID, in the order their first document appears.
 *
 * The writer refuses input it cannot express as valid X12 rather than emitting something a
 * partner would reject: a value containing a delimiter (X12 has no escaping), a missing
 * mandatory element, a broken syntax note, an ISA field longer than its fixed width. It throws
 * `X12WriteError` with a path into the input.
 */
import { X12WriteError } from './errors.ts';
import { writeWithSchema, type WrittenSegment } from './schema.ts';
import { setModule, type TypedDocument } from './sets/index.ts';
import { checkSegmentSyntax } from './syntax-rules.ts';
import type { InterchangeAckSegment, PartyId } from './types.ts';
import type { Delimiters, Element } from './segments.ts';
import { formatDate, formatTime } from './values.ts';

export type ControlNumberKind = 'interchange' | 'group' | 'transaction';
/** Returns the next control number for that kind of envelope (1 to 999999999). */
export type ControlNumberSource = (kind: ControlNumberKind) => number;

/** Any transaction set given as its segments between ST and SE (for sets without a typed form). */
export interface GenericDocument {
  type: string;
  /** GS01 for the set; needed because an unknown set type has no known functional group. */
  functionalId: string;
  segments: Array<{ tag: string; elements: Element[] }>;
}

export type WritableDocument = TypedDocument | GenericDocument;

export interface WriteOptions {
  sender: PartyId;
  receiver: PartyId;
  /** GS02/GS03; default the ISA sender and receiver ids. */
  applicationSender?: string;
  applicationReceiver?: string;
  controlNumbers: ControlNumberSource;
  /** Envelope date and time: a Date (its UTC fields are used) or explicit local values. Default: now. */
  at?: Date | { date: string; time: string };
  usage?: 'production' | 'test';
  /** ISA14: ask the receiver for a TA1. */
  ackRequested?: boolean;
  authorization?: { qualifier: string; information: string };
  security?: { qualifier: string; information: string };
  /** ISA12, default 00401. From 00402 on ISA11 carries the repetition separator. */
  version?: string;
  /** GS08, default 004010. */
  groupVersion?: string;
  /** Default `*`, `>`, `~` (and `^` for repetition from 00402 on). */
  delimiters?: Partial<Delimiters>;
  /** Written after each segment terminator; default "\n". Use "" for a single-line file. */
  lineEnding?: string;
  /** TA1 segments to put between ISA and the first GS (used for acknowledgments). */
  ta1?: InterchangeAckSegment[];
}

export interface WrittenInterchange {
  text: string;
  interchangeControlNumber: string;
  groups: Array<{
    functionalId: string;
    controlNumber: string;
    transactionSets: Array<{ type: string; controlNumber: string; segmentCount: number }>;
  }>;
}

const MAX_CONTROL = 999_999_999;

function controlNumber(source: ControlNumberSource, kind: ControlNumberKind, minDigits: number): string {
  const n = source(kind);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONTROL) {
    throw new X12WriteError(`the ${kind} control number must be a whole number from 1 to ${MAX_CONTROL}, got ${String(n)}`, 'controlNumbers');
  }
  return String(n).padStart(minDigits, '0');
}

function fixed(value: string, width: number, path: string): string {
  if (value.length > width) throw new X12WriteError(`${JSON.stringify(value)} is longer than the ${width} characters this ISA field holds`, path);
  return value.padEnd(width, ' ');
}

function clock(at: WriteOptions['at']): { date: string; time: string } {
  if (at === undefined || at instanceof Date) {
    const d = at ?? new Date();
    const iso = d.toISOString();
    return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
  }
  return at;
}

function isGeneric(document: WritableDocument): document is GenericDocument {
  return Array.isArray((document as Partial<GenericDocument>).segments);
}

function bodySegments(document: WritableDocument, path: string): WrittenSegment[] {
  if (isGeneric(document)) {
    return document.segments.filter((s) => s.tag !== 'ST' && s.tag !== 'SE').map((s) => ({ tag: s.tag, elements: s.elements }));
  }
  const module = setModule(document.type);
  if (!module) throw new X12WriteError(`transaction set ${String(document.type)} has no typed writer; give it as { type, functionalId, segments }`, path);
  const json = module.prepare ? module.prepare(document) : (document as unknown as Record<string, unknown>);
  const segments = writeWithSchema(module.schema, json, path);
  if (!segments.some((s) => s.tag === module.beginning)) {
    throw new X12WriteError(`a ${module.type} needs its ${module.beginning} segment`, path);
  }
  for (const [i, segment] of segments.entries()) {
    const issue = checkSegmentSyntax({ tag: segment.tag, elements: segment.elements, position: i + 2 })[0];
    if (issue) throw new X12WriteError(`${segment.tag} (segment ${i + 2} of the set): ${issue.text}`, path);
  }
  return segments;
}

function functionalIdOf(document: WritableDocument, path: string): string {
  if (isGeneric(document)) return document.functionalId;
  const module = setModule(document.type);
  if (!module) throw new X12WriteError(`unknown transaction set ${String(document.type)}`, path);
  return module.functionalId;
}

class Serializer {
  private readonly parts: string[] = [];
  private readonly reserved: string[];

  constructor(
    private readonly d: Delimiters,
    private readonly lineEnding: string,
  ) {
    this.reserved = [d.element, d.component, d.segment, ...(d.repetition ? [d.repetition] : [])];
  }

  private checked(value: string, where: string): string {
    for (const r of this.reserved) {
      if (value.includes(r)) throw new X12WriteError(`${JSON.stringify(value)} contains the delimiter ${JSON.stringify(r)}, which X12 cannot escape`, where);
    }
    if (/[\r\n]/.test(value)) throw new X12WriteError(`${JSON.stringify(value)} contains a line break`, where);
    return value;
  }

  add(tag: string, elements: readonly Element[], where: string): void {
    const encoded = elements.map((e, i) => {
      const at = `${where} ${tag}${String(i + 1).padStart(2, '0')}`;
      return typeof e === 'string' ? this.checked(e, at) : e.map((c) => this.checked(c, at)).join(this.d.component);
    });
    this.parts.push([tag, ...encoded].join(this.d.element) + this.d.segment + this.lineEnding);
  }

  /** The ISA is written raw: its fields are fixed-width and ISA16 is the component separator itself. */
  addRaw(text: string): void {
    this.parts.push(text + this.d.segment + this.lineEnding);
  }

  text(): string {
    return this.parts.join('');
  }
}

function resolveDelimiters(options: WriteOptions, version: string): Delimiters {
  const d: Delimiters = {
    element: options.delimiters?.element ?? '*',
    component: options.delimiters?.component ?? '>',
    segment: options.delimiters?.segment ?? '~',
  };
  if (version >= '00402') d.repetition = options.delimiters?.repetition ?? '^';
  const all = [d.element, d.component, d.segment, ...(d.repetition ? [d.repetition] : [])];
  for (const ch of all) {
    if (ch.length !== 1 || /[A-Za-z0-9 ]/.test(ch)) throw new X12WriteError(`${JSON.stringify(ch)} cannot be a delimiter (one character, not a letter, digit or space)`, 'delimiters');
  }
  if (new Set(all).size !== all.length) throw new X12WriteError('the delimiters must all be different', 'delimiters');
  return d;
}

export function writeInterchange(documents: readonly WritableDocument[], options: WriteOptions): WrittenInterchange {
  const version = options.version ?? '00401';
  const delimiters = resolveDelimiters(options, version);
  const lineEnding = options.lineEnding ?? '\n';
  if (lineEnding !== '' && /[^\r\n]/.test(lineEnding)) throw new X12WriteError('lineEnding may only contain line breaks', 'lineEnding');
  const out = new Serializer(delimiters, lineEnding);
  const { date, time } = clock(options.at);
  const isaDate = formatDate(date, 6);
  const isaTime = formatTime(time);
  const gsDate = formatDate(date, 8);
  if (isaDate === undefined || gsDate === undefined) throw new X12WriteError(`${JSON.stringify(date)} is not a valid date`, 'at');
  if (isaTime === undefined || isaTime.length !== 4) throw new X12WriteError(`${JSON.stringify(time)} is not a valid HH:MM time`, 'at');

  // Build and check every set before drawing any control number, so a refused document does
  // not leave a gap in the caller's sequence.
  const groups = new Map<string, Array<{ document: WritableDocument; path: string; body: WrittenSegment[] }>>();
  documents.forEach((document, index) => {
    const path = `documents[${index}]`;
    const id = functionalIdOf(document, path);
    const list = groups.get(id) ?? [];
    list.push({ document, path, body: bodySegments(document, path) });
    groups.set(id, list);
  });

  const icn = controlNumber(options.controlNumbers, 'interchange', 9);
  const isa = [
    'ISA',
    fixed(options.authorization?.qualifier ?? '00', 2, 'authorization.qualifier'),
    fixed(options.authorization?.information ?? '', 10, 'authorization.information'),
    fixed(options.security?.qualifier ?? '00', 2, 'security.qualifier'),
    fixed(options.security?.information ?? '', 10, 'security.information'),
    fixed(options.sender.qualifier, 2, 'sender.qualifier'),
    fixed(options.sender.id, 15, 'sender.id'),
    fixed(options.receiver.qualifier, 2, 'receiver.qualifier'),
    fixed(options.receiver.id, 15, 'receiver.id'),
    isaDate,
    isaTime,
    delimiters.repetition ?? 'U',
    fixed(version, 5, 'version'),
    icn,
    options.ackRequested ? '1' : '0',
    options.usage === 'test' ? 'T' : 'P',
    delimiters.component,
  ];
  for (const [i, field] of isa.entries()) {
    if (i > 0 && i < 16 && [delimiters.element, delimiters.segment, delimiters.component].some((d) => field.includes(d))) {
      throw new X12WriteError(`ISA${String(i).padStart(2, '0')} ${JSON.stringify(field)} contains a delimiter`, 'envelope');
    }
  }
  out.addRaw(isa.join(delimiters.element));

  for (const [i, ta1] of (options.ta1 ?? []).entries()) {
    const taDate = ta1.date !== undefined ? formatDate(ta1.date, 6) : isaDate;
    const taTime = ta1.time !== undefined ? formatTime(ta1.time) : isaTime;
    out.add('TA1', [ta1.controlNumber.padStart(9, '0'), taDate ?? isaDate, taTime ?? isaTime, ta1.status, ta1.noteCode], `ta1[${i}]`);
  }

  const written: WrittenInterchange = { text: '', interchangeControlNumber: icn, groups: [] };
  for (const [functionalId, members] of groups) {
    const gcn = controlNumber(options.controlNumbers, 'group', 1);
    const group: WrittenInterchange['groups'][number] = { functionalId, controlNumber: gcn, transactionSets: [] };
    out.add(
      'GS',
      [functionalId, options.applicationSender ?? options.sender.id, options.applicationReceiver ?? options.receiver.id, gsDate, isaTime, gcn, 'X', options.groupVersion ?? '004010'],
      'group',
    );
    for (const { document, path, body } of members) {
      const tcn = controlNumber(options.controlNumbers, 'transaction', 4);
      out.add('ST', [document.type, tcn], path);
      for (const segment of body) out.add(segment.tag, segment.elements, path);
      const count = body.length + 2;
      out.add('SE', [String(count), tcn], path);
      group.transactionSets.push({ type: document.type, controlNumber: tcn, segmentCount: count });
    }
    out.add('GE', [String(members.length), gcn], 'group');
    written.groups.push(group);
  }
  out.add('IEA', [String(groups.size), icn], 'envelope');
  written.text = out.text();
  return written;
}
