/**
 * Entry point of the JSONata-to-JavaScript compiler. Until it supports an expression, every
 * expression takes the reference evaluator.
 */
import type jsonata from 'jsonata';

export type CompileResult =
  | { readonly ok: true; readonly evaluate: (input: unknown, bindings?: Readonly<Record<string, unknown>>) => unknown }
  | { readonly ok: false; readonly reason: string; readonly position?: number };

export function tryCompile(_ast: jsonata.ExprNode, _source: string): CompileResult {
  return { ok: false, reason: 'compiler not available' };
}
