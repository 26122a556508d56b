/**
 * Entry point of the JSONata-to-JavaScript compiler.
 *
 * `tryCompile` takes the AST the `jsonata` package parsed and, when every construct in it is
 * supported, returns a synchronous `evaluate` built from generated JavaScript. Otherwise it
 * declines with a reason and the caller uses the reference evaluator.
 *
 * The compiled function returns the reference's result or throws the reference's error (code,
 * position, token, message), with two deliberate differences: the guardrails below, and that an
 * evaluation which reaches something compiled code cannot reproduce exactly (calling a function
 * passed in from outside, for instance) is redone by the reference evaluator, in which case
 * `evaluate` returns a promise, as the reference does.
 */
import jsonata from 'jsonata';
import { ExpressionError, toExpressionError } from '../errors.ts';
import { type Node, Unsupported } from './codegen/ast.ts';
import { generate } from './codegen/program.ts';
import { JErr, populateMessage } from './rt/errors.ts';
import { runtime } from './rt/index.ts';
import { Bailout, type CompilerLimits, DEFAULT_LIMITS, enter, type EvalState, isStackOverflow, leave, newState } from './rt/state.ts';
import { isGuardrail } from './rt/path.ts';

export type { CompilerLimits } from './rt/state.ts';
export { DEFAULT_LIMITS } from './rt/state.ts';

export type CompileResult =
  | { readonly ok: true; readonly evaluate: (input: unknown, bindings?: Readonly<Record<string, unknown>>) => unknown }
  | { readonly ok: false; readonly reason: string; readonly position?: number };

export interface CompilerOptions {
  /** Guardrails for evaluation; any field left out takes its default from DEFAULT_LIMITS. */
  readonly limits?: Partial<CompilerLimits>;
  /**
   * Redoes an evaluation the compiled code cannot finish exactly (see the module comment);
   * the reference evaluator on this thread when omitted.
   */
  readonly redo?: (input: unknown, bindings: Readonly<Record<string, unknown>> | undefined) => Promise<unknown>;
  /** When given, each evaluation's time limit is read from here instead of `limits.timeoutMs`. */
  readonly budget?: { readonly timeoutMs: number };
}

type Run = (input: unknown, bindings: unknown, state: EvalState) => unknown;

/** Generates and builds the program, or says why not. Exported for tests and tooling. */
export function generateSource(ast: jsonata.ExprNode): { text: string } | { reason: string; position?: number } {
  try {
    return { text: generate(ast as unknown as Node).text };
  } catch (e) {
    if (e instanceof Unsupported) return { reason: e.reason, position: e.position };
    throw e;
  }
}

export function tryCompile(ast: jsonata.ExprNode, source: string, options: CompilerOptions = {}): CompileResult {
  let run: Run;
  try {
    const program = generate(ast as unknown as Node);
    const build = new Function('R', 'K', program.text) as (r: unknown, k: readonly unknown[]) => Run;
    run = build(runtime, program.constants);
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.reason, position: e.position };
    return { ok: false, reason: `internal compiler error: ${e instanceof Error ? e.message : String(e)}` };
  }
  const limits: CompilerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  let reference: jsonata.Expression | undefined;
  const redo = options.redo ?? ((input: unknown, bindings: Readonly<Record<string, unknown>> | undefined): Promise<unknown> => {
    // The time limit carries over; the depth limit does not (see CompileOptions.limits).
    reference ??= jsonata(source, { timeout: limits.timeoutMs });
    return reference.evaluate(input, bindings as Record<string, unknown> | undefined).then(
      (v) => v,
      (err: unknown) => {
        throw toExpressionError(err);
      },
    );
  });
  const reusable = newState();
  const budget = options.budget;
  const evaluate = (input: unknown, bindings?: Readonly<Record<string, unknown>>): unknown => {
    const { state, previous } = enter(limits, reusable);
    if (budget) state.timeoutMs = budget.timeoutMs;
    try {
      return run(input, bindings, state);
    } catch (e) {
      if (e instanceof Bailout || (state.concurrent > 0 && !isStackOverflow(e) && !isGuardrail(e))) return redo(input, bindings);
      throw toError(e);
    } finally {
      leave(previous);
    }
  };
  return { ok: true, evaluate };
}

function toError(e: unknown): ExpressionError {
  if (isStackOverflow(e)) {
    const overflow = new JErr('D1011');
    return new ExpressionError('D1011', populateMessage(overflow) ?? 'Stack overflow');
  }
  if (e instanceof JErr || (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string')) {
    const fields = e as JErr;
    const message = populateMessage(fields) ?? String(fields.code);
    return new ExpressionError(fields.code, message, fields.position, fields.token);
  }
  return toExpressionError(e);
}
