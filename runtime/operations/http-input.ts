/**
 * Reading the operations API's input: query parameters checked against the names a route
 * takes, and small JSON bodies. Every mistake becomes a 400 that names the field.
 */
import type { IncomingMessage } from 'node:http';

export interface BadInput {
  readonly status: 400 | 413;
  readonly field: string;
  readonly error: string;
}

export const isBad = (v: unknown): v is BadInput => typeof v === 'object' && v !== null && 'field' in v && 'status' in v && 'error' in v;

const bad = (field: string, error: string): BadInput => ({ status: 400, field, error });

/** The query's parameters; a name the route does not take, or one given twice, is an error. */
export function queryOf(req: IncomingMessage, allowed: readonly string[]): Map<string, string> | BadInput {
  const url = new URL(req.url ?? '/', 'http://x');
  const out = new Map<string, string>();
  for (const [k, v] of url.searchParams) {
    if (!allowed.includes(k)) return bad(k, `unknown query parameter '${k}' (this route takes ${allowed.join(', ')})`);
    if (out.has(k)) return bad(k, `${k} is given twice`);
    out.set(k, v);
  }
  return out;
}

/** A whole number in [min, max], or the default when absent. */
export function intParam(text: string | undefined, field: string, min: number, max: number, dflt?: number): number | undefined | BadInput {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) return bad(field, `${field} must be a whole number from ${min} to ${max}`);
  return n;
}

const MAX_BODY = 64 * 1024;

/** The request's JSON object body; an empty body is `{}`. */
export async function jsonObjectBody(req: IncomingMessage): Promise<Record<string, unknown> | BadInput> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) {
      req.resume();
      return { status: 413, field: 'body', error: `request body larger than ${MAX_BODY} bytes` };
    }
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return bad('body', `body is not JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('body', 'body must be a JSON object');
  return v as Record<string, unknown>;
}

/** Fields of `body` outside `allowed`: the first is an error. */
export function unknownField(body: Record<string, unknown>, allowed: readonly string[]): BadInput | undefined {
  const k = Object.keys(body).find((key) => !allowed.includes(key));
  return k === undefined ? undefined : bad(k, `unknown field '${k}' (this action takes ${allowed.length ? allowed.join(', ') : 'no fields'})`);
}

/** An optional string field of 1..max characters. */
export function textField(body: Record<string, unknown>, field: string, max: number, required = false): string | undefined | BadInput {
  const v = body[field];
  if (v === undefined || v === null) return required ? bad(field, `${field} is required`) : undefined;
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) return bad(field, `${field} must be text of 1-${max} characters`);
  return v;
}
