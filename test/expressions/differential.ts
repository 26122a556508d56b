/**
 * Runs one expression on one input through the reference evaluator and through compiled code
 * and says how they differ (results, or error code / position / token), if they do.
 */
import jsonata from 'jsonata';
import { tryCompile } from '../../runtime/expressions/compiler/index.ts';
import { isPromiseLike } from '../../runtime/expressions/jsonata.ts';
import { safeJson } from './conformance-harness.ts';
import { sameValue } from './same-value.ts';

export type Comparison =
  | { readonly kind: 'unparsable' }
  | { readonly kind: 'fallback'; readonly reason: string }
  | { readonly kind: 'same'; readonly redone: boolean; readonly error?: string }
  | { readonly kind: 'different'; readonly detail: string };

type Outcome = { value: unknown } | { error: { code: unknown; position: unknown; token: unknown; message: unknown } };

/** ExpressionError reports an error that has no JSONata code (a JavaScript failure) as E0000. */
function asError(e: unknown): Outcome {
  const o = (e ?? {}) as Record<string, unknown>;
  const code = typeof o['code'] === 'string' ? o['code'] : 'E0000';
  return { error: { code, position: o['position'], token: o['token'], message: o['message'] } };
}

/** Fresh copies: evaluation may mutate its input (the reference does in a few corners). */
function copy<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Reference guardrails for fuzzing, so that a runaway expression cannot hang the test. */
const referenceOptions = { timeout: 2000, stack: 2000 };

export async function compareEngines(source: string, input: unknown, bindings?: Record<string, unknown>): Promise<Comparison> {
  let reference: jsonata.Expression;
  try {
    reference = jsonata(source, referenceOptions);
  } catch {
    return { kind: 'unparsable' };
  }
  const compiled = tryCompile(jsonata(source).ast(), source, { limits: { maxDepth: referenceOptions.stack, timeoutMs: referenceOptions.timeout } });
  if (!compiled.ok) return { kind: 'fallback', reason: compiled.reason };
  let expected: Outcome;
  try {
    expected = { value: await reference.evaluate(copy(input), copy(bindings)) };
  } catch (e) {
    expected = asError(e);
  }
  // When one concurrent part of a reference evaluation fails, the others keep running in the
  // background and keep moving the positions held by shared function objects; let them finish
  // before anything else is evaluated.
  await new Promise((resolve) => setImmediate(resolve));
  let actual: Outcome;
  let redone = false;
  try {
    let r = compiled.evaluate(copy(input), copy(bindings));
    if (isPromiseLike(r)) {
      redone = true;
      r = await r;
    }
    actual = { value: r };
  } catch (e) {
    actual = asError(e);
  }
  if ('error' in expected || 'error' in actual) {
    if (!('error' in expected) || !('error' in actual)) {
      return { kind: 'different', detail: `reference ${describe(expected)} / compiled ${describe(actual)}` };
    }
    const x = expected.error;
    const y = actual.error;
    if (x.code !== y.code || x.position !== y.position || x.token !== y.token) {
      return { kind: 'different', detail: `reference ${describe(expected)} / compiled ${describe(actual)}` };
    }
    return { kind: 'same', redone, error: String(x.code) };
  }
  if (!sameValue(expected.value, actual.value, true)) {
    return { kind: 'different', detail: `reference ${describe(expected)} / compiled ${describe(actual)}` };
  }
  return { kind: 'same', redone };
}

function describe(o: Outcome): string {
  if ('error' in o) return `error ${String(o.error.code)} at ${String(o.error.position)} token ${String(o.error.token)} (${String(o.error.message)})`;
  return safeJson(o.value);
}
