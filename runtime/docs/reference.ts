/**
 * The component reference in Markdown, generated from the registry: each input, step and
 * output kind with its description, options and an example. The README embeds it between
 * markers and a test keeps the two equal, so the docs cannot drift from the code.
 */
import { stringify } from 'yaml';
import type { Registry } from '../components/registry.ts';
import type { JsonSchema } from '../spec/json-schema.ts';

interface Spec {
  readonly kind: string;
  readonly summary: string;
  readonly description: string;
  readonly configSchema: JsonSchema;
  readonly examples: readonly unknown[];
}

export const BEGIN = '<!-- BEGIN GENERATED: component reference (crossdock docs) -->';
export const END = '<!-- END GENERATED: component reference -->';

export function componentReference(registry: Registry): string {
  const parts: string[] = [BEGIN, ''];
  const section = (title: string, slot: Slot, specs: Iterable<Spec>): void => {
    parts.push(`#### ${title}`, '');
    for (const s of specs) {
      parts.push(`##### \`${s.kind}\` — ${s.summary}`, '', s.description, '');
      const rows = optionRows(s.configSchema);
      if (rows.length > 0) {
        parts.push('| option | type | default | description |', '|---|---|---|---|', ...rows, '');
      } else {
        parts.push(`Configuration: ${typeName(s.configSchema)}.`, '');
      }
      if (s.configSchema.type === 'array') parts.splice(parts.length - (rows.length > 0 ? rows.length + 3 : 2), 0, 'A list; each entry:', '');
      const example = s.examples[0];
      if (example !== undefined) {
        parts.push('```yaml', stringify(exampleFragment(slot, s.kind, example), { lineWidth: 0 }).trimEnd(), '```', '');
      }
    }
  };
  section('Inputs', 'input', registry.inputs.values());
  section('Steps', 'steps', registry.steps.values());
  section('Outputs', 'outputs', registry.outputs.values());
  parts.push(END);
  return parts.join('\n');
}

function optionRows(schema: JsonSchema): string[] {
  // A list of rules (route) documents the fields of one rule.
  const target = schema.type === 'array' && schema.items?.properties ? schema.items : schema;
  const props = target.properties;
  if (!props) return [];
  return rowsOf(target, '');
}

/**
 * One row per option, then rows for the fields of an object option (or of each object form of
 * a oneOf), dotted (`auth.hmac.secret`): otherwise nested settings such as the HMAC header and
 * encoding would appear nowhere in the reference. "required" there means: when the parent is given.
 */
function rowsOf(schema: JsonSchema, prefix: string, alternative = false): string[] {
  // The key of a oneOf form (`auth.hmac`) is that form's name, not a field it needs.
  const required = new Set(alternative ? [] : schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, p]) => {
    const dflt = p.default === undefined ? (required.has(name) ? 'required' : '') : `\`${JSON.stringify(p.default)}\``;
    const row = `| \`${prefix}${name}\` | ${typeName(p)} | ${dflt} | ${(p.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`;
    const nested = p.type === 'object' && p.properties ? rowsOf(p, `${prefix}${name}.`) : [];
    const forms = (p.oneOf ?? []).filter((f) => f.type === 'object' && f.properties).flatMap((f) => rowsOf(f, `${prefix}${name}.`, true));
    return [row, ...nested, ...forms];
  });
}

function typeName(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.oneOf) return s.oneOf.map(typeName).join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeName(s.items) : 'values'}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return 'map of expressions';
  if (s.type === 'object' && s.properties) return `\`{ ${Object.keys(s.properties).join(', ')} }\``;
  if (s.pattern && s.type === 'string' && s.pattern.includes('ms|s|m|h|d')) return 'duration';
  return Array.isArray(s.type) ? s.type.join(' \\| ') : String(s.type ?? 'any');
}

export type Slot = 'input' | 'steps' | 'outputs';

/**
 * One example as the pipeline fragment a reader would paste: the whole fragment goes through
 * the YAML serializer (not hand indentation), so nesting such as `outputs: erp: jetstream:`
 * cannot come out at the wrong level. `erp` is a sample output name.
 */
export function exampleFragment(slot: Slot, kind: string, example: unknown): Record<string, unknown> {
  if (slot === 'steps') return { steps: [{ [kind]: example }] };
  if (slot === 'outputs') return { outputs: { erp: { [kind]: example } } };
  return { input: { [kind]: example } };
}
