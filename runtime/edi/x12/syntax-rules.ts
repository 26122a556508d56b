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
import type { Element, Segment } from './segments.ts';

type RuleKind = 'P' | 'R' | 'C' | 'L' | 'E';
interface Rule {
  readonly kind: RuleKind;
  readonly elements: readonly number[];
  /** As the standard writes it (P0607): built once, used only in messages. */
  readonly label: string;
}

function rule(kind: RuleKind, ...elements: number[]): Rule {
  return { kind, elements, label: `${kind}${elements.map((n) => String(n).padStart(2, '0')).join('')}` };
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

function names(tag: string, elements: readonly number[], separator: string): string {
  return elements.map((e) => name(tag, e)).join(separator);
}

/**
 * Collects the first issue per element. Kept free of closures and of message building until
 * something is wrong: it runs on every segment of every file.
 */
class Issues {
  private list: ElementIssue[] | undefined;
  flag(element: number, ak4: ElementIssue['ak4'], text: () => string): void {
    if (this.list?.some((i) => i.element === element)) return;
    (this.list ??= []).push({ element, ak4, text: text() });
  }
  result(): ElementIssue[] {
    return this.list === undefined ? [] : this.list.sort((a, b) => a.element - b.element);
  }
}

function countPresent(elements: readonly Element[], among: readonly number[], from = 0): number {
  let n = 0;
  for (let i = from; i < among.length; i++) if (present(elements[(among[i] as number) - 1])) n++;
  return n;
}

/** Checks one segment; returns one issue per offending element (the first rule that flags it). */
export function checkSegmentSyntax(segment: Segment): ElementIssue[] {
  const { tag, elements } = segment;
  const mandatory = MANDATORY[tag];
  const rules = RULES[tag];
  if (mandatory === undefined && rules === undefined) return [];
  const issues = new Issues();
  for (const n of mandatory ?? []) {
    if (!present(elements[n - 1])) issues.flag(n, '1', () => `mandatory element ${name(tag, n)} is missing`);
  }
  for (const r of rules ?? []) {
    const all = r.elements;
    const first = all[0] as number;
    switch (r.kind) {
      case 'P':
        if (countPresent(elements, all) > 0) {
          for (const n of all) {
            if (!present(elements[n - 1])) issues.flag(n, '2', () => `syntax note ${r.label}: ${names(tag, all, ' and ')} must be given together; ${name(tag, n)} is missing`);
          }
        }
        break;
      case 'R':
        if (countPresent(elements, all) === 0) issues.flag(first, '2', () => `syntax note ${r.label}: at least one of ${names(tag, all, ', ')} is required`);
        break;
      case 'C':
        if (present(elements[first - 1])) {
          for (let i = 1; i < all.length; i++) {
            const n = all[i] as number;
            if (!present(elements[n - 1])) issues.flag(n, '2', () => `syntax note ${r.label}: ${name(tag, first)} is present, so ${name(tag, n)} is required`);
          }
        }
        break;
      case 'L':
        if (present(elements[first - 1]) && countPresent(elements, all, 1) === 0) {
          issues.flag(all[1] ?? first, '2', () => `syntax note ${r.label}: ${name(tag, first)} is present, so one of ${names(tag, all.slice(1), ', ')} is required`);
        }
        break;
      case 'E': {
        const given = all.filter((n) => present(elements[n - 1]));
        if (given.length > 1) issues.flag(given[1] as number, '10', () => `syntax note ${r.label}: only one of ${names(tag, all, ', ')} may be given`);
        break;
      }
    }
  }
  return issues.result();
}
