/**
 * Inline forms of the library functions mappings call most, for a call with one argument:
 * JavaScript for the argument types that need no signature check and cannot fail, with the
 * general call (signature check, error annotation) for everything else. Each form gives
 * exactly what the function's implementation gives for those types.
 */
import { type Emitter } from './emitter.ts';

interface InlineForm {
  /** When the inline value applies (`a` is the argument, an identifier or literal). */
  readonly guard: (a: string) => string;
  readonly value: (a: string, e: Emitter) => string;
}

const forms: Readonly<Record<string, InlineForm>> = {
  exists: { guard: () => 'true', value: (a) => `${a} !== undefined` },
  count: { guard: () => 'true', value: (a) => `(${a} === undefined ? 0 : Array.isArray(${a}) ? ${a}.length : 1)` },
  type: { guard: (a) => `typeof ${a} === 'string'`, value: () => `'string'` },
  string: { guard: (a) => `typeof ${a} === 'string'`, value: (a) => a },
  number: { guard: (a) => `typeof ${a} === 'number'`, value: (a) => a },
  length: { guard: (a) => `typeof ${a} === 'string'`, value: (a, e) => `${e.rt('codePointCount')}(${a})` },
  lowercase: { guard: (a) => `typeof ${a} === 'string'`, value: (a) => `${a}.toLowerCase()` },
  uppercase: { guard: (a) => `typeof ${a} === 'string'`, value: (a) => `${a}.toUpperCase()` },
  boolean: { guard: (a) => `typeof ${a} === 'boolean'`, value: (a) => a },
  not: { guard: (a) => `typeof ${a} === 'boolean'`, value: (a) => `!${a}` },
};

/**
 * `$name(a)` when `$name` is library function `lib` (a constant): the inline form if there is
 * one, else undefined. `general` is the general call of the library function. The call site is
 * stamped on the function object first, as every call does (errors raised later by calls that
 * do not stamp, through `$map(xs, $string)` for instance, report the last stamped site).
 */
export function inlineBuiltin(e: Emitter, name: string, lib: string, a: string, pos: string, nameK: string, general: string): string | undefined {
  const form = Object.prototype.hasOwnProperty.call(forms, name) ? forms[name] : undefined;
  if (form === undefined) return undefined;
  // A literal argument (`$count(1)`) needs parentheses before a member access.
  const arg = /^[A-Za-z_$][\w$]*$/.test(a) ? a : `(${a})`;
  const guard = form.guard(arg);
  const value = form.value(arg, e);
  const stamp = `${lib}.tok = ${nameK}, ${lib}.pos = ${pos}`;
  return guard === 'true' ? `(${stamp}, ${value})` : `(${stamp}, ${guard} ? ${value} : ${general})`;
}
