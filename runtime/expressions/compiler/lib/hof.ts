/** Higher-order functions: $map, $filter, $single, $reduce, $each, $sift, $sort. */
import { JErr } from '../rt/errors.ts';
import { arityOf, callArg, callArgDirect, hofArgs } from '../rt/functions.ts';
import { mergeSort } from '../rt/path.ts';
import { createSeq } from '../rt/sequence.ts';
import { tick } from '../rt/state.ts';
import { isArrayOfNumbers, isArrayOfStrings, keysOf, newObject, setKey, toBoolean } from '../rt/values.ts';
import { type Library } from './shared.ts';

function map(arr: unknown[] | undefined, fn: unknown, depth: number): unknown {
  if (arr === undefined) return undefined;
  const result = createSeq();
  for (let i = 0; i < arr.length; i++) {
    tick();
    const res = callArg(fn, hofArgs(fn, arr[i], i, arr), depth);
    if (res !== undefined) result.push(res);
  }
  return result;
}

function filter(arr: unknown[] | undefined, fn: unknown, depth: number): unknown {
  if (arr === undefined) return undefined;
  const result = createSeq();
  for (let i = 0; i < arr.length; i++) {
    tick();
    const entry = arr[i];
    if (toBoolean(callArg(fn, hofArgs(fn, entry, i, arr), depth))) result.push(entry);
  }
  return result;
}

function single(arr: unknown[] | undefined, fn: unknown, depth: number): unknown {
  if (arr === undefined) return undefined;
  let found = false;
  let result: unknown;
  for (let i = 0; i < arr.length; i++) {
    tick();
    const entry = arr[i];
    const positive = fn === undefined ? true : toBoolean(callArg(fn, hofArgs(fn, entry, i, arr), depth));
    if (positive) {
      if (found) {
        const e = new JErr('D3138');
        e.index = i;
        throw e;
      }
      result = entry;
      found = true;
    }
  }
  if (!found) throw new JErr('D3139');
  return result;
}

function foldLeft(seq: unknown[] | undefined, fn: unknown, init: unknown, depth: number): unknown {
  if (seq === undefined) return undefined;
  const arity = arityOf(fn);
  if (arity < 2) {
    const e = new JErr('D3050');
    e.index = 1;
    throw e;
  }
  let result: unknown;
  let index: number;
  if (init === undefined && seq.length > 0) {
    result = seq[0];
    index = 1;
  } else {
    result = init;
    index = 0;
  }
  while (index < seq.length) {
    tick();
    const args = [result, seq[index]];
    if (arity >= 3) args.push(index);
    if (arity >= 4) args.push(seq);
    result = callArg(fn, args, depth);
    index++;
  }
  return result;
}

function each(obj: unknown, fn: unknown, depth: number): unknown {
  const result = createSeq();
  const o = obj as Record<string, unknown>;
  for (const key of keysOf(obj)) {
    tick();
    const val = callArg(fn, hofArgs(fn, o[key], key, obj), depth);
    if (val !== undefined) result.push(val);
  }
  return result;
}

function sift(obj: unknown, fn: unknown, depth: number): unknown {
  const result = newObject();
  const o = obj as Record<string, unknown>;
  for (const key of keysOf(obj)) {
    tick();
    const entry = o[key];
    if (toBoolean(callArg(fn, hofArgs(fn, entry, key, obj), depth))) setKey(result, key, entry);
  }
  return keysOf(result).length === 0 ? undefined : result;
}

function sort(arr: unknown[] | undefined, comparator: unknown, depth: number): unknown {
  if (arr === undefined) return undefined;
  if (arr.length <= 1) return arr;
  if (comparator === undefined) {
    if (!isArrayOfNumbers(arr) && !isArrayOfStrings(arr)) {
      const e = new JErr('D3070');
      e.index = 1;
      throw e;
    }
    return mergeSort(arr, (a, b) => (a as number) > (b as number));
  }
  return mergeSort(arr, (a, b) => {
    const r = callArgDirect(comparator, [a, b], depth);
    return r !== undefined && r !== null && r !== false && r !== 0 && r !== '' && !Number.isNaN(r);
  });
}

type A = unknown[] | undefined;

export const hofLibrary: Library = {
  map: ['<af>', 2, 'arr, func', (a, _i, d) => map(a[0] as A, a[1], d)],
  filter: ['<af>', 2, 'arr, func', (a, _i, d) => filter(a[0] as A, a[1], d)],
  single: ['<af?>', 2, 'arr, func', (a, _i, d) => single(a[0] as A, a[1], d)],
  reduce: ['<afj?:j>', 3, 'sequence, func, init', (a, _i, d) => foldLeft(a[0] as A, a[1], a[2], d)],
  each: ['<o-f:a>', 2, 'obj, func', (a, _i, d) => each(a[0], a[1], d)],
  sift: ['<o-f?:o>', 2, 'arg, func', (a, _i, d) => sift(a[0], a[1], d)],
  sort: ['<af?:a>', 2, 'arr, comparator', (a, _i, d) => sort(a[0] as A, a[1], d)],
};
