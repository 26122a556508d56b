/**
 * The mapping playground behind `crossdock map`: one mapping evaluated on one JSON input, the
 * way a `map` step would (same evaluator, same `$headers`, `$subject`, `$meta` bindings), with
 * every mistake placed at file:line:col — inside the .jsonata file for the mapping, inside the
 * JSON file for the input.
 */
import { compileExpression, ExpressionError, isPromiseLike, toExpressionError, type Engine } from '../expressions/jsonata.ts';
import { positionAt } from '../config/diagnostics.ts';
import { errorOffset } from '../compile/resources.ts';
import { formatProblems, type SchemaValidator } from '../components/schema-validator.ts';
import { parseJson } from './json-position.ts';
import { locateField } from '../lint/mapping-locate.ts';

export interface PlaygroundInput {
  readonly mappingFile: string;
  readonly mappingText: string;
  readonly inputFile: string;
  readonly inputText: string;
  readonly subject?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly engine?: Engine;
  /** Checks the result, as a validate step after the map step would. */
  readonly schema?: SchemaValidator;
}

export type PlaygroundResult =
  | { readonly ok: true; readonly value: unknown; readonly engine: Engine }
  /** `value` is there when the mapping ran but its result does not match the schema. */
  | { readonly ok: false; readonly error: string; readonly value?: unknown };

export async function evaluateMapping(p: PlaygroundInput): Promise<PlaygroundResult> {
  const at = (file: string, text: string, offset: number): string => {
    const pos = positionAt(text, offset);
    return `${file}:${pos.line}:${pos.col}`;
  };
  const parsed = parseJson(p.inputText);
  if (!parsed.ok) return { ok: false, error: `${at(p.inputFile, p.inputText, parsed.offset)}: input is not JSON: ${parsed.message}` };
  let expr;
  try {
    expr = compileExpression(p.mappingText, p.engine === undefined ? {} : { engine: p.engine });
  } catch (err) {
    const e = err instanceof ExpressionError ? err : toExpressionError(err);
    return { ok: false, error: `${at(p.mappingFile, p.mappingText, errorOffset(e, p.mappingText.length))}: JSONata ${e.code}: ${e.message}` };
  }
  const subject = p.subject ?? 'playground';
  const headers = { ...(p.headers ?? {}) };
  const meta = { pipeline: 'playground', subject, stream: 'PLAYGROUND', streamSeq: 1, deliveryCount: 1, receivedAt: Date.now(), key: 'PLAYGROUND:1' };
  let value: unknown;
  try {
    const r = expr.evaluate(parsed.value, { headers, subject, meta, pipeline: 'playground' });
    value = isPromiseLike(r) ? await r : r;
  } catch (err) {
    const e = toExpressionError(err);
    return { ok: false, error: `${at(p.mappingFile, p.mappingText, errorOffset(e, p.mappingText.length))}: JSONata ${e.code}: ${e.message}` };
  }
  if (value === undefined) return { ok: false, error: `${p.mappingFile}:1:1: the mapping produced no value for this input (a map step would dead-letter the message)` };
  if (p.schema) {
    const problems = p.schema.validate(value);
    if (problems) {
      const offset = locateField(p.mappingText, problems[0]?.field ?? '') ?? 0;
      return { ok: false, value, error: `${at(p.mappingFile, p.mappingText, offset)}: the result does not match ${p.schema.file}: ${formatProblems(problems, 20)}` };
    }
  }
  return { ok: true, value, engine: expr.engine };
}
