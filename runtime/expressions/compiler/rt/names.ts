/**
 * Paths made only of field names (`a.b.c`, `$x.a.b`), the most common expression there is.
 * While every step meets a single non-array value the result is just that value, with no
 * sequences built; the first array met sends the path down the general algorithm, restarted
 * from the beginning (name lookups have no effects, so restarting is invisible).
 */
import { StepCollector, createSeq, lookup, norm } from './sequence.ts';
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

/** Steps from `from` on, over `items`; returns the collapsed path value. */
function general(items: unknown, keys: readonly string[], from: number): unknown {
  let inSeq = items as unknown[];
  let rs: Flagged = createSeq();
  for (let i = from; i < keys.length; i++) {
    const key = keys[i] as string;
    const collect = new StepCollector();
    for (let j = 0; j < inSeq.length; j++) {
      tick();
      const v = norm(lookup(inSeq[j], key));
      if (v !== undefined) collect.add(v);
    }
    const last = i === keys.length - 1;
    rs = collect.finish(last);
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
    if (Array.isArray(w)) return general([x], keys, 0);
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
    if (Array.isArray(w)) return general([first], keys, 0);
    v = w;
  }
  return v;
}
