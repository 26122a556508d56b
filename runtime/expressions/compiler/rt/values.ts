/**
 * Value predicates and conversions with the reference's exact semantics (including its
 * quirks: a non-finite number is an error as soon as it is tested for being numeric).
 */
import { err } from './errors.ts';

/**
 * Base class of every function value compiled code creates. The reference represents lambdas
 * and built-ins as objects and regex matchers / argument wrappers as JavaScript functions; the
 * difference shows in which errors get a call-site position, so subclasses say which they are.
 */
export abstract class JFunction {
  // These are only declared here, and every subclass sets them in its own constructor: one
  // initialiser shared by all kinds of function value made its property definitions
  // megamorphic, which made creating a lambda cost as much as evaluating a small expression.
  /** Last call-site position, mutated on each call as the reference mutates `proc.position`. */
  declare pos: number | undefined;
  /** Last call-site name, as the reference's `proc.token`. */
  declare tok: string | undefined;
  abstract readonly arity: number;
  /** True when the reference's counterpart is an object (so calls stamp position/token on it). */
  abstract readonly objectLike: boolean;
  /** True when that object is a lambda (`_jsonata_lambda`) rather than a function definition. */
  declare readonly isLambda: boolean;
}

/** The shape of arrays as the reference marks them: flags are plain (enumerable) properties. */
export interface Flagged extends Array<unknown> {
  sequence?: boolean;
  keepSingleton?: boolean;
  outerWrapper?: boolean;
  tupleStream?: boolean;
  cons?: boolean;
}

export function isFunction(v: unknown): boolean {
  if (typeof v === 'function') return true;
  if (typeof v !== 'object' || v === null) return false;
  if (v instanceof JFunction) return true;
  const o = v as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return o._jsonata_function === true || o._jsonata_lambda === true;
}

/** A function value not created by compiled code (bindings, input data, reference results). */
export function isForeignFunction(v: unknown): boolean {
  return !(v instanceof JFunction) && isFunction(v);
}

export function isNumeric(n: unknown): n is number {
  if (typeof n !== 'number') return false;
  if (n !== n) return false;
  if (n === Infinity || n === -Infinity) throw err('D1001', n);
  return true;
}

export function isSeq(v: unknown): v is Flagged {
  return Array.isArray(v) && (v as Flagged).sequence === true;
}

export function isArrayOfStrings(arg: unknown): boolean {
  if (!Array.isArray(arg)) return false;
  for (const item of arg) if (typeof item !== 'string') return false;
  return true;
}

/** Tests every item (the reference filters the whole array, so every item is tested). */
export function isArrayOfNumbers(arg: unknown): boolean {
  if (!Array.isArray(arg)) return false;
  let ok = true;
  for (const item of arg) if (!isNumeric(item)) ok = false;
  return ok;
}

export function keysOf(v: unknown): string[] {
  return typeof v === 'object' && v !== null ? Object.keys(v) : [];
}

export function toBoolean(arg: unknown): boolean | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    if (arg.length > 1) {
      let any = false;
      for (const v of arg) if (toBoolean(v)) any = true;
      return any;
    }
    return false;
  }
  if (typeof arg === 'string') return arg.length > 0;
  if (isNumeric(arg)) return arg !== 0;
  if (arg !== null && typeof arg === 'object' && !isFunction(arg)) return hasOwnKey(arg);
  return arg === true;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Whether Object.keys(o) would list anything, found without building that list. */
function hasOwnKey(o: object): boolean {
  for (const key in o) if (hasOwn.call(o, key)) return true;
  return false;
}

/** Boolean of a condition/predicate/operand: undefined counts as false. */
export function truthy(arg: unknown): boolean {
  return toBoolean(arg) === true;
}

export function deepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs !== 'object' || typeof rhs !== 'object' || lhs === null || rhs === null) return false;
  // Reference function objects carry a fresh closure each, so two of them are never equal.
  if (lhs instanceof JFunction || rhs instanceof JFunction) return false;
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    if (lhs.length !== rhs.length) return false;
    for (let i = 0; i < lhs.length; i++) if (!deepEqual(lhs[i], rhs[i])) return false;
    return true;
  }
  const lkeys = Object.getOwnPropertyNames(lhs).sort();
  const rkeys = Object.getOwnPropertyNames(rhs).sort();
  if (lkeys.length !== rkeys.length) return false;
  for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
  const l = lhs as Record<string, unknown>;
  const r = rhs as Record<string, unknown>;
  for (const key of lkeys) if (!deepEqual(l[key], r[key])) return false;
  return true;
}

function jsonReplacer(_key: string, val: unknown): unknown {
  if (val !== undefined && val !== null && isNumeric(val)) {
    return Number.isInteger(val) ? val : Number(val.toPrecision(15));
  }
  return val && isFunction(val) ? '' : val;
}

/** `$string` (and the `&` operator): JSON text with numbers at 15 significant digits. */
export function stringify(arg: unknown, prettify = false): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'number') {
    if (!isFinite(arg)) throw err('D3001', arg);
    // What JSON.stringify gives for a number after the replacer's rounding, without calling it.
    return String(Number.isInteger(arg) ? arg : Number(arg.toPrecision(15)));
  }
  if (typeof arg === 'boolean') return arg ? 'true' : 'false';
  if (arg === null) return 'null';
  if (isFunction(arg)) return '';
  let v = arg;
  if (Array.isArray(v) && (v as Flagged).outerWrapper) v = v[0];
  return JSON.stringify(v, jsonReplacer, prettify ? 2 : 0) as string;
}

export function typeOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  if (isNumeric(value)) return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (isFunction(value)) return 'function';
  return 'object';
}

/** Signature type letter of a value, as the reference's signature matcher sees it. */
export function typeSymbol(value: unknown): string {
  if (isFunction(value)) return 'f';
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    case 'object':
      return value === null ? 'l' : Array.isArray(value) ? 'a' : 'o';
    default:
      return 'm';
  }
}

/** The characters of a string as the reference splits them (code points). */
export function codePoints(str: string): string[] {
  return Array.from(str);
}

/** Number of code points, counted without splitting. */
export function codePointCount(str: string): number {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * Result objects are plain objects (the reference makes them without a prototype; JSONata only
 * ever looks at own properties, and plain objects are many times faster to build and read).
 * The one key where that would show, `__proto__`, is defined as an own property.
 */
export function newObject(): Record<string, unknown> {
  return {};
}

export function setKey(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}
