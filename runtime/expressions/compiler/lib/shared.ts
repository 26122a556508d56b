/** What a library module declares per function, and helpers several families need. */
import type { NativeImpl } from '../rt/functions.ts';

/**
 * [signature, arity of the reference implementation, its parameter list as written (used by
 * partial application), implementation over validated arguments].
 */
export type LibraryEntry = readonly [signature: string, arity: number, params: string, impl: NativeImpl, fast1?: Fast1];

/**
 * Optional shortcut for a call with exactly one argument: the result for the common argument
 * types (exactly what checking the signature and calling `impl` would give), or UNHANDLED.
 */
export type Fast1 = (arg: unknown) => unknown;

export const UNHANDLED: unique symbol = Symbol('unhandled');

export type Library = Readonly<Record<string, LibraryEntry>>;

/** Round half to even, at `precision` decimal places (shifted in decimal text, not by multiplying). */
export function round(arg: number | undefined, precision?: number): number | undefined {
  if (arg === undefined) return undefined;
  let value = arg;
  if (precision) {
    const parts = value.toString().split('e');
    value = +(parts[0] + 'e' + (parts[1] ? +parts[1] + precision : precision));
  }
  let result = Math.round(value);
  const diff = result - value;
  if (Math.abs(diff) === 0.5 && Math.abs(result % 2) === 1) result = result - 1;
  if (precision) {
    const parts = result.toString().split('e');
    result = +(parts[0] + 'e' + (parts[1] ? +parts[1] - precision : -precision));
  }
  if (Object.is(result, -0)) result = 0;
  return result;
}
