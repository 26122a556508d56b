/**
 * Tuple streams: the form a path takes once a step binds `@$var` (context) or `#$var`
 * (position). Each tuple carries the step value (slot 0, the reference's '@') and the bound
 * variables in slots fixed at compile time. Tuples are internal and never reach expression
 * values, so they are plain arrays here.
 */
import { JErr } from './errors.ts';
import { ParallelErrors, type SortTerm, mergeSort, orderComparator } from './path.ts';
import { append, createSeq } from './sequence.ts';
import { tick } from './state.ts';
import { type Flagged, isArrayOfNumbers, isNumeric, newObject, setKey, toBoolean } from './values.ts';

export type Tuple = unknown[];

/** A deleted '@' (the reference deletes it from a tuple when grouping reduces it). */
export const ABSENT: unique symbol = Symbol('absent');

export function tupleSeq(): Flagged {
  const s = createSeq();
  s.tupleStream = true;
  return s;
}

export function tuplesOf(input: unknown): Tuple[] {
  return (input as unknown[]).map((item) => [item]);
}

export function tupleFilterIndex(input: Tuple[], n: number): Flagged {
  const results = tupleSeq();
  let index = Math.floor(n);
  if (index < 0) index = input.length + index;
  const item = input[index];
  if (item !== undefined) results.push(item);
  return results;
}

export function tupleFilter(input: Tuple[], pred: (t: Tuple) => unknown): Flagged {
  const results = tupleSeq();
  for (let index = 0; index < input.length; index++) {
    tick();
    const item = input[index] as Tuple;
    let res = pred(item);
    if (isNumeric(res)) res = [res];
    if (isArrayOfNumbers(res)) {
      for (const ires of res as number[]) {
        let ii = Math.floor(ires);
        if (ii < 0) ii = input.length + ii;
        if (ii === index) results.push(item);
      }
    } else if (toBoolean(res)) {
      results.push(item);
    }
  }
  return results;
}

/** Order-by over a tuple stream; terms see each tuple's bindings. */
export function sortTuples(input: Tuple[], terms: readonly SortTerm[], position: number | undefined): Tuple[] {
  return mergeSort(input, orderComparator(terms, position)) as Tuple[];
}

/** Order-by as the first tuple step: sort the items, then number them. */
export function sortedToTuples(sorted: unknown, slot: number): Flagged {
  const result = tupleSeq();
  const items = sorted as unknown[];
  for (let i = 0; i < items.length; i++) {
    const t: Tuple = [items[i]];
    t[slot] = i;
    result.push(t);
  }
  return result;
}

interface ReduceGroup {
  tuples: Tuple[];
  exprIndex: number;
}

export interface TupleGroupPair {
  readonly key: (t: Tuple) => unknown;
  readonly value: (context: unknown, merged: Tuple) => unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Grouping over a tuple stream: keys are evaluated per tuple; each group's tuples are merged
 * (every binding becomes the sequence of its values) before its value is evaluated.
 */
export function groupTuples(input: Tuple[], pairs: readonly TupleGroupPair[], slots: number, position: number | undefined): Record<string, unknown> {
  const groups: Record<string, ReduceGroup> = Object.create(null) as Record<string, ReduceGroup>;
  for (const tuple of input) {
    tick();
    for (let p = 0; p < pairs.length; p++) {
      const key = (pairs[p] as TupleGroupPair).key(tuple);
      if (typeof key !== 'string' && key !== undefined) throw new JErr('T1003', key, position);
      if (key === undefined) continue;
      if (key === '_jsonata_lambda' || key === '_jsonata_function') throw new JErr('D1013', key, position);
      if (hasOwn.call(groups, key)) {
        const g = groups[key] as ReduceGroup;
        if (g.exprIndex !== p) throw new JErr('D1009', key, position);
        g.tuples.push(tuple);
      } else {
        groups[key] = { tuples: [tuple], exprIndex: p };
      }
    }
  }
  const keys = Object.keys(groups);
  // The reference reduces each group just before starting its value; reducing a single-tuple
  // group deletes '@' from that very tuple, which later groups sharing it then miss.
  const merged = keys.map((key) => merge((groups[key] as ReduceGroup).tuples, slots));
  const parallel = new ParallelErrors(keys.length);
  const values = keys.map((key, k) => {
    const [context, tuple] = merged[k] as [unknown, Tuple];
    return parallel.run(() => (pairs[(groups[key] as ReduceGroup).exprIndex] as TupleGroupPair).value(context, tuple));
  });
  parallel.finish();
  const result = newObject();
  keys.forEach((key, k) => {
    if (values[k] !== undefined) setKey(result, key, values[k]);
  });
  return result;
}

function merge(tuples: Tuple[], slots: number): [unknown, Tuple] {
  let tuple: Tuple;
  if (tuples.length === 1) {
    tuple = tuples[0] as Tuple;
  } else {
    tuple = (tuples[0] as Tuple).slice();
    for (let i = 1; i < tuples.length; i++) {
      const next = tuples[i] as Tuple;
      for (let s = 0; s < slots; s++) {
        if (next[s] === ABSENT) continue;
        const current = tuple[s] === ABSENT ? undefined : tuple[s];
        tuple[s] = append(current, next[s]);
      }
    }
  }
  const context = tuple[0] === ABSENT ? undefined : tuple[0];
  tuple[0] = ABSENT;
  return [context, tuple];
}

export function tupleValues(tb: Tuple[]): Flagged {
  const out = createSeq();
  for (const t of tb) out.push(t[0]);
  return out;
}
