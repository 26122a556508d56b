/**
 * What a step needs of a JSON Schema: a validator that names the problems. The catalog that
 * loads schemas/ (compile/schemas.ts) implements it; the components depend only on this.
 */

export interface ValidationProblem {
  /** JSON pointer of the offending field in the message ('' for the whole document). */
  readonly field: string;
  readonly message: string;
}

export interface SchemaValidator {
  readonly file: string;
  /** Returns undefined when valid. */
  validate(value: unknown): readonly ValidationProblem[] | undefined;
}

export function formatProblems(problems: readonly ValidationProblem[], max = 5): string {
  const shown = problems.slice(0, max).map((p) => `${p.field || '(document)'}: ${p.message}`);
  const more = problems.length > max ? `; and ${problems.length - max} more` : '';
  return shown.join('; ') + more;
}
