/**
 * Files a pipeline refers to — mappings and schemas — loaded and compiled once per project,
 * with errors reported at the reference in the pipeline and, for a JSONata syntax error, at
 * the line and column inside the .jsonata file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';
import { compileExpression, ExpressionError, type CompileOptions, type Expression } from '../expressions/jsonata.ts';
import { positionAt, type Diagnostics, type SourcePosition } from '../config/diagnostics.ts';
import type { LocatedExpression } from '../components/types.ts';
import { SchemaCatalog } from './schemas.ts';
import type { SchemaValidator } from '../components/schema-validator.ts';
import { suggest } from '../config/suggest.ts';
import { traceKeyFields } from './trace-keys.ts';

export interface ProjectLayout {
  /** Folder of pipeline YAML files. */
  readonly pipelinesDir: string;
  /** Folder of .jsonata mappings (default: beside pipelines/). */
  readonly mappingsDir: string;
  /** Folder of JSON Schemas (default: beside pipelines/). */
  readonly schemasDir: string;
}

export function layoutFor(pipelinesDir: string): ProjectLayout {
  const root = join(pipelinesDir, '..');
  return { pipelinesDir, mappingsDir: join(root, 'mappings'), schemasDir: join(root, 'schemas') };
}

/** Paths in messages are relative to the working directory, as people type them. */
export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel === '' ? '.' : rel.startsWith('..') && isAbsolute(abs) ? abs : rel;
}

export interface Problem {
  readonly message: string;
  /** Where the problem is, when it is in the referenced file rather than at the reference. */
  readonly file?: string;
  readonly position?: SourcePosition;
}

type Loaded<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export class ProjectResources {
  readonly layout: ProjectLayout;
  readonly schemas: SchemaCatalog;
  readonly compileOptions: CompileOptions;
  private readonly mappings = new Map<string, Loaded<LocatedExpression>>();
  /** Relative paths of mappings and schemas referenced so far (for "unused" warnings). */
  readonly usedMappings = new Set<string>();
  readonly usedSchemas = new Set<string>();

  constructor(layout: ProjectLayout, compileOptions: CompileOptions = {}) {
    this.layout = layout;
    this.schemas = new SchemaCatalog(layout.schemasDir);
    this.compileOptions = compileOptions;
  }

  private keyFields: readonly string[] | undefined;

  /** The trace index's business key fields, read once from the canonical schemas. */
  traceKeys(): readonly string[] {
    this.keyFields ??= traceKeyFields(this.layout.schemasDir).map((k) => k.field);
    return this.keyFields;
  }

  mapping(relativeFile: string): Loaded<LocatedExpression> {
    const key = normalize(relativeFile);
    this.usedMappings.add(key);
    const cached = this.mappings.get(key);
    if (cached) return cached;
    const result = this.loadMapping(key);
    this.mappings.set(key, result);
    return result;
  }

  private loadMapping(key: string): Loaded<LocatedExpression> {
    if (key.startsWith('..') || isAbsolute(key)) {
      return { ok: false, problem: { message: `mapping path must stay inside ${displayPath(this.layout.mappingsDir)}: ${key}` } };
    }
    const abs = join(this.layout.mappingsDir, key);
    const shown = displayPath(abs);
    if (!existsSync(abs)) return { ok: false, problem: { message: `mapping file not found: ${shown}` } };
    const text = readFileSync(abs, 'utf8');
    try {
      const expr = compileExpression(text, this.compileOptions);
      return { ok: true, value: locatedInText(expr, shown, text) };
    } catch (err) {
      const e = err instanceof ExpressionError ? err : new ExpressionError('E0000', String(err));
      return {
        ok: false,
        problem: { message: `JSONata ${e.code}: ${e.message}`, file: shown, position: positionAt(text, errorOffset(e, text.length)) },
      };
    }
  }

  schema(relativeFile: string): Loaded<SchemaValidator> {
    const key = normalize(relativeFile);
    this.usedSchemas.add(key);
    const got = this.schemas.get(key);
    if ('validate' in got) return { ok: true, value: got };
    if (got.message.startsWith('schema file not found')) {
      // As for unknown step kinds: a near miss is usually a typo or a folder left out.
      const hint = suggest(key, this.schemas.files());
      const tail = hint ? `; did you mean '${hint}'?` : '';
      return { ok: false, problem: { message: `${got.message} (looked in ${displayPath(this.layout.schemasDir)}${tail})` } };
    }
    return { ok: false, problem: { message: got.message, file: displayPath(join(this.layout.schemasDir, got.file)), position: got.position } };
  }
}

/** JSONata reports the offset just past the offending token; point at its first character. */
export function errorOffset(e: ExpressionError, length: number): number {
  if (e.position === undefined) return 0;
  if (!e.token || e.token === '(end)') return Math.min(e.position, length);
  return Math.max(0, e.position - e.token.length);
}

export function locatedInText(expr: Expression, file: string, text: string): LocatedExpression {
  return locatedBy(expr, (offset) => `${file}:${fmt(positionAt(text, offset))}`);
}

export function locatedBy(expr: Expression, at: (offset: number) => string): LocatedExpression {
  const located: LocatedExpression = {
    source: expr.source,
    engine: expr.engine,
    evaluate: expr.evaluate.bind(expr),
    locate: (position?: number) => at(position === undefined ? 0 : Math.max(0, position - 1)),
    ...(expr.fallbackReason === undefined ? {} : { fallbackReason: expr.fallbackReason }),
  };
  return located;
}

function fmt(p: SourcePosition): string {
  return `${p.line}:${p.col}`;
}

export type { Diagnostics };
