/** Array and object functions, plus $type, $exists, $error and $assert. */
import { JErr } from '../rt/errors.ts';
import { append, createSeq, lookup } from '../rt/sequence.ts';
import { bailout } from '../rt/state.ts';
import { type Flagged, JFunction, deepEqual, isFunction, isSeq, keysOf, newObject, setKey, stringify, typeOf } from '../rt/values.ts';
import { type Library } from './shared.ts';

function keys(arg: unknown): unknown[] {
  if (Array.isArray(arg)) {
    const merged: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
    for (const item of arg) for (const key of keys(item) as string[]) merged[key] = true;
    return keys(merged);
  }
  const result = createSeq();
  if (arg !== null && typeof arg === 'object' && !isFunction(arg)) for (const key of Object.keys(arg)) result.push(key);
  return result;
}

function spread(arg: unknown): unknown {
  if (Array.isArray(arg)) {
    let result: unknown = createSeq();
    for (const item of arg) result = append(result, spread(item));
    return result;
  }
  if (arg instanceof JFunction) {
    // The reference spreads the properties of its function-definition objects.
    if (arg.objectLike && !arg.isLambda) bailout('$spread of a built-in function');
    return arg;
  }
  if (arg !== null && typeof arg === 'object' && (arg as { _jsonata_lambda?: unknown })._jsonata_lambda !== true) {
    if ((arg as { _jsonata_function?: unknown })._jsonata_function === true) bailout('$spread of a foreign function');
    const result = createSeq();
    const o = arg as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const single = newObject();
      setKey(single, key, o[key]);
      result.push(single);
    }
    return result;
  }
  return arg;
}

function merge(arg: unknown[] | undefined): unknown {
  if (arg === undefined) return undefined;
  const result = newObject();
  for (const obj of arg) {
    const o = obj as Record<string, unknown>;
    for (const prop of keysOf(obj)) setKey(result, prop, o[prop]);
  }
  return result;
}

function reverse(arr: unknown[] | undefined): unknown {
  if (arr === undefined) return undefined;
  if (arr.length <= 1) return arr;
  const length = arr.length;
  const result = new Array<unknown>(length);
  for (let i = 0; i < length; i++) result[length - i - 1] = arr[i];
  return result;
}

function shuffle(arr: unknown[] | undefined): unknown {
  if (arr === undefined) return undefined;
  if (arr.length <= 1) return arr;
  const result = new Array<unknown>(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const j = Math.floor(Math.random() * (i + 1));
    if (i !== j) result[i] = result[j];
    result[j] = arr[i];
  }
  return result;
}

function distinct(arr: unknown): unknown {
  if (arr === undefined) return undefined;
  if (!Array.isArray(arr) || arr.length <= 1) return arr;
  const results: Flagged = isSeq(arr) ? createSeq() : [];
  for (const value of arr) {
    let found = false;
    for (const seen of results) {
      if (deepEqual(value, seen)) {
        found = true;
        break;
      }
    }
    if (!found) results.push(value);
  }
  return results;
}

function zip(args: unknown[]): unknown {
  const result: unknown[] = [];
  const length = Math.min(...args.map((arg) => (Array.isArray(arg) ? arg.length : 0)));
  for (let i = 0; i < length; i++) result.push(args.map((arg) => (arg as unknown[])[i]));
  return result;
}

function raise(code: 'D3137' | 'D3141', message: unknown, fallback: string): never {
  const e = new JErr(code);
  e.message = (message as string) || fallback;
  throw e;
}

export const collectionsLibrary: Library = {
  append: ['<xx:a>', 2, 'arg1, arg2', (a) => append(a[0], a[1])],
  exists: ['<x:b>', 1, 'arg', (a) => a[0] !== undefined, (a) => a !== undefined],
  keys: ['<x-:a<s>>', 1, 'arg', (a) => keys(a[0])],
  lookup: ['<x-s:x>', 2, 'input, key', (a) => lookup(a[0], a[1] as string)],
  spread: ['<x-:a<o>>', 1, 'arg', (a) => spread(a[0])],
  merge: ['<a<o>:o>', 1, 'arg', (a) => merge(a[0] as unknown[] | undefined)],
  reverse: ['<a:a>', 1, 'arr', (a) => reverse(a[0] as unknown[] | undefined)],
  shuffle: ['<a:a>', 1, 'arr', (a) => shuffle(a[0] as unknown[] | undefined)],
  distinct: ['<x:x>', 1, 'arr', (a) => distinct(a[0])],
  zip: ['<a+>', 0, '', (a) => zip(a)],
  type: ['<x:s>', 1, 'value', (a) => typeOf(a[0]), typeOf],
  clone: ['<(oa)-:o>', 1, 'arg', (a) => (a[0] === undefined ? undefined : (JSON.parse(stringify(a[0]) as string) as unknown))],
  error: ['<s?:x>', 1, 'message', (a) => raise('D3137', a[0], '$error() function evaluated')],
  assert: [
    '<bs?:x>',
    2,
    'condition, message',
    (a) => {
      if (!a[0]) raise('D3141', a[1], '$assert() statement failed');
      return undefined;
    },
  ],
};
