/**
 * Picture-string formatting and parsing ($formatNumber, $formatInteger, $parseInteger,
 * $fromMillis, $toMillis, and $now with a picture). These follow the long XPath F&O picture
 * rules; rather than re-deriving them, compiled code calls the reference package's own
 * implementations, which are synchronous and pure. The package does not export them, so they
 * are obtained once, at load time, the only way the package exposes them: as the function
 * values `$formatNumber` etc. evaluate to. If that shape ever changes, `available` is false and
 * expressions using these functions are simply not compiled.
 */
import jsonata from 'jsonata';
import { timestamp } from '../rt/state.ts';
import { type Library } from './shared.ts';

type Impl = (this: unknown, ...args: unknown[]) => unknown;

const wanted = ['formatNumber', 'formatInteger', 'parseInteger', 'fromMillis', 'toMillis'] as const;
type Wanted = (typeof wanted)[number];

async function borrow(): Promise<Partial<Record<Wanted, Impl>>> {
  const found: Partial<Record<Wanted, Impl>> = {};
  try {
    const source = '{' + wanted.map((n) => `"${n}": $${n}`).join(', ') + '}';
    const defs = (await jsonata(source).evaluate(undefined)) as Record<string, unknown> | undefined;
    for (const name of wanted) {
      const def = defs?.[name] as { _jsonata_function?: unknown; implementation?: unknown } | undefined;
      if (def && def._jsonata_function === true && typeof def.implementation === 'function') found[name] = def.implementation as Impl;
    }
  } catch {
    // Leave them all out: the compiler then declines expressions that use them.
  }
  return found;
}

const impls = await borrow();

/** The `this` the reference gives library functions; $toMillis with a picture reads the timestamp. */
function focus(): unknown {
  return { environment: { timestamp: new Date(timestamp()) } };
}

function call(name: Wanted, args: unknown[]): unknown {
  try {
    return (impls[name] as Impl).apply(focus(), args);
  } catch (e) {
    // Deep recursion inside these functions (huge numbers in words or roman numerals) is their
    // own failure, an error without a code, not an evaluation nested too deep.
    throw e instanceof RangeError ? new Error(e.message) : e;
  }
}

const all: Library = {
  formatNumber: ['<n-so?:s>', 3, 'value, picture, options', (a) => call('formatNumber', a)],
  formatInteger: ['<n-s:s>', 2, 'value, picture', (a) => call('formatInteger', a)],
  parseInteger: ['<s-s:n>', 2, 'value, picture', (a) => call('parseInteger', a)],
  fromMillis: ['<n-s?s?:s>', 3, 'millis, picture, timezone', (a) => call('fromMillis', a)],
  toMillis: ['<s-s?:n>', 2, 'timestamp, picture', (a) => call('toMillis', a)],
  now: [
    '<s?s?:s>',
    2,
    'picture, timezone',
    (a) => call('fromMillis', [timestamp(), a[0], a[1]]),
  ],
};

export const picturesLibrary: Library = Object.fromEntries(
  Object.entries(all).filter(([name]) => (name === 'now' ? impls.fromMillis !== undefined : impls[name as Wanted] !== undefined)),
);

export const timeLibrary: Library = {
  millis: ['<:n>', 0, '', () => timestamp()],
};
