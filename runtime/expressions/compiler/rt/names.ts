/**
 * Paths made only of field names (`a.b.c`, `$x.a.b`), the most common expression there is.
 * While every step meets a single non-array value the result is just that value, with no
 * sequences built; the first array met sends the path down the general algorithm, restarted
 * from the beginning (name lookups have no effects, so restarting is invisible).
 */
import { createSeq, lookup, norm } from './sequence.ts';
import { depthExceeded, state, tick } from './state.ts';
import { type Flagged, JFunction } from './values.ts';

const hasOwn = Object.prototype.hasOwnProperty;

/** An own field of an object that is not a function value (the reference's lookup on one object). */
export function plainField(v: object, key: string): unknown {
  const w = (v as Record<string, unknown>)[key];
  // Missing (or undefined): undefined either way, no need to ask whose property it is.
  if (w === undefined) return undefined;
  if (!hasOwn.call(v, key) || v instanceof JFunction) return undefined;
  const o = v as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  if (o._jsonata_function === true || o._jsonata_lambda === true) return undefined;
  return w;
}

/** One name step over `inSeq` (see StepCollector for the flattening rules). */
function step(inSeq: readonly unknown[], key: string, last: boolean): Flagged {
  const out = createSeq();
  let count = 0;
  let first: unknown;
  for (let j = 0; j < inSeq.length; j++) {
    tick();
    const item = inSeq[j];
    let v =
      typeof item === 'object' && item !== null && !Array.isArray(item) ? plainField(item, key) : lookup(item, key);
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      v = norm(v);
      if (v === undefined) continue;
    }
    if (count++ === 0) first = v;
    if (!Array.isArray(v) || (v as Flagged).cons) {
      out.push(v);
    } else {
      for (let k = 0; k < v.length; k++) out.push(v[k]);
    }
  }
  if (last && count === 1 && Array.isArray(first) && (first as Flagged).sequence !== true) return first as Flagged;
  return out;
}

/** Steps from `from` on, over `items`; returns the collapsed path value. */
function general(items: unknown, keys: readonly string[], from: number): unknown {
  let inSeq = items as unknown[];
  let rs: Flagged = createSeq();
  for (let i = from; i < keys.length; i++) {
    const last = i === keys.length - 1;
    rs = step(inSeq, keys[i] as string, last);
    if (last) break;
    if (rs.length === 0) return undefined;
    inSeq = rs;
  }
  return norm(rs);
}

/**
 * The path `k1.k2...` evaluated on context `x`; `depth` is where its steps are evaluated (the
 * check is made only if a step actually is, as in the reference).
 */
export function namePath(x: unknown, keys: readonly string[], depth: number): unknown {
  if (Array.isArray(x)) {
    if (x.length > 0 && depth > state().maxDepth) depthExceeded();
    return general(x, keys, 0);
  }
  if (depth > state().maxDepth) depthExceeded();
  let v = x;
  for (let i = 0; i < keys.length; i++) {
    if (v === null || typeof v !== 'object') return undefined;
    const w = plainField(v, keys[i] as string);
    if (w === undefined) return undefined;
    if (Array.isArray(w)) {
      // A plain array reached by the last step is the result itself.
      if (i === keys.length - 1 && (w as Flagged).sequence !== true) return w;
      return general([x], keys, 0);
    }
    v = w;
  }
  return v;
}

/**
 * `$var.k1.k2...`: `first` is the (collapsed) value of the leading step, which the path
 * evaluates once.
 */
export function namePathAfter(first: unknown, keys: readonly string[]): unknown {
  if (first === undefined) return undefined;
  if (Array.isArray(first)) return general((first as Flagged).cons ? [first] : first, keys, 0);
  let v = first;
  for (let i = 0; i < keys.length; i++) {
    if (v === null || typeof v !== 'object') return undefined;
    const w = plainField(v, keys[i] as string);
    if (w === undefined) return undefined;
    if (Array.isArray(w)) {
      if (i === keys.length - 1 && (w as Flagged).sequence !== true) return w;
      return general([first], keys, 0);
    }
    v = w;
  }
  return v;
}
