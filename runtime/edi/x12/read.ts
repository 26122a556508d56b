/**
 * `readInterchanges`: one file's text to interchanges, groups and transaction sets.
 *
 * File-level decisions: text before the first ISA (or between an IEA and the next ISA) is an
 * error of its own and is skipped up to the next ISA that reads as one, so a stray banner line
 * does not hide the interchanges after it. A file in which no ISA can be found at all gives one
 * error saying what it starts with (a GS, an ISA-shaped header with another tag, or something
 * that is not X12). Reading never throws on bad input.
 */
import { problem, type X12Error } from './errors.ts';
import { readInterchange, type PositionCounter } from './envelope.ts';
import { detectIsa, isIsaStart } from './tokenizer.ts';
import type { Interchange, ReadOptions, ReadResult, TransactionSet } from './types.ts';

const ENVELOPE_TAGS = new Set(['GS', 'GE', 'ST', 'SE', 'IEA', 'TA1']);

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && /[\s\uFEFF]/.test(text[i] as string)) i++;
  return i;
}

/** Next offset where a well-formed ISA starts at a segment boundary, or -1. */
function findIsa(text: string, from: number): number {
  for (let i = text.indexOf('ISA', from); i >= 0; i = text.indexOf('ISA', i + 1)) {
    if (isIsaStart(text, i) && (i === 0 || !/[A-Za-z0-9]/.test(text[i - 1] as string)) && detectIsa(text, i).ok) return i;
  }
  return -1;
}

/** Explains what a file (or a stretch of it) starts with when that is not an ISA. */
function describeStart(text: string, at: number): { code: X12Error['code']; tag: string; text: string } {
  const head = text.slice(at, at + 300);
  if (head.startsWith('ISA')) {
    return { code: 'delimiters-invalid', tag: 'ISA', text: `the element separator (4th character of the ISA) is ${JSON.stringify(head[3] ?? '')}, which cannot be a delimiter` };
  }
  if (/[\u0000-\u0008\u000E-\u001B\u007F\uFFFD]/.test(head.slice(0, 64))) {
    return { code: 'not-x12', tag: '?', text: 'the data is binary, not X12 text' };
  }
  const m = /^([A-Z][A-Z0-9]{1,2})([^A-Za-z0-9\s])/.exec(head);
  if (!m) {
    const preview = head.slice(0, 20).replace(/\s+/g, ' ');
    return { code: 'not-x12', tag: '?', text: `this is not X12: it does not start with a segment tag and a delimiter (it starts with ${JSON.stringify(preview)})` };
  }
  const [, tag = '', sep = ''] = m;
  if (ENVELOPE_TAGS.has(tag)) {
    return { code: 'isa-missing', tag, text: `the ISA interchange header is missing: the data starts with ${tag}` };
  }
  const firstLine = head.split(/[\r\n]/)[0] ?? '';
  if (firstLine.split(sep).length - 1 >= 16) {
    return { code: 'isa-invalid', tag, text: `expected the ISA interchange header, found ${JSON.stringify(tag)} (a header with 16 elements but the wrong tag)` };
  }
  return { code: 'isa-missing', tag, text: `the ISA interchange header is missing: the data starts with a ${tag} segment` };
}

/** File order; at the same segment, the innermost envelope's problem first (set, group, interchange). */
function allErrors(interchange: Interchange): X12Error[] {
  const sets = interchange.groups.flatMap((g) => g.transactionSets.flatMap((s) => s.errors));
  const groups = interchange.groups.flatMap((g) => g.errors);
  return [...sets, ...groups, ...interchange.errors].sort((a, b) => (a.segment?.position ?? 0) - (b.segment?.position ?? 0));
}

export function readInterchanges(text: string, options: ReadOptions = {}): ReadResult {
  const source = options.source;
  const context = source !== undefined ? { file: source } : {};
  const interchanges: Interchange[] = [];
  const errors: X12Error[] = [];
  const warnings: X12Error[] = [];
  const counter: PositionCounter = { next: 1 };

  let at = skipSpace(text, 0);
  if (at >= text.length) {
    errors.push(problem({ code: 'empty-input', level: 'file', text: 'the file is empty: there is no X12 interchange in it' }, context));
  }
  while (at < text.length) {
    if (!isIsaStart(text, at)) {
      const found = describeStart(text, at);
      const next = findIsa(text, at + 1);
      if (next >= 0 || interchanges.length > 0) {
        const what = next >= 0 ? 'before the next ISA' : 'after the last IEA';
        errors.push(problem({ code: 'unexpected-data', level: 'file', segment: { tag: found.tag, position: counter.next++ }, text: `${next >= 0 ? next - at : text.length - at} characters ${what} belong to no interchange and were skipped (${found.text})` }, context));
      } else {
        errors.push(problem({ code: found.code, level: 'file', segment: { tag: found.tag, position: counter.next++ }, text: found.text }, context));
      }
      if (next < 0) break;
      at = next;
      continue;
    }
    const read = readInterchange(text, at, counter, source);
    if (read.ok) {
      interchanges.push(read.interchange);
      errors.push(...allErrors(read.interchange));
      warnings.push(...read.interchange.warnings);
      at = skipSpace(text, read.next);
    } else {
      errors.push(read.error);
      const next = findIsa(text, read.next);
      if (next < 0) break;
      at = next;
    }
  }

  // Within one file a repeated ISA13 from the same sender is worth a look, but it is not an
  // envelope error: deciding what is a duplicate across files needs the runtime's stored numbers.
  const seen = new Map<string, Interchange>();
  for (const ic of interchanges) {
    const key = `${ic.envelope.sender.qualifier}/${ic.envelope.sender.id}/${ic.envelope.controlNumber}`;
    const first = seen.get(key);
    if (first) {
      const warning = problem(
        { code: 'interchange-control-duplicate', level: 'interchange', segment: { tag: 'ISA', position: ic.firstSegment, element: 13 }, text: `interchange control number ${ic.envelope.controlNumber} from ${ic.envelope.sender.id} was already used by the interchange at segment ${first.firstSegment}` },
        { ...context, interchangeControlNumber: ic.envelope.controlNumber },
      );
      ic.warnings.push(warning);
      warnings.push(warning);
    } else seen.set(key, ic);
  }

  const documents: TransactionSet[] = [];
  for (const ic of interchanges) {
    if (ic.status !== 'accepted') continue;
    for (const g of ic.groups) {
      if (g.status === 'rejected') continue;
      for (const s of g.transactionSets) if (s.status === 'accepted') documents.push(s);
    }
  }
  const result: ReadResult = { interchanges, documents, errors, warnings, ok: errors.length === 0 };
  if (source !== undefined) result.source = source;
  return result;
}
