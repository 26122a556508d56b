/**
 * One pipeline file → a compiled pipeline: shape checked against the schema derived from the
 * registry, every component compiled (JSONata parsed, schemas compiled) once, every mistake
 * reported with its position.
 */
import { compileExpression, ExpressionError } from '../expressions/jsonata.ts';
import type { Diagnostics } from '../config/diagnostics.ts';
import type { Path, YamlSource } from '../config/yaml-source.ts';
import { parseDuration } from '../config/durations.ts';
import { suggest } from '../config/suggest.ts';
import { registry, type KnownInput, type Registry } from '../components/registry.ts';
import type { CompileContext, CompiledOutput, CompiledStep, LocatedExpression } from '../components/types.ts';
import { checkShape } from './shape.ts';
import { checkOutputSlots } from './output-slots.ts';
import { pipelineSchema } from './spec-schemas.ts';
import { errorOffset, locatedBy, type ProjectResources } from './resources.ts';
import { redactExpressionError } from '../config/redact.ts';
import { conflictDiagnostic, headerSpellings } from './header-spellings.ts';

export interface ErrorPolicy {
  readonly maxDeliver: number;
  /** Delay before retry n (1-based) is backoffMs[min(n, length) - 1]. */
  readonly backoffMs: readonly number[];
  readonly deadLetter: string;
}

export interface CompiledPipeline {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly owner: string;
  readonly input: KnownInput;
  readonly steps: readonly CompiledStep[];
  readonly outputs: readonly CompiledOutput[];
  readonly errors: ErrorPolicy;
  /** Expressions by evaluator, for lint's report. */
  readonly expressions: readonly LocatedExpression[];
  /** Lower-case header name → the spelling this pipeline's expressions use (see header-spellings.ts). */
  readonly headerSpellings: ReadonlyMap<string, string>;
}

interface PipelineDoc {
  pipeline: string;
  description: string;
  owner: string;
  input: Record<string, unknown>;
  steps?: Record<string, unknown>[];
  outputs: Record<string, Record<string, unknown>>;
  errors?: { maxDeliver?: number; backoff?: string[]; deadLetter?: string };
}

export const ERROR_DEFAULTS = { maxDeliver: 5, backoff: ['1s', '10s', '1m'] } as const;

const shellSchema = pipelineSchema(registry, false);

export function compilePipeline(source: YamlSource, resources: ProjectResources, diags: Diagnostics, reg: Registry = registry): CompiledPipeline | undefined {
  const before = diags.errorCount;
  const explained = checkOutputSlots(source, [...reg.outputs.keys()], diags);
  if (!checkShape(source, shellSchema, source.value, [], diags, 'pipeline', explained)) return undefined;
  const doc = source.value as PipelineDoc;
  const expressions: LocatedExpression[] = [];
  const outputNames = Object.keys(doc.outputs);

  const ctxAt = (base: Path): CompileContext => makeContext(source, resources, diags, doc.pipeline, base, outputNames, expressions);

  const input = compileSlot(source, diags, doc.input, ['input'], reg.inputs, 'input', (spec, cfg, path) => spec.compile(cfg, ctxAt(path)));
  const steps: CompiledStep[] = [];
  (doc.steps ?? []).forEach((step, i) => {
    const compiled = compileSlot(source, diags, step, ['steps', i], reg.steps, 'step', (spec, cfg, path) => spec.compile(cfg, ctxAt(path)));
    if (compiled) steps.push(compiled);
  });
  const outputs: CompiledOutput[] = [];
  for (const name of outputNames) {
    const slot = doc.outputs[name] as Record<string, unknown>;
    const compiled = compileSlot(source, diags, slot, ['outputs', name], reg.outputs, 'output', (spec, cfg, path) => spec.compile(name, cfg, ctxAt(path)));
    if (compiled) outputs.push(compiled);
  }
  const errors: ErrorPolicy = {
    maxDeliver: doc.errors?.maxDeliver ?? ERROR_DEFAULTS.maxDeliver,
    backoffMs: (doc.errors?.backoff ?? ERROR_DEFAULTS.backoff).map(parseDuration),
    deadLetter: doc.errors?.deadLetter ?? `dlq.${doc.pipeline}`,
  };
  const headers = headerSpellings(expressions);
  for (const c of headers.conflicts) {
    const d = conflictDiagnostic(c);
    diags.error(d.file, d.pos, 'header-spelling', d.message);
  }
  if (diags.errorCount > before || !input) return undefined;
  return {
    name: doc.pipeline,
    file: source.file,
    description: doc.description,
    owner: doc.owner,
    // Each spec compiles its own kind, so `kind` tells which case of the union this is.
    input,
    steps,
    outputs,
    errors,
    expressions,
    headerSpellings: headers.spellings,
  };
}

