/**
 * The standard library as compiled code sees it: one shared Builtin object per function (the
 * reference also shares one definition object per function across all expressions).
 */
import { Builtin } from '../rt/functions.ts';
import { signature } from '../rt/signature.ts';
import { collectionsLibrary } from './collections.ts';
import { hofLibrary } from './hof.ts';
import { numericLibrary } from './numeric.ts';
import { picturesLibrary, timeLibrary } from './pictures.ts';
import { regexLibrary } from './regex.ts';
import { type Library, UNHANDLED } from './shared.ts';
import { stringLibrary } from './string.ts';

const libraries: readonly Library[] = [
  stringLibrary,
  numericLibrary,
  collectionsLibrary,
  hofLibrary,
  regexLibrary,
  picturesLibrary,
  timeLibrary,
];

const builtins = new Map<string, Builtin>();
for (const library of libraries) {
  for (const [name, [sig, arity, params, impl, fast1]] of Object.entries(library)) {
    const paramNames = params === '' ? [] : params.split(',').map((p) => p.trim());
    builtins.set(name, new Builtin(name, arity, signature(sig), impl, paramNames, fast1, UNHANDLED));
  }
}

/** Library functions of the reference that compiled code does not provide. */
const uncompiled: Readonly<Record<string, string>> = {
  eval: 'function $eval is not compiled',
};

export function builtin(name: string): Builtin | undefined {
  return builtins.get(name);
}

/** Why a reference built-in cannot be used from compiled code, or undefined when it can. */
export function unsupportedBuiltin(name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(uncompiled, name)) return uncompiled[name];
  // The picture functions come from the reference package (see pictures.ts); if they could not
  // be obtained, expressions using them are not compiled.
  if (['formatNumber', 'formatInteger', 'parseInteger', 'fromMillis', 'toMillis', 'now'].includes(name) && !builtins.has(name)) {
    return `function $${name} is not available to compiled code`;
  }
  return undefined;
}
