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

/** A JSONata error, with the same code and position as the reference implementation. */
export class ExpressionError extends Error {
  readonly code: string;
  /** Offset into the expression source (1-based end of the offending token, as JSONata reports it). */
  readonly position: number | undefined;
  readonly token: string | undefined;
  constructor(code: string, message: string, position?: number, token?: string) {
    super(message);
    this.name = 'ExpressionError';
    this.code = code;
    this.position = position;
    this.token = token;
  }
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
}

interface JsonataLikeError {
  code?: unknown;
  position?: unknown;
  token?: unknown;
  message?: unknown;
}

/** Turns whatever jsonata threw into an ExpressionError, keeping code and position. */
export function toExpressionError(err: unknown): ExpressionError {
  if (err instanceof ExpressionError) return err;
  const e = (err ?? {}) as JsonataLikeError;
  const code = typeof e.code === 'string' ? e.code : 'E0000';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const position = typeof e.position === 'number' ? e.position : undefined;
  const token = typeof e.token === 'string' ? e.token : e.token === undefined ? undefined : String(e.token);
  return new ExpressionError(code, message, position, token);
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
  if (options.engine !== 'reference') {
    const compiled = tryCompile(reference.ast(), source, { limits });
    if (compiled.ok) {
      const fn = compiled.evaluate;
      return { source, engine: 'compiled', evaluate: fn };
    }
    if (options.strictCompile || options.engine === 'compiled') {
      throw new ExpressionError('X0001', `expression cannot be compiled: ${compiled.reason}`, compiled.position);
    }
    return referenceExpression(source, reference, compiled.reason);
  }
  return referenceExpression(source, reference, 'reference evaluator requested');
}

function referenceExpression(source: string, expr: jsonata.Expression, fallbackReason: string): Expression {
  return {
    source,
    engine: 'reference',
    fallbackReason,
    evaluate(input: unknown, bindings?: Bindings): Promise<unknown> {
      return expr.evaluate(input, bindings as Record<string, unknown> | undefined).then(
        (v) => v,
        (err: unknown) => {
          throw toExpressionError(err);
        },
      );
    },
  };
}
