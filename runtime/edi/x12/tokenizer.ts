/**
 * Delimiter detection and segment splitting.
 *
 * X12 has no fixed delimiters: each interchange declares its own in the ISA. The element
 * separator is the 4th character; the component separator is ISA16; the segment terminator is
 * the character right after ISA16. We find ISA16 by counting element separators rather than by
 * offset 104, so that headers whose fields are not padded to their fixed widths still read.
 */
import type { Delimiters, Element } from './segments.ts';

const ALNUM = /[A-Za-z0-9]/;
const LINE_BREAK = /[\r\n]/;

/** An ISA needs 16 separators; a real one is 105 characters, so anything far longer is not an ISA. */
const MAX_ISA_LENGTH = 400;

export type IsaDetection =
  | {
      ok: true;
      delimiters: Delimiters;
      /** ISA01..ISA16 as written (untrimmed). */
      fields: string[];
      /** Offset just after the ISA's segment terminator. */
      end: number;
    }
  | {
      ok: false;
      code: 'isa-invalid' | 'delimiters-invalid';
      /** TA1 note code that describes the failure. */
      ta1: string;
      reason: string;
    };

export function isIsaStart(text: string, at: number): boolean {
  if (!text.startsWith('ISA', at)) return false;
  const sep = text[at + 3];
  return sep !== undefined && !ALNUM.test(sep) && !/\s/.test(sep);
}

/** Reads the delimiters out of the ISA that starts at `at` (which must point at "ISA"). */
export function detectIsa(text: string, at: number): IsaDetection {
  const sep = text[at + 3];
  if (sep === undefined) {
    return { ok: false, code: 'isa-invalid', ta1: '023', reason: 'the file ends inside the ISA header' };
  }
  if (ALNUM.test(sep) || /\s/.test(sep)) {
    return {
      ok: false,
      code: 'delimiters-invalid',
      ta1: '026',
      reason: `the element separator (4th character of ISA) is ${JSON.stringify(sep)}, which cannot be a delimiter`,
    };
  }
  // Line breaks before ISA16 are skipped: some networks wrap files at 80 columns, which cuts
  // the 106-character ISA in two. The character right after ISA16 is the terminator even when
  // it is a line break (files whose segments end with a bare newline).
  let count = 0;
  let sixteenth = -1;
  const limit = Math.min(text.length, at + MAX_ISA_LENGTH);
  for (let i = at + 3; i < limit; i++) {
    if (text[i] === sep && ++count === 16) {
      sixteenth = i;
      break;
    }
  }
  if (sixteenth < 0) {
    return {
      ok: false,
      code: 'isa-invalid',
      ta1: limit >= text.length ? '023' : '022',
      reason: `the ISA header has ${count} element separators${limit >= text.length ? ' before the end of the file' : ''}; it needs 16 (ISA01 to ISA16)`,
    };
  }
  let componentAt = sixteenth + 1;
  while (LINE_BREAK.test(text[componentAt] ?? '')) componentAt++;
  const component = text[componentAt];
  const terminator = text[componentAt + 1];
  if (component === undefined || terminator === undefined) {
    return { ok: false, code: 'isa-invalid', ta1: '023', reason: 'the file ends inside the ISA header (no ISA16 or no segment terminator)' };
  }
  if (ALNUM.test(component) || component === sep || /\s/.test(component)) {
    return {
      ok: false,
      code: 'delimiters-invalid',
      ta1: '027',
      reason: `ISA16 (component separator) is ${JSON.stringify(component)}, which cannot be a delimiter`,
    };
  }
  if (ALNUM.test(terminator) || terminator === sep || terminator === component || terminator === ' ') {
    return {
      ok: false,
      code: 'delimiters-invalid',
      ta1: '004',
      reason: `the character after ISA16 (the segment terminator) is ${JSON.stringify(terminator)}, which cannot be a delimiter; is ISA16 missing?`,
    };
  }
  const fields = (text.slice(at + 4, sixteenth).replace(/[\r\n]/g, '') + sep + component).split(sep);
  // Identify the interchange or give up on it: without a control number nothing can be
  // acknowledged, and junk that happens to contain "ISA" and 16 separators stops here.
  if (fields.some((f) => /[\u0000-\u001F\u007F]/.test(f))) {
    return { ok: false, code: 'isa-invalid', ta1: '022', reason: 'the ISA header contains control characters, so it is not an interchange header' };
  }
  const isa13 = (fields[12] ?? '').trim();
  if (!/^\d{1,9}$/.test(isa13)) {
    return { ok: false, code: 'isa-invalid', ta1: '018', reason: `ISA13 (interchange control number) ${JSON.stringify(isa13)} is not a number of up to 9 digits` };
  }
  const delimiters: Delimiters = { element: sep, component, segment: terminator };
  const isa11 = fields[10] ?? '';
  const isa12 = fields[11] ?? '';
  // From version 00402 on ISA11 is the repetition separator; in 4010 it is the code "U".
  if (isa11.length === 1 && !ALNUM.test(isa11) && isa11 !== sep && isa11 !== component && isa12 >= '00402') {
    delimiters.repetition = isa11;
  }
  return { ok: true, delimiters, fields, end: componentAt + 2 };
}

export interface RawSegment {
  text: string;
  /** Offset of the segment's first character. */
  start: number;
  /** False for a last segment that runs to the end of the file without a terminator. */
  terminated: boolean;
}

/**
 * Walks segments with one interchange's delimiters. Line breaks between segments are skipped;
 * when the terminator is not itself a line break, line breaks inside a segment are dropped too
 * (X12 data cannot contain them, and some networks wrap files at 80 columns).
 */
export class SegmentCursor {
  constructor(
    private readonly text: string,
    public offset: number,
    private readonly terminator: string,
  ) {}

  next(): RawSegment | undefined {
    const { text, terminator } = this;
    const breaksAreData = terminator === '\n' || terminator === '\r';
    for (;;) {
      while (this.offset < text.length && /\s/.test(text[this.offset] as string) && text[this.offset] !== terminator) {
        this.offset++;
      }
      if (this.offset >= text.length) return undefined;
      const start = this.offset;
      const end = text.indexOf(terminator, start);
      const terminated = end >= 0;
      let raw = terminated ? text.slice(start, end) : text.slice(start);
      this.offset = terminated ? end + 1 : text.length;
      raw = breaksAreData ? raw.replace(/^[\r\n]+|[\r\n]+$/g, '') : raw.replace(/[\r\n]/g, '');
      if (raw.trim() === '') continue;
      return { text: raw, start, terminated };
    }
  }
}

/** Splits one segment's text into its tag and elements. The ISA is never split on components. */
export function splitSegment(raw: string, delimiters: Delimiters): { tag: string; elements: Element[] } {
  const parts = raw.split(delimiters.element);
  const tag = (parts[0] ?? '').trim();
  const elements: Element[] = [];
  // ISA's component separator is itself an element (ISA16): it is never split.
  const component = tag === 'ISA' ? undefined : delimiters.component;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    elements.push(component !== undefined && part.includes(component) ? part.split(component) : part);
  }
  return { tag, elements };
}
