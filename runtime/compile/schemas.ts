/**
 * JSON Schemas from schemas/, compiled once with ajv. Files may `$ref` each other by relative
 * path; each gets a base URI from its place in the folder so relative references resolve.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { positionAt, type SourcePosition } from '../config/diagnostics.ts';
import type { SchemaValidator, ValidationProblem } from '../components/schema-validator.ts';

// ajv-formats ships CommonJS with a default export that TypeScript under NodeNext sees as a namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;

const BASE = 'https://schemas.crossdock.dev/';

export interface SchemaLoadError {
  readonly file: string;
  readonly position: SourcePosition;
  readonly message: string;
}

/** Loads every `.json` schema under a folder, compiling only the ones asked for. */
export class SchemaCatalog {
  readonly root: string;
  private readonly draft7: Ajv;
  private readonly draft2020: Ajv2020;
  private readonly loadErrors = new Map<string, SchemaLoadError>();
  private readonly dialectOf = new Map<string, 'draft7' | 'draft2020'>();
  private readonly compiled = new Map<string, SchemaValidator>();
  private loaded = false;

  constructor(root: string) {
    this.root = root;
    const options = { allErrors: true, strict: false, allowUnionTypes: true } as const;
    this.draft7 = new Ajv(options);
    this.draft2020 = new Ajv2020(options);
    addFormats(this.draft7);
    addFormats(this.draft2020);
  }

  /** Relative paths of every schema file found (for lint's "unused schema" check). */
  files(): string[] {
    this.load();
    return [...this.dialectOf.keys(), ...this.loadErrors.keys()].sort();
  }

  /**
   * Returns the validator for `relativeFile` (relative to the schemas folder), or a load error.
   */
  get(relativeFile: string): SchemaValidator | SchemaLoadError {
    this.load();
    const key = normalize(relativeFile);
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const loadError = this.loadErrors.get(key);
    if (loadError) return loadError;
    const dialect = this.dialectOf.get(key);
    if (!dialect) {
      return { file: key, position: { line: 1, col: 1 }, message: `schema file not found: ${key}` };
    }
    const ajv = dialect === 'draft2020' ? this.draft2020 : this.draft7;
    let fn: ValidateFunction;
    try {
      const got = ajv.getSchema(BASE + key);
      if (!got) throw new Error('schema did not register');
      fn = got;
    } catch (err) {
      const e: SchemaLoadError = { file: key, position: { line: 1, col: 1 }, message: `schema does not compile: ${(err as Error).message}` };
      this.loadErrors.set(key, e);
      return e;
    }
    const validator: SchemaValidator = {
      file: key,
      validate(value: unknown) {
        if (fn(value)) return undefined;
        return describeErrors(fn.errors ?? []);
      },
    };
    this.compiled.set(key, validator);
    return validator;
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const abs of walkJson(this.root)) {
      const rel = normalize(relative(this.root, abs));
      let text: string;
      try {
        text = readFileSync(abs, 'utf8');
      } catch (err) {
        this.loadErrors.set(rel, { file: rel, position: { line: 1, col: 1 }, message: `cannot read schema: ${(err as Error).message}` });
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        const m = /position (\d+)/.exec((err as Error).message);
        const pos = m ? positionAt(text, Number(m[1])) : { line: 1, col: 1 };
        // The position goes into line:col; V8's wording of it would only repeat it.
        const reason = (err as Error).message.replace(/ in JSON at position \d+.*$/s, '');
        this.loadErrors.set(rel, { file: rel, position: pos, message: `schema is not valid JSON: ${reason}` });
        continue;
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        this.loadErrors.set(rel, { file: rel, position: { line: 1, col: 1 }, message: 'schema must be a JSON object' });
        continue;
      }
      const schema = { ...(json as Record<string, unknown>) };
      const dialect = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12') ? 'draft2020' : 'draft7';
      // The file's place in the folder is its identity; a declared $id would break relative refs between files.
      schema.$id = BASE + rel;
      try {
        (dialect === 'draft2020' ? this.draft2020 : this.draft7).addSchema(schema);
        this.dialectOf.set(rel, dialect);
      } catch (err) {
        this.loadErrors.set(rel, { file: rel, position: { line: 1, col: 1 }, message: `invalid schema: ${(err as Error).message}` });
      }
    }
  }
}

function normalize(p: string): string {
  return p.split(sep).join('/').replace(/^\.\//, '');
}

function* walkJson(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const abs = join(dir, name);
    const st = statSync(abs);
    if (st.isDirectory()) yield* walkJson(abs);
    else if (name.endsWith('.json')) yield abs;
  }
}

/** Turns ajv errors into one readable problem per field, most specific first. */
export function describeErrors(errors: readonly ErrorObject[]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const seen = new Set<string>();
  for (const e of pickErrors(errors)) {
    const p = describeError(e);
    const key = p.field + '\u0000' + p.message;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

export function describeError(e: ErrorObject): ValidationProblem {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: `${e.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return { field: `${e.instancePath}/${String(params.additionalProperty)}`, message: 'is not allowed (unknown property)' };
    case 'oneOf':
    case 'anyOf':
      return { field: e.instancePath, message: 'does not match any of the allowed forms' };
    case 'enum':
      return { field: e.instancePath, message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { field: e.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { field: e.instancePath, message: e.message ?? e.keyword };
  }
}

/**
 * ajv reports every failing branch of a oneOf. Keep the errors of the branch the user most
 * likely meant: one whose type matched (no `type` error at the alternative's own path), with
 * the fewest errors; when no branch's type matched, keep only the summary.
 */
export function pickErrors(all: readonly ErrorObject[]): ErrorObject[] {
  // An `if` failure only says "must match then/else"; the branch's own errors say why.
  const errors = all.filter((e) => e.keyword !== 'if');
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  if (alternatives.length === 0) return [...errors];
  let kept = [...errors];
  for (const alt of alternatives) {
    const prefix = alt.schemaPath + '/';
    const branches = new Map<string, ErrorObject[]>();
    for (const e of kept) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] as string;
      const list = branches.get(branch) ?? [];
      list.push(e);
      branches.set(branch, list);
    }
    const typed = [...branches.values()].filter(
      (list) => !list.some((e) => (e.keyword === 'type' || e.keyword === 'const') && e.instancePath === alt.instancePath),
    );
    typed.sort((a, b) => a.length - b.length);
    const chosen = typed[0];
    kept = kept.filter((e) => !e.schemaPath.startsWith(prefix) && e !== alt);
    if (chosen) kept.push(...chosen);
    else kept.push(alt);
  }
  return kept;
}
