/**
 * Structural equality for comparing expression results: numbers by Object.is (so -0 and NaN
 * are told apart), arrays by their items only (the sequence flags on arrays are not data),
 * objects by own enumerable keys regardless of prototype, and any two function values as equal
 * (the engines represent functions differently).
 */
import { JFunction } from '../../runtime/expressions/compiler/rt/values.ts';

export function isFunctionValue(v: unknown): boolean {
  if (typeof v === 'function' || v instanceof JFunction) return true;
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return o._jsonata_lambda === true || o._jsonata_function === true;
}

/**
 * With `keyOrder`, objects must also list their keys in the same order. Cyclic values (a
 * transform can make one) are compared coinductively: a pair already being compared counts as
 * equal.
 */
export function sameValue(a: unknown, b: unknown, keyOrder = false, seen = new Map<unknown, Set<unknown>>()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'object' && a !== null) {
    let partners = seen.get(a);
    if (partners?.has(b)) return true;
    if (partners === undefined) seen.set(a, (partners = new Set()));
    partners.add(b);
  }
  if (isFunctionValue(a) || isFunctionValue(b)) return isFunctionValue(a) && isFunctionValue(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], keyOrder, seen)) return false;
    return true;
  }
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  const bo = b as Record<string, unknown>;
  const ao = a as Record<string, unknown>;
  for (let i = 0; i < ak.length; i++) {
    const k = ak[i] as string;
    if (keyOrder && bk[i] !== k) return false;
    if (!Object.prototype.hasOwnProperty.call(bo, k)) return false;
    if (!sameValue(ao[k], bo[k], keyOrder, seen)) return false;
  }
  return true;
}
