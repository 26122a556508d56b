/** Numeric, aggregate and boolean functions. */
import { JErr } from '../rt/errors.ts';
import { toBoolean } from '../rt/values.ts';
import { type Library, UNHANDLED, round } from './shared.ts';

/** End of the run of ASCII digits in `s` starting at `i`. */
function digitsEnd(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) break;
    j++;
  }
  return j;
}

/**
 * Whether `s` matches /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/, scanned by hand because this
 * is hot (no nested closures either: the TypeScript loader renames each one on creation).
 */
function isDecimal(s: string): boolean {
  const n = s.length;
  let i = n > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  let j = digitsEnd(s, i);
  if (j === i) return false;
  i = j;
  if (i < n && s.charCodeAt(i) === 46) {
    j = digitsEnd(s, i + 1);
    if (j === i + 1) return false;
    i = j;
  }
  if (i < n && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) {
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    j = digitsEnd(s, i);
    if (j === i) return false;
    i = j;
  }
  return i === n;
}

const radixPattern = /^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/;

export function toNumber(arg: unknown): number | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'string' && isDecimal(arg)) {
    // For such strings parseFloat and Number agree and are never NaN; only overflow is left.
    const n = parseFloat(arg);
    if (isFinite(n)) return n;
  }
  if (typeof arg === 'string' && radixPattern.test(arg)) return Number(arg);
  if (arg === true) return 1;
  if (arg === false) return 0;
  const e = new JErr('D3030', arg);
  e.index = 1;
  throw e;
}

function num(f: (n: number) => number): (a: unknown[]) => unknown {
  return (a) => (a[0] === undefined ? undefined : f(a[0] as number));
}

function num1(f: (n: number) => number): (a: unknown) => unknown {
  return (a) => (typeof a === 'number' ? f(a) : a === undefined ? undefined : UNHANDLED);
}

function sum1(a: unknown): unknown {
  if (typeof a === 'number') return 0 + a;
  if (a === undefined) return undefined;
  if (!Array.isArray(a)) return UNHANDLED;
  let t = 0;
  for (let i = 0; i < a.length; i++) {
    const v: unknown = a[i];
    if (typeof v !== 'number') return UNHANDLED;
    t += v;
  }
  return t;
}

/**
 * Math.max/min over an argument list, as the reference calls them: a list too long for one
 * call fails in JavaScript, and must fail here as an ordinary (code-less) error too.
 */
function extreme(f: (...values: number[]) => number, args: number[]): number {
  try {
    return f.apply(Math, args);
  } catch (e) {
    throw e instanceof RangeError ? new Error(e.message) : e;
  }
}

function total(args: number[]): number {
  let t = 0;
  for (const n of args) t += n;
  return t;
}

export const numericLibrary: Library = {
  number: [
    '<(nsb)-:n>',
    1,
    'arg',
    (a) => toNumber(a[0]),
    (a) => (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean' || a === undefined ? toNumber(a) : UNHANDLED),
  ],
  floor: ['<n-:n>', 1, 'arg', num(Math.floor), num1(Math.floor)],
  ceil: ['<n-:n>', 1, 'arg', num(Math.ceil), num1(Math.ceil)],
  abs: ['<n-:n>', 1, 'arg', num(Math.abs), num1(Math.abs)],
  round: ['<n-n?:n>', 2, 'arg, precision', (a) => round(a[0] as number | undefined, a[1] as number | undefined)],
  sqrt: [
    '<n-:n>',
    1,
    'arg',
    (a) => {
      const arg = a[0] as number | undefined;
      if (arg === undefined) return undefined;
      if (arg < 0) {
        const e = new JErr('D3060', arg);
        e.index = 1;
        throw e;
      }
      return Math.sqrt(arg);
    },
  ],
  power: [
    '<n-n:n>',
    2,
    'arg, exp',
    (a) => {
      const arg = a[0] as number | undefined;
      if (arg === undefined) return undefined;
      const result = Math.pow(arg, a[1] as number);
      if (!isFinite(result)) {
        const e = new JErr('D3061', arg);
        e.index = 1;
        e.exp = a[1];
        throw e;
      }
      return result;
    },
  ],
  random: ['<:n>', 0, '', () => Math.random()],
  sum: ['<a<n>:n>', 1, 'args', (a) => (a[0] === undefined ? undefined : total(a[0] as number[])), sum1],
  count: ['<a:n>', 1, 'args', (a) => (a[0] === undefined ? 0 : (a[0] as unknown[]).length), (a) => (a === undefined ? 0 : Array.isArray(a) ? a.length : 1)],
  max: [
    '<a<n>:n>',
    1,
    'args',
    (a) => {
      const args = a[0] as number[] | undefined;
      return args === undefined || args.length === 0 ? undefined : extreme(Math.max, args);
    },
  ],
  min: [
    '<a<n>:n>',
    1,
    'args',
    (a) => {
      const args = a[0] as number[] | undefined;
      return args === undefined || args.length === 0 ? undefined : extreme(Math.min, args);
    },
  ],
  average: [
    '<a<n>:n>',
    1,
    'args',
    (a) => {
      const args = a[0] as number[] | undefined;
      return args === undefined || args.length === 0 ? undefined : total(args) / args.length;
    },
  ],
  boolean: ['<x-:b>', 1, 'arg', (a) => toBoolean(a[0]), toBoolean],
  not: ['<x-:b>', 1, 'arg', (a) => (a[0] === undefined ? undefined : !toBoolean(a[0])), (a) => (a === undefined ? undefined : !toBoolean(a))],
};
