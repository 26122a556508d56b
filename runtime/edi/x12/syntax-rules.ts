/**
 * Element-level rules of the 4010 segment dictionary, for the segments the typed sets read.
 *
 * This is deliberately not the whole dictionary: it holds the mandatory elements and the
 * relational conditions (X12 "syntax notes") of the segments Crossdock interprets, because those
 * are the ones that change meaning when broken (a product ID qualifier without its ID, a weight
 * qualifier without a weight). Lengths and code lists are left to trading-partner guides.
 *
 * Rule letters as in the standard: P paired (all or none), R required (at least one),
 * C conditional (if the first, then all others), L list conditional (if the first, then at
 * least one other), E exclusion (at most one).
 */
import type { Element, Segment } from './types.ts';

type RuleKind = 'P' | 'R' | 'C' | 'L' | 'E';
interface Rule {
  kind: RuleKind;
  elements: readonly number[];
}

function rule(kind: RuleKind, ...elements: number[]): Rule {
  return { kind, elements };
}

/** Product/service ID qualifier-and-value pairs: P0607, P0809 ... up to `to`. */
function pairs(from: number, to: number): Rule[] {
  const out: Rule[] = [];
  for (let n = from; n + 1 <= to; n += 2) out.push(rule('P', n, n + 1));
  return out;
}

const MANDATORY: Readonly<Record<string, readonly number[]>> = {
  BEG: [1, 2, 3, 5],
  BAK: [1, 2, 3, 4],
  BSN: [1, 2, 3, 4],
  BIG: [1, 2],
  BIA: [1, 2, 3, 4],
  W05: [1, 2],
  W06: [1],
  N1: [1],
  REF: [1],
  DTM: [1],
  PID: [1],
  CUR: [1, 2],
  HL: [1, 3],
  LIN: [2, 3],
  SN1: [2, 3],
  PRF: [1],
  MAN: [1, 2],
  CTT: [1],
  TDS: [1],
  ACK: [1],
  SCH: [1, 2, 5, 6],
  QTY: [1],
  LX: [1],
  N9: [1],
  W01: [1, 2],
  W12: [1],
  AK1: [1, 2],
  AK2: [1, 2],
  AK3: [1, 2],
  AK4: [1, 3],
  AK5: [1],
  AK9: [1, 2, 3, 4],
};

const RULES: Readonly<Record<string, readonly Rule[]>> = {
  PO1: [rule('C', 3, 2), rule('C', 5, 4), ...pairs(6, 25)],
  IT1: [rule('P', 2, 3, 4), ...pairs(6, 25)],
  PO4: [rule('P', 2, 3), rule('C', 5, 6), rule('P', 6, 7), rule('P', 8, 9), rule('C', 10, 13), rule('C', 11, 13), rule('C', 12, 13)],
  LIN: pairs(2, 31),
  ACK: [rule('P', 2, 3), rule('C', 4, 5), ...pairs(7, 26)],
  SLN: pairs(9, 28),
  N1: [rule('R', 2, 3), rule('P', 3, 4)],
  REF: [rule('R', 2, 3)],
  DTM: [rule('R', 2, 3, 5), rule('C', 4, 3)],
};

export interface ElementIssue {
  element: number;
  /** AK403 code: 1 mandatory missing, 2 conditional required missing, 10 exclusion violated. */
  ak4: '1' | '2' | '10';
  text: string;
}

function present(element: Element | undefined): boolean {
  if (element === undefined) return false;
  if (typeof element === 'string') return element.trim() !== '';
  return element.some((c) => c.trim() !== '');
}

function name(tag: string, n: number): string {
  return `${tag}${String(n).padStart(2, '0')}`;
}

/** Checks one segment; returns one issue per offending element (the first rule that flags it). */
export function checkSegmentSyntax(segment: Segment): ElementIssue[] {
  const { tag, elements } = segment;
  const has = (n: number): boolean => present(elements[n - 1]);
  const issues = new Map<number, ElementIssue>();
  const flag = (element: number, ak4: ElementIssue['ak4'], text: string): void => {
    if (!issues.has(element)) issues.set(element, { element, ak4, text });
  };
  for (const n of MANDATORY[tag] ?? []) {
    if (!has(n)) flag(n, '1', `mandatory element ${name(tag, n)} is missing`);
  }
  for (const r of RULES[tag] ?? []) {
    const [first, ...rest] = r.elements as [number, ...number[]];
    const label = `${r.kind}${r.elements.map((n) => String(n).padStart(2, '0')).join('')}`;
    switch (r.kind) {
      case 'P':
        if (r.elements.some(has)) {
          for (const n of r.elements) {
            if (!has(n)) flag(n, '2', `syntax note ${label}: ${r.elements.map((e) => name(tag, e)).join(' and ')} must be given together; ${name(tag, n)} is missing`);
          }
        }
        break;
      case 'R':
        if (!r.elements.some(has)) flag(first, '2', `syntax note ${label}: at least one of ${r.elements.map((e) => name(tag, e)).join(', ')} is required`);
        break;
      case 'C':
        if (has(first)) {
          for (const n of rest) {
            if (!has(n)) flag(n, '2', `syntax note ${label}: ${name(tag, first)} is present, so ${name(tag, n)} is required`);
          }
        }
        break;
      case 'L':
        if (has(first) && !rest.some(has)) flag(rest[0] ?? first, '2', `syntax note ${label}: ${name(tag, first)} is present, so one of ${rest.map((e) => name(tag, e)).join(', ')} is required`);
        break;
      case 'E': {
        const given = r.elements.filter(has);
        if (given.length > 1) flag(given[1] as number, '10', `syntax note ${label}: only one of ${r.elements.map((e) => name(tag, e)).join(', ')} may be given`);
        break;
      }
    }
  }
  return [...issues.values()].sort((a, b) => a.element - b.element);
}
