/** What the `atp` and `reserve` steps share: finding the service, the order lines, expression values. */
import type { RuntimeServices } from '../services.ts';
import { StepFailure, type Exchange, type LocatedExpression } from '../types.ts';
import { expressionFailure } from './expression-failure.ts';
import type { Availability } from '../../availability/api.ts';

export const FIELD_NAME = '^[A-Za-z_$][A-Za-z0-9_$]*$';
export const PROPERTY_PATH = '^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*$';

export function availabilityFrom(services: RuntimeServices, kind: string): Availability {
  if (services.availability) return services.availability;
  throw new Error(
    `step ${kind} needs the availability service, which \`crossdock run\` starts when the project has an availability policy ` +
      '(a YAML file in pipelines/ with a top-level `availability:` key), and which fixture tests replace with an in-memory view ' +
      'of that policy. Add the policy file (see docs/availability.md, "Policy"; pipelines/availability.yaml is an example).',
  );
}

export async function evaluate(expr: LocatedExpression, ex: Exchange, what: string): Promise<unknown> {
  try {
    return await expr.evaluate(ex.body, ex.bindings);
  } catch (err) {
    throw expressionFailure(what, expr, err);
  }
}

export async function requiredString(expr: LocatedExpression, ex: Exchange, what: string): Promise<string> {
  const v = await evaluate(expr, ex, what);
  if (typeof v !== 'string' || v.length === 0) throw new StepFailure(`${what} (${expr.locate()}) gave ${v === undefined ? 'nothing' : JSON.stringify(v)}, not a text`, { permanent: true, field: what });
  return v;
}

export async function optionalString(expr: LocatedExpression | undefined, ex: Exchange, what: string): Promise<string | undefined> {
  if (!expr) return undefined;
  const v = await evaluate(expr, ex, what);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new StepFailure(`${what} (${expr.locate()}) gave ${JSON.stringify(v)}, not a text`, { permanent: true, field: what });
  return v;
}

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly lineNumber?: number;
}

/** The order lines at a property path of the body (`lines`, `order.lines`); each needs `sku` and `quantity` > 0. */
export function orderLines(body: unknown, path: string): OrderLine[] {
  let node: unknown = body;
  for (const key of path.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(node) || node.length === 0) throw new StepFailure(`the message has no order lines at '${path}'`, { permanent: true, field: path });
  return node.map((line: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof line !== 'object' || line === null) throw new StepFailure(`${at} is not an object`, { permanent: true, field: at });
    const l = line as Record<string, unknown>;
    if (typeof l.sku !== 'string' || l.sku.length === 0) throw new StepFailure(`${at}.sku is missing`, { permanent: true, field: `${at}.sku` });
    if (typeof l.quantity !== 'number' || !(l.quantity > 0)) throw new StepFailure(`${at}.quantity must be a number above 0`, { permanent: true, field: `${at}.quantity` });
    return { sku: l.sku, quantity: l.quantity, ...(typeof l.lineNumber === 'number' ? { lineNumber: l.lineNumber } : {}) };
  });
}

/**
 * A copy of `body` with each line at `path` extended by `add(i)`. Steps never change the body
 * in place: outputs send the original bytes when the body is still the object they received.
 */
export function withLineField(body: unknown, path: string, field: string, add: (index: number) => unknown): unknown {
  const keys = path.split('.');
  const copy = (node: unknown, depth: number): unknown => {
    const record = node as Record<string, unknown>;
    const key = keys[depth] as string;
    if (depth === keys.length - 1) return { ...record, [key]: (record[key] as Record<string, unknown>[]).map((line, i) => ({ ...line, [field]: add(i) })) };
    return { ...record, [key]: copy(record[key], depth + 1) };
  };
  return copy(body, 0);
}
