/**
 * The one door through which every JSONata expression in Crossdock is built: mappings,
 * filters, route conditions, header values, output subjects and message ids.
 *
 * An expression is compiled once when a pipeline is loaded. Evaluation goes through the
 * compiled JavaScript function when the compiler supports every construct in it, and through
 * the reference `jsonata` evaluator otherwise; callers cannot tell the difference except by
 * `engine` (and by speed).
 */
import jsonata from 'jsonata';
import { type CompilerLimits, DEFAULT_LIMITS, tryCompile } from './compiler/index.ts';
import { ExpressionError, toExpressionError } from './errors.ts';
import { type ExpressionSandbox, sharedSandbox } from './sandbox.ts';

export { ExpressionError, toExpressionError } from './errors.ts';

/**
 * How long a compiled expression may hold the event loop before its evaluation moves to a
 * worker thread (where it gets the rest of its time limit). Real mappings take well under a
 * millisecond; a 5 MB EDI document a few. Past this, health checks and acks would wait.
 */
export const INLINE_BUDGET_MS = 10;

/**
 * The inline budget of an expression whose last evaluation in a worker ran out of time: until
 * one finishes there, each further runaway costs the event loop 1 ms instead of 10 (a flood
 * of runaways would otherwise spend the loop in 10 ms slices).
 */
export const SUSPECT_BUDGET_MS = 1;

export type Bindings = Readonly<Record<string, unknown>>;

export type Engine = 'compiled' | 'reference';

export interface Expression {
  readonly source: string;
  /** Which evaluator runs this expression. */
  readonly engine: Engine;
  /** Why the compiler declined the expression, when `engine` is `reference`. */
  readonly fallbackReason?: string;
  /**
   * Evaluates against `input`. Compiled expressions return synchronously; the reference
   * evaluator returns a promise. Callers must handle both (see `isPromiseLike`).
   * Throws (or rejects with) an `ExpressionError`.
   */
  evaluate(input: unknown, bindings?: Bindings): unknown;
}

export interface CompileOptions {
  /** Refuse expressions the compiler cannot handle instead of falling back. */
  readonly strictCompile?: boolean;
  /** Force the reference evaluator (for differential tests and benchmarks). */
  readonly engine?: Engine;
  /**
   * Guardrails for compiled evaluation (depth of nested sub-expressions, D1011; wall-clock time
   * per evaluation, D1012); omitted fields take DEFAULT_LIMITS. When given, the time limit also
   * applies to the reference evaluator. (Its depth limit is not passed on: the reference counts
   * concurrently evaluated object values and array items as nested, so a wide grouping would
   * trip it.)
   */
  readonly limits?: Partial<CompilerLimits>;
  /**
   * `guarded` (the default): no evaluation holds the event loop past INLINE_BUDGET_MS.
   * Compiled code runs inline and moves to the sandbox when it overruns; the reference
   * evaluator, which has no guardrail of its own, always runs in the sandbox, so it returns a
   * promise. `inline`: everything on the calling thread (for the sandbox's own workers and for
   * tests of the evaluators themselves).
   */
  readonly isolation?: 'guarded' | 'inline';
  /** The sandbox guarded evaluations use; the process-wide one when omitted. */
  readonly sandbox?: ExpressionSandbox;
  /** How long a guarded evaluation may run inline; INLINE_BUDGET_MS when omitted. */
  readonly inlineBudgetMs?: number;
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Parses and prepares an expression. Throws ExpressionError for a syntax error (the
 * position is an offset into `source`).
 */
export function compileExpression(source: string, options: CompileOptions = {}): Expression {
  const limits: CompilerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  let reference: jsonata.Expression;
  try {
    reference = options.limits ? jsonata(source, { timeout: limits.timeoutMs }) : jsonata(source);
  } catch (err) {
    throw toExpressionError(err);
  }
  const guarded = options.isolation !== 'inline';
  const sandbox = guarded ? (options.sandbox ?? sharedSandbox()) : undefined;
  if (options.engine !== 'reference') {
    const offload = sandbox
      ? (engine: Engine) => (input: unknown, bindings: Bindings | undefined) =>
          sandbox.evaluate({ source, engine, input, bindings, timeoutMs: limits.timeoutMs }).catch((err: unknown) => {
            // Functions that Crossdock itself binds cannot cross threads; they are host code,
            // not partner data, so such an evaluation stays here, under the reference's limit.
            if (err instanceof ExpressionError && err.code === 'X0003') return evaluateReference(reference, input, bindings);
            throw err;
          })
      : undefined;
    const wanted = options.inlineBudgetMs ?? INLINE_BUDGET_MS;
    const inline = Math.min(wanted, limits.timeoutMs || wanted);
    const budget = { timeoutMs: inline };
    const compiled = tryCompile(reference.ast(), source, offload ? { limits, budget, redo: offload('reference') } : { limits });
    if (compiled.ok) {
      const fn = compiled.evaluate;
      if (!offload) return { source, engine: 'compiled', evaluate: fn };
      const overrun = offload('compiled');
      const suspect = Math.min(SUSPECT_BUDGET_MS, inline);
      // Over the inline budget: the rest of the time limit is spent off the event loop.
      const finish = (input: unknown, bindings: Bindings | undefined): Promise<unknown> =>
        overrun(input, bindings).then(
          (value) => {
            budget.timeoutMs = inline; // it was slow, not runaway
            return value;
          },
          (err: unknown) => {
            if (err instanceof ExpressionError && err.code === 'D1012') budget.timeoutMs = suspect;
            throw err;
          },
        );
      return {
        source,
        engine: 'compiled',
        evaluate(input: unknown, bindings?: Bindings): unknown {
          try {
            return fn(input, bindings);
          } catch (err) {
            if (err instanceof ExpressionError && err.code === 'D1012') return finish(input, bindings);
            throw err;
          }
        },
      };
    }
    if (options.strictCompile || options.engine === 'compiled') {
      throw new ExpressionError('X0001', `expression cannot be compiled: ${compiled.reason}`, compiled.position);
    }
    return referenceExpression(source, reference, compiled.reason, sandbox, limits.timeoutMs);
  }
  return referenceExpression(source, reference, 'reference evaluator requested', sandbox, limits.timeoutMs);
}

function referenceExpression(source: string, expr: jsonata.Expression, fallbackReason: string, sandbox: ExpressionSandbox | undefined, timeoutMs: number): Expression {
  if (sandbox) {
    return {
      source,
      engine: 'reference',
      fallbackReason,
      evaluate: (input: unknown, bindings?: Bindings): Promise<unknown> =>
        sandbox.evaluate({ source, engine: 'reference', input, bindings, timeoutMs }).catch((err: unknown) => {
          if (err instanceof ExpressionError && err.code === 'X0003') return evaluateReference(expr, input, bindings);
          throw err;
        }),
    };
  }
  return {
    source,
    engine: 'reference',
    fallbackReason,
    evaluate: (input: unknown, bindings?: Bindings): Promise<unknown> => evaluateReference(expr, input, bindings),
  };
}

function evaluateReference(expr: jsonata.Expression, input: unknown, bindings: Bindings | undefined): Promise<unknown> {
  return expr.evaluate(input, bindings as Record<string, unknown> | undefined).then(
    (v) => v,
    (err: unknown) => {
      throw toExpressionError(err);
    },
  );
}
