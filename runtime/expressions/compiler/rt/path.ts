/**
 * Predicates, grouping and ordering over sequences. Compiled code passes the per-item parts
 * (predicate, key, value and sort-term expressions) as closures.
 */
import { JErr } from './errors.ts';
import { createSeq, lookup, norm, pushItems, seqOf } from './sequence.ts';
import { Bailout, depthExceeded, isStackOverflow, state, tick } from './state.ts';
import { type Flagged, isArrayOfNumbers, isNumeric, newObject, setKey, toBoolean } from './values.ts';

export type ItemFn = (item: unknown) => unknown;

/** `[n]` with a number literal: index from the start, or from the end when negative. */
export function filterIndex(input: unknown, n: number): unknown {
  let results: unknown = createSeq();
  const items = Array.isArray(input) ? input : seqOf(input);
  let index = Math.floor(n);
  if (index < 0) index = items.length + index;
  const item = items[index];
  if (item !== undefined) {
    if (Array.isArray(item)) results = item;
    else (results as unknown[]).push(item);
  }
  return results;
}

/**
 * How many times a predicate's non-boolean result keeps item `index` (of `length`): numbers
 * select by index (negative from the end), once per matching number; anything else by truth.
 */
export function filterTimes(res: unknown, index: number, length: number): number {
  let r = res;
  if (isNumeric(r)) r = [r];
  if (isArrayOfNumbers(r)) {
    let times = 0;
    for (const ires of r as number[]) {
      let ii = Math.floor(ires);
      if (ii < 0) ii = length + ii;
      if (ii === index) times++;
    }
    return times;
  }
  return toBoolean(r) ? 1 : 0;
}

/**
 * Evaluates parts the reference evaluates concurrently (object values of a grouping). When
 * there are several and one fails, which error the reference reports, and its position, depend
 * on how its promises interleave, so the evaluation is handed to the reference.
 */
export class ParallelErrors {
  private first: unknown = undefined;
  private failed = 0;
  /** How many parts run concurrently (with one, there is nothing to interleave). */
  constructor(private readonly parts: number) {}
  run<T>(part: () => T): T | undefined {
    try {
      return part();
    } catch (e) {
      if (e instanceof Bailout || isStackOverflow(e) || isGuardrail(e)) throw e;
      if (this.parts > 1) throw new Bailout('a concurrently evaluated part of a constructor failed');
      if (this.failed++ === 0) this.first = e;
      return undefined;
    }
  }
  /** Records a failure caught by generated code (its own try/catch around a part). */
  fail(e: unknown): void {
    if (e instanceof Bailout || isStackOverflow(e) || isGuardrail(e)) throw e;
    if (this.failed++ === 0) this.first = e;
  }
  finish(): void {
    if (this.failed === 1) throw this.first;
    if (this.failed > 1) throw new Bailout('several concurrent parts of a constructor failed');
  }
}

export function isGuardrail(e: unknown): boolean {
  return e instanceof JErr && (e.code === 'D1011' || e.code === 'D1012');
}

export interface GroupPair {
  readonly key: ItemFn;
  readonly value: ItemFn;
}

/**
 * A group's items. The reference appends each further item with $append (copying every time);
 * only the final value is ever read, so the items are gathered and the same value built once.
 */
interface GroupEntry {
  first: unknown;
  rest: unknown[] | undefined;
  exprIndex: number;
}

function entryData(entry: GroupEntry): unknown {
  return entry.rest === undefined ? entry.first : entry.rest;
}

/** Object constructor / grouping `{k: v}` over a (non-tuple) sequence. */
export function group(input: unknown, pairs: readonly GroupPair[], position: number | undefined): Record<string, unknown> {
  const result = newObject();
  const groups = new Map<string, GroupEntry>();
  const items = (Array.isArray(input) ? input : seqOf(input)) as unknown[];
  if (items.length === 0) items.push(undefined);
  for (let i = 0; i < items.length; i++) {
    tick();
    const item = items[i];
    for (let p = 0; p < pairs.length; p++) {
      const key = (pairs[p] as GroupPair).key(item);
      addToGroup(groups, key, item, p, position);
    }
  }
  const keys = propertyOrder(groups.keys());
  const parallel = new ParallelErrors(keys.length);
  const values: unknown[] = new Array<unknown>(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const entry = groups.get(keys[k] as string) as GroupEntry;
    values[k] = parallel.run(() => (pairs[entry.exprIndex] as GroupPair).value(entryData(entry)));
  }
  parallel.finish();
  for (let k = 0; k < keys.length; k++) {
    if (values[k] !== undefined) setKey(result, keys[k] as string, values[k]);
  }
  return result;
}

/** Is `key` an array index, which objects list first, in numeric order? */
function isIndexKey(key: string): boolean {
  if (key.length === 0 || key.length > 10) return false;
  const c0 = key.charCodeAt(0);
  if (c0 === 48) return key.length === 1;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(key) < 4294967295;
}

/**
 * The order Object.keys would list these keys in, had they been added to an object in this
 * order (the reference keeps its groups in an object): array indices first, ascending.
 */
export function propertyOrder(inserted: Iterable<string>): string[] {
  const indices: string[] = [];
  const names: string[] = [];
  for (const key of inserted) (isIndexKey(key) ? indices : names).push(key);
  if (indices.length === 0) return names;
  indices.sort((a, b) => Number(a) - Number(b));
  return indices.concat(names);
}

