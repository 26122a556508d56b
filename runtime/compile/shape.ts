/**
 * Checks a YAML value against a JSON Schema and reports each problem at the line and column
 * of the offending key or value, picking the most useful message where `oneOf` alternatives
 * would otherwise bury it in noise.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../config/json-schema.ts';
import type { Diagnostics } from '../config/diagnostics.ts';
import { pointer, type Path, type YamlSource } from '../config/yaml-source.ts';
import { suggest } from '../config/suggest.ts';
import { pickErrors } from './schemas.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
addFormats(ajv);
const cache = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    const { $id: _id, $schema: _dialect, ...rest } = schema;
    fn = ajv.compile(rest);
    cache.set(schema, fn);
  }
  return fn;
}

/**
 * Returns true when `value` matches; otherwise reports every problem and returns false.
 * `explained` holds dotted paths (relative to `value`) whose problems the caller has reported.
 */
export function checkShape(
  source: YamlSource,
  schema: JsonSchema,
  value: unknown,
  basePath: Path,
  diags: Diagnostics,
  what: string,
  explained: ReadonlySet<string> = new Set(),
): boolean {
  const fn = validatorFor(schema);
  if (fn(value)) return true;
  for (const e of pickErrors(fn.errors ?? [])) {
    const rel = pointerToPath(e.instancePath);
    // A caller that has already reported a clearer message for this value (or one around it).
    if (rel.some((_, i) => explained.has(rel.slice(0, i + 1).join('.')))) continue;
    // An unset ${VAR} left this value empty; that is reported once, where it is written.
    if (source.unsetEnvPaths.has(pointer([...basePath, ...rel]))) continue;
    const at = [...basePath, ...rel];
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required': {
        // Point at the key that owns the incomplete object (`jetstream:`), not its first child.
        diags.error(source.file, source.locate(at, 'key'), 'schema', `${what}: missing required property '${String(params.missingProperty)}'`);
        break;
      }
      case 'additionalProperties': {
        const prop = String(params.additionalProperty);
        const known = Object.keys(propertiesAt(schema, e.schemaPath) ?? {});
        const hint = suggest(prop, known);
        const tail = hint ? ` (did you mean '${hint}'?)` : known.length > 0 ? ` (allowed: ${known.join(', ')})` : '';
        diags.error(source.file, source.locate([...at, prop], 'key'), 'schema', `${what}: unknown property '${prop}'${tail}`);
        break;
      }
      default: {
        const where = rel.length > 0 ? `'${rel.join('.')}' ` : '';
        diags.error(source.file, source.locate(at), 'schema', `${what}: ${where}${messageOf(e)}`);
      }
    }
  }
  return false;
}

function messageOf(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
    case 'pattern':
      return `must match ${String(params.pattern)}`;
    case 'oneOf':
    case 'anyOf':
      return 'does not match any of the allowed forms';
    default:
      return e.message ?? e.keyword;
  }
}

function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The `properties` of the schema node an additionalProperties error came from. */
function propertiesAt(schema: JsonSchema, schemaPath: string): Record<string, unknown> | undefined {
  const parts = pointerToPath(schemaPath.replace(/^#/, '')).slice(0, -1);
  let node: unknown = schema;
  for (const p of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  if (node && typeof node === 'object' && 'properties' in node) return (node as { properties: Record<string, unknown> }).properties;
  return undefined;
}

