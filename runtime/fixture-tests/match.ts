/**
 * Comparison for fixture expectations: `body` is a subset match (every field written in the
 * test must be there with that value; arrays must have the same length), `bodyFile` is exact.
 * Differences come back as readable `path: expected …, got …` lines.
 */
import { redactBody } from '../config/redact.ts';

export function subsetDiff(expected: unknown, actual: unknown, path = '', out: string[] = []): string[] {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push(`${path || '(body)'}: expected an object, got ${show(actual)}`);
      return out;
    }
    for (const [k, v] of Object.entries(expected)) {
      const a = (actual as Record<string, unknown>)[k];
      if (a === undefined && v !== undefined) out.push(`${path}.${k}: missing (expected ${show(v)})`);
      else subsetDiff(v, a, `${path}.${k}`, out);
    }
    return out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push(`${path || '(body)'}: expected an array, got ${show(actual)}`);
      return out;
    }
    if (expected.length !== actual.length) out.push(`${path || '(body)'}: expected ${expected.length} item(s), got ${actual.length}`);
    expected.forEach((v, i) => {
      if (i < actual.length) subsetDiff(v, actual[i], `${path}[${i}]`, out);
    });
    return out;
  }
  if (!Object.is(expected, actual)) out.push(`${path || '(body)'}: expected ${show(expected)}, got ${show(actual)}`);
  return out;
}

export function exactDiff(expected: unknown, actual: unknown, path = '', out: string[] = []): string[] {
  subsetDiff(expected, actual, path, out);
  // Subset in the other direction catches fields the expectation does not have.
  exactExtra(expected, actual, path, out);
  return out;
}

function exactExtra(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (actual !== null && typeof actual === 'object' && !Array.isArray(actual) && expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    for (const k of Object.keys(actual)) {
      if (!(k in expected)) out.push(`${path}.${k}: unexpected field (value ${show((actual as Record<string, unknown>)[k])})`);
      else exactExtra((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
  } else if (Array.isArray(actual) && Array.isArray(expected)) {
    actual.forEach((v, i) => exactExtra(expected[i], v, `${path}[${i}]`, out));
  }
}

/** A value quoted in a mismatch: redacted before the cut, which would hide a secret's end. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  return redactBody(JSON.stringify(v), 80);
}
