/** Errors of expression compilation and evaluation, whichever engine or thread raised them. */

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

