/**
 * Binary operators. Each throws the reference's code; the caller stamps the operator's position
 * and token on the error, as the reference does for everything thrown while applying an operator.
 */
import { JErr, atOperator, err } from './errors.ts';
import { deepEqual, isNumeric, stringify } from './values.ts';

export function arith(lhs: unknown, rhs: unknown, op: string): number | undefined {
  if (lhs !== undefined && !isNumeric(lhs)) throw err('T2001', lhs);
  if (rhs !== undefined && !isNumeric(rhs)) throw err('T2002', rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  const l = lhs as number;
  const r = rhs as number;
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    default:
      return l % r;
  }
}

export function equals(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  return deepEqual(lhs, rhs);
}

export function compare(lhs: unknown, rhs: unknown, op: string): boolean | undefined {
  const lt = typeof lhs;
  const rt = typeof rhs;
  const lok = lt === 'undefined' || lt === 'string' || lt === 'number';
  const rok = rt === 'undefined' || rt === 'string' || rt === 'number';
  if (!lok || !rok) {
    const e = err('T2010', !(lt === 'string' || lt === 'number') ? lhs : rhs);
    throw e;
  }
  if (lt === 'undefined' || rt === 'undefined') return undefined;
  if (lt !== rt) {
    const e = err('T2009', lhs);
    e.value2 = rhs;
    throw e;
  }
  const l = lhs as number;
  const r = rhs as number;
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}

export function concat(lhs: unknown, rhs: unknown): string {
  const l = lhs === undefined ? '' : (stringify(lhs) as string);
  const r = rhs === undefined ? '' : (stringify(rhs) as string);
  return l.concat(r);
}

export function includes(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  const list = Array.isArray(rhs) ? rhs : [rhs];
  for (let i = 0; i < list.length; i++) if (list[i] === lhs) return true;
  return false;
}

const MAX_RANGE = 1e7;

export function range(lhs: unknown, rhs: unknown): unknown[] | undefined {
  if (lhs !== undefined && !Number.isInteger(lhs)) throw err('T2003', lhs);
  if (rhs !== undefined && !Number.isInteger(rhs)) throw err('T2004', rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  const from = lhs as number;
  const to = rhs as number;
  if (from > to) return undefined;
  const size = to - from + 1;
  if (size > MAX_RANGE) throw err('D2014', size);
  // Built by pushing, so it stays a packed array (faster to read than a pre-sized one).
  const result: unknown[] & { sequence?: boolean } = [];
  for (let item = from; item <= to; item++) result.push(item);
  result.sequence = true;
  return result;
}

export function negate(v: unknown, position: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (isNumeric(v)) return -v;
  throw new JErr('D1002', v, position, '-');
}

// The reference applies every operator inside a handler that stamps its position and token.

export function arithAt(lhs: unknown, rhs: unknown, op: string, position: number | undefined): number | undefined {
  try {
    return arith(lhs, rhs, op);
  } catch (e) {
    throw atOperator(e, position, op);
  }
}

export function compareAt(lhs: unknown, rhs: unknown, op: string, position: number | undefined): boolean | undefined {
  try {
    return compare(lhs, rhs, op);
  } catch (e) {
    throw atOperator(e, position, op);
  }
}

export function concatAt(lhs: unknown, rhs: unknown, position: number | undefined): string {
  try {
    return concat(lhs, rhs);
  } catch (e) {
    throw atOperator(e, position, '&');
  }
}

export function rangeAt(lhs: unknown, rhs: unknown, position: number | undefined): unknown[] | undefined {
  try {
    return range(lhs, rhs);
  } catch (e) {
    throw atOperator(e, position, '..');
  }
}
