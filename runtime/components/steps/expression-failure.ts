/** Turns an expression error into a step failure that names the place in the mapping. */
import { toExpressionError } from '../../expressions/jsonata.ts';
import { StepFailure, type LocatedExpression } from '../types.ts';

export function expressionFailure(what: string, expr: LocatedExpression, err: unknown): StepFailure {
  if (err instanceof StepFailure) return err;
  const e = toExpressionError(err);
  return new StepFailure(`${what} failed at ${expr.locate(e.position)}: ${e.code} ${e.message}`, { permanent: true, cause: err });
}
