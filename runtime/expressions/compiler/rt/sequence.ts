/**
 * Sequences: arrays flagged `sequence`, flattened into paths and collapsed to their single item
 * when a sub-expression finishes. The flags are set exactly as the reference sets them (same
 * property names, same enumerability) because they travel with data: a sequence stored in an
 * object by one sub-expression is still a sequence when another one reads it back.
 */
import { type Flagged, isFunction } from './values.ts';

export function createSeq(): Flagged {
  const s: Flagged = [];
  s.sequence = true;
  return s;
}

export function seqOf(item: unknown): Flagged {
  const s: Flagged = [item];
  s.sequence = true;
  return s;
}

/** What every sub-expression does to its value before handing it on. */
export function norm(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const s = v as Flagged;
  if (s.sequence !== true || s.tupleStream) return v;
  if (s.length === 0) return undefined;
  if (s.length === 1) return s.keepSingleton ? s : s[0];
  return s;
}

/** `norm` for a sub-expression written with `[]`: a singleton stays an array. */
export function normKeep(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const s = v as Flagged;
  if (s.sequence !== true || s.tupleStream) return v;
  s.keepSingleton = true;
  if (s.length === 0) return undefined;
  return s;
}

/**
 * `$append`, also used by wildcards and grouping: a new plain array of both sides' items
 * (what Array.prototype.concat gives, without its generic machinery).
 */
export function append(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: unknown[] = [];
  pushItems(out, a);
  pushItems(out, b);
  return out;
}

/** Pushes the items of an array, or the value itself. */
export function pushItems(out: unknown[], v: unknown): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) out.push(v[i]);
  } else {
    out.push(v);
  }
}

export function flattenDeep(arg: unknown, into: unknown[] = []): unknown[] {
  if (Array.isArray(arg)) {
    for (const item of arg) flattenDeep(item, into);
  } else {
    into.push(arg);
  }
  return into;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Field `key` of a non-array object: an own property, and nothing of function values. */
export function ownField(input: object, key: string): unknown {
  return hasOwn.call(input, key) && !isFunction(input) ? (input as Record<string, unknown>)[key] : undefined;
}

/** Field access: own properties of plain data only, mapped over arrays. */
export function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSeq();
    for (let i = 0; i < input.length; i++) {
      const res = lookup(input[i], key);
      if (res !== undefined) {
        if (Array.isArray(res)) {
          for (const v of res) result.push(v);
        } else {
          result.push(res);
        }
      }
    }
    return result;
  }
  if (input !== null && typeof input === 'object' && hasOwn.call(input, key) && !isFunction(input)) {
    return (input as Record<string, unknown>)[key];
  }
  return undefined;
}

export function wildcard(input: unknown): unknown {
  let results: unknown[] = createSeq();
  let inp = input;
  if (Array.isArray(inp) && (inp as Flagged).outerWrapper && inp.length > 0) inp = inp[0];
  if (inp !== null && typeof inp === 'object' && !isFunction(inp)) {
    const o = inp as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const value = o[key];
      if (Array.isArray(value)) {
        results = append(results, flattenDeep(value)) as unknown[];
      } else {
        results.push(value);
      }
    }
  }
  return results;
}

function recurseDescendants(input: unknown, results: unknown[]): void {
  if (typeof input !== 'object' || input === null) {
    // Most of a document's values are scalars: no call for them.
    results.push(input);
    return;
  }
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) recurseDescendants(input[i], results);
    return;
  }
  results.push(input);
  if (isFunction(input)) return;
  const o = input as Record<string, unknown>;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const v = o[keys[i] as string];
    if (typeof v !== 'object' || v === null) results.push(v);
    else recurseDescendants(v, results);
  }
}

export function descendants(input: unknown): unknown {
  if (input === undefined) return undefined;
  const results = createSeq();
  recurseDescendants(input, results);
  return results.length === 1 ? results[0] : results;
}

export function markCons(arr: unknown[]): unknown[] {
  Object.defineProperty(arr, 'cons', { enumerable: false, configurable: false, value: true });
  return arr;
}
