/**
 * Business keys for the trace index, declared where the documents are: a top-level property of
 * a canonical schema marked `"x-crossdock-trace-key": true` (e.g. SalesOrder.orderNumber,
 * Invoice.poNumber) is a key wherever a message carries it at the top of its body. A new
 * document type declares its keys in its own schema; no code changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TRACE_KEY_ANNOTATION = 'x-crossdock-trace-key';

export interface TraceKeyField {
  readonly field: string;
  /** Schema files (relative to the schemas folder) that declare it. */
  readonly declaredIn: readonly string[];
}

/** Every field marked as a trace key in `<schemasDir>/canonical/*.schema.json`, by name. */
export function traceKeyFields(schemasDir: string): TraceKeyField[] {
  const dir = join(schemasDir, 'canonical');
  const found = new Map<string, string[]>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.schema.json')).sort();
  } catch {
    return [];
  }
  for (const name of names) {
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch {
      // A schema that does not parse is reported by lint and by the pipelines that use it.
      continue;
    }
    const props = (schema as { properties?: Record<string, unknown> } | null)?.properties;
    if (!props || typeof props !== 'object') continue;
    for (const [field, p] of Object.entries(props)) {
      if ((p as Record<string, unknown> | null)?.[TRACE_KEY_ANNOTATION] !== true) continue;
      const list = found.get(field) ?? [];
      list.push(`canonical/${name}`);
      found.set(field, list);
    }
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([field, declaredIn]) => ({ field, declaredIn }));
}
