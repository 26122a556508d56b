/**
 * The `Crossdock-Trace-Keys` header: an output names its body's business keys in it (canonical
 * schemas' `x-crossdock-trace-key` fields, field → value as a JSON object), so that the trace
 * index and the audit log read keys from headers instead of parsing bodies again.
 */

/** Key values longer than this are not keys but text; they are not named. */
export const MAX_TRACE_KEY_LENGTH = 200;

function isKey(v: unknown): v is string | number {
  return (typeof v === 'string' && v.length > 0 && v.length <= MAX_TRACE_KEY_LENGTH) || (typeof v === 'number' && Number.isFinite(v));
}

/** The header for a body: its key fields that hold a key, or undefined when none does. */
export function writeTraceKeys(body: unknown, fields: readonly string[]): string | undefined {
  if (fields.length === 0 || typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  let out: Record<string, string> | undefined;
  for (const f of fields) {
    const v = (body as Record<string, unknown>)[f];
    if (isKey(v)) (out ??= {})[f] = String(v);
  }
  return out === undefined ? undefined : JSON.stringify(out);
}

/** Field → value as the header names them; undefined when it is missing or not a JSON object. */
export function readTraceKeys(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let given: unknown;
  try {
    given = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return undefined;
  const out: Record<string, string> = {};
  for (const [field, v] of Object.entries(given as Record<string, unknown>)) if (isKey(v)) out[field] = String(v);
  return out;
}