export function addToGroup(groups: Map<string, GroupEntry>, key: unknown, item: unknown, exprIndex: number, position: number | undefined): void {
  if (typeof key !== 'string' && key !== undefined) throw new JErr('T1003', key, position);
  if (key === undefined) return;
  if (key === '_jsonata_lambda' || key === '_jsonata_function') throw new JErr('D1013', key, position);
  const entry = groups.get(key);
  if (entry !== undefined) {
    if (entry.exprIndex !== exprIndex) throw new JErr('D1009', key, position);
    if (entry.rest === undefined) {
      entry.rest = [];
      pushItems(entry.rest, entry.first);
    }
    pushItems(entry.rest, item);
  } else {
    groups.set(key, { first: item, rest: undefined, exprIndex });
  }
}

export interface SortTerm {
  readonly descending: boolean;
  readonly expr: ItemFn;
}

/** Order-by: compares items term by term; returns true when `a` must come after `b`. */
export function orderComparator(terms: readonly SortTerm[], position: number | undefined): (a: unknown, b: unknown) => boolean {
  return (a, b) => {
    let comp = 0;
    for (let index = 0; comp === 0 && index < terms.length; index++) {
      const term = terms[index] as SortTerm;
      const aa = term.expr(a);
      const bb = term.expr(b);
      const at = typeof aa;
      const bt = typeof bb;
      if (at === 'undefined') {
        comp = bt === 'undefined' ? 0 : 1;
        continue;
      }
      if (bt === 'undefined') {
        comp = -1;
        continue;
      }
      if (!(at === 'string' || at === 'number') || !(bt === 'string' || bt === 'number')) {
        throw new JErr('T2008', !(at === 'string' || at === 'number') ? aa : bb, position);
      }
      if (at !== bt) {
        const e = new JErr('T2007', aa, position);
        e.value2 = bb;
        throw e;
      }
      if (aa === bb) continue;
      comp = (aa as number) < (bb as number) ? -1 : 1;
      if (term.descending) comp = -comp;
    }
    return comp === 1;
  };
}

/**
 * The reference's stable merge sort, comparing in the same order (so that the first failing
 * comparison is the same one).
 */
export function mergeSort(arr: unknown[], swap: (a: unknown, b: unknown) => boolean): unknown[] {
  if (arr.length <= 1) return arr;
  return msort(arr, swap);
}

function msort(array: unknown[], swap: (a: unknown, b: unknown) => boolean): unknown[] {
  if (array.length <= 1) return array;
  const middle = Math.floor(array.length / 2);
  const left = msort(array.slice(0, middle), swap);
  const right = msort(array.slice(middle), swap);
  const merged: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < left.length && r < right.length) {
    tick();
    if (swap(left[l], right[r])) merged.push(right[r++]);
    else merged.push(left[l++]);
  }
  while (l < left.length) merged.push(left[l++]);
  while (r < right.length) merged.push(right[r++]);
  return merged;
}

/** The reference's order-by step: sorts the step's input sequence (returned as is when short). */
export function sortSeq(input: unknown, terms: readonly SortTerm[], position: number | undefined): unknown {
  if (input === undefined) return undefined;
  const items = input as unknown[];
  if (items.length <= 1) return items;
  return mergeSort(items, orderComparator(terms, position));
}

/**
 * What each group of a grouping with distinct literal keys holds for these input items: the
 * item itself when there is one, all their items (arrays spread, as $append does) when there
 * are several. No items means one undefined item (pushed into the input, as the reference does).
 */
export function groupData(items: unknown[]): unknown {
  if (items.length === 0) {
    items.push(undefined);
    return undefined;
  }
  if (items.length === 1) return items[0];
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) pushItems(out, items[i]);
  return out;
}

/**
 * A path of field names evaluated the long way, for the rare single-field reads that meet
 * something other than plain objects. `start` is the context (checked at `depth` if a step is
 * evaluated), or, with `afterVariable`, the collapsed value of a leading `$variable` step.
 */
export function namePathGeneral(start: unknown, keys: readonly string[], afterVariable: boolean, depth: number): unknown {
  let items: unknown[];
  if (afterVariable) {
    if (start === undefined) return undefined;
    items = Array.isArray(start) && (start as Flagged).cons !== true ? start : [start];
  } else {
    items = Array.isArray(start) ? start : [start];
    if (items.length > 0 && depth > state().maxDepth) depthExceeded();
  }
  let rs: unknown[] = items;
  for (let i = 0; i < keys.length; i++) {
    const last = i === keys.length - 1;
    const out = createSeq();
    let count = 0;
    let first: unknown;
    for (let j = 0; j < items.length; j++) {
      tick();
      const v = norm(lookup(items[j], keys[i] as string));
      if (v === undefined) continue;
      if (count++ === 0) first = v;
      if (!Array.isArray(v) || (v as Flagged).cons) out.push(v);
      else pushItems(out, v);
    }
    rs = last && count === 1 && Array.isArray(first) && (first as Flagged).sequence !== true ? (first as unknown[]) : out;
    if (!last && rs.length === 0) return undefined;
    items = rs;
  }
  return norm(rs);
}