interface KindSpec {
  readonly kind: string;
  readonly configSchema: import('../config/json-schema.ts').JsonSchema;
}

/** A `kind: config` slot: the kind must be registered and the config must match its schema. */
function compileSlot<S extends KindSpec, R>(
  source: YamlSource,
  diags: Diagnostics,
  slot: Record<string, unknown>,
  path: Path,
  specs: ReadonlyMap<string, S>,
  what: string,
  compile: (spec: S, config: unknown, path: Path) => R | undefined,
): R | undefined {
  const kind = Object.keys(slot)[0] as string;
  const spec = specs.get(kind);
  if (!spec) {
    const hint = suggest(kind, specs.keys());
    const known = [...specs.keys()].join(', ');
    diags.error(source.file, source.locate([...path, kind], 'key'), 'unknown-kind', `unknown ${what} kind '${kind}'${hint ? ` (did you mean '${hint}'?)` : ''}; known kinds: ${known}`);
    return undefined;
  }
  const configPath = [...path, kind];
  if (!checkShape(source, spec.configSchema, slot[kind], configPath, diags, `${what} ${kind}`)) return undefined;
  return compile(spec, slot[kind], configPath);
}

function makeContext(
  source: YamlSource,
  resources: ProjectResources,
  diags: Diagnostics,
  pipeline: string,
  base: Path,
  outputNames: readonly string[],
  expressions: LocatedExpression[],
): CompileContext {
  const at = (rel: Path = []): Path => [...base, ...rel];
  return {
    pipeline,
    path: base,
    outputNames,
    traceKeys: resources.traceKeys(),
    expression(text, rel = []) {
      const path = at(rel);
      try {
        const expr = compileExpression(text, resources.compileOptions);
        const located = locatedBy(expr, (offset) => {
          const p = source.locateInScalar(path, offset);
          return `${source.file}:${p.line}:${p.col}`;
        });
        expressions.push(located);
        return located;
      } catch (err) {
        const e = err instanceof ExpressionError ? err : new ExpressionError('E0000', String(err));
        diags.error(source.file, source.locateInScalar(path, errorOffset(e, text.length)), 'jsonata-syntax', redactExpressionError(`JSONata ${e.code}: ${e.message}`, text, e.token));
        return undefined;
      }
    },
    mapping(file, rel = []) {
      const got = resources.mapping(file);
      if (got.ok) {
        expressions.push(got.value);
        return got.value;
      }
      reportProblem(source, diags, at(rel), got.problem);
      return undefined;
    },
    schema(file, rel = []) {
      const got = resources.schema(file);
      if (got.ok) return got.value;
      reportProblem(source, diags, at(rel), got.problem);
      return undefined;
    },
    error(message, rel = [], code = 'component') {
      diags.error(source.file, source.locate(at(rel)), code, message);
    },
    warn(message, rel = [], code = 'component') {
      diags.warn(source.file, source.locate(at(rel)), code, message);
    },
  };
}

function reportProblem(source: YamlSource, diags: Diagnostics, path: Path, problem: { message: string; file?: string; position?: { line: number; col: number } }): void {
  if (problem.file && problem.position) {
    // The mistake is inside the referenced file: point there (that is what must be edited).
    diags.error(problem.file, problem.position, 'reference', problem.message);
  } else {
    diags.error(source.file, source.locate(path), 'reference', problem.message);
  }
}
