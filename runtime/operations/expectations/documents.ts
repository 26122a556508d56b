/**
 * Reading a document the way an expectation declares it: which rules its subject matches,
 * and its business key and labels from their JSONata expressions (compiled once by the loader;
 * guarded, so a runaway expression leaves the event loop instead of holding it).
 */
import type { DocumentRule, Expectation } from '../../compile/expectations.ts';
import { subjectMatches } from '../../config/subjects.ts';
import { isPromiseLike, type Bindings, type Expression } from '../../expressions/jsonata.ts';
import type { Labels } from './state.ts';

export interface Match {
  readonly expectation: Expectation;
  readonly role: 'when' | 'expect';
  readonly rule: DocumentRule;
}

export interface Reading {
  readonly key: string;
  readonly keys: Readonly<Record<string, unknown>>;
  readonly labels: Labels;
}

/** Every (expectation, role, rule) whose subject pattern matches `subject`. */
export function matchesOf(expectations: readonly Expectation[], subject: string): Match[] {
  const out: Match[] = [];
  for (const expectation of expectations) {
    for (const role of ['when', 'expect'] as const) {
      for (const rule of expectation[role]) if (subjectMatches(rule.subject, subject)) out.push({ expectation, role, rule });
    }
  }
  return out;
}

const TOKEN_UNSAFE = /[\s.*>]/g;

/** A label as a subject token: the partner names the exception's subject. */
export function tokenOf(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).replace(TOKEN_UNSAFE, '_');
  return text === '' ? undefined : text;
}

/** The key of a key expression's value: a scalar, or an object of scalars joined with `:` in its order. */
export function keyOf(value: unknown): { key: string; keys: Record<string, unknown> } | undefined {
  if (typeof value === 'string' || typeof value === 'number') return value === '' ? undefined : { key: String(value), keys: { key: value } };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys: Record<string, unknown> = {};
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    keys[k] = v;
    parts.push(String(v));
  }
  return parts.length === 0 ? undefined : { key: parts.join(':'), keys };
}

const settle = async (e: Expression | undefined, body: unknown, bindings: Bindings): Promise<unknown> => {
  if (!e) return undefined;
  try {
    const v = e.evaluate(body, bindings);
    return isPromiseLike(v) ? await v : v;
  } catch {
    // A document an expression cannot read has no key: it neither opens nor closes anything.
    return undefined;
  }
};

/**
 * The document's key and labels under `rule`; undefined when it has no key. Synchronous for
 * compiled expressions that finish within their budget, a promise otherwise.
 */
export async function readDocument(rule: DocumentRule, body: unknown, bindings: Bindings): Promise<Reading | undefined> {
  const k = keyOf(await settle(rule.key, body, bindings));
  if (!k) return undefined;
  const labels: { partner?: string; channel?: string; warehouse?: string } = {};
  for (const field of ['partner', 'channel', 'warehouse'] as const) {
    const v = tokenOf(await settle(rule[field], body, bindings));
    if (v !== undefined) labels[field] = v;
  }
  return { key: k.key, keys: k.keys, labels };
}
