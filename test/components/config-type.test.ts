/**
 * A component's configuration type is derived from its JSON Schema (ConfigOf), so the schema is
 * the one place a shape is written. These are type checks: `npm run typecheck` (tsc over test/)
 * fails when the derived type stops being the one a spec's compile function may rely on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConfigOf } from '../../runtime/components/config-type.ts';
import type { JsonSchema } from '../../runtime/config/json-schema.ts';

const call = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: '^[a-z]+$' },
    method: { type: 'string', enum: ['GET', 'POST'], default: 'POST' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    to: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
  },
  required: ['name'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type Call = ConfigOf<typeof call>;

describe('ConfigOf', () => {
  it('keeps a defaulted property optional: the compiler validates without filling defaults in', () => {
    expectTypeOf<Call>().toEqualTypeOf<{
      readonly name: string;
      readonly method?: 'GET' | 'POST';
      readonly headers?: { readonly [x: string]: string };
      readonly to?: string | readonly string[];
    }>();
  });

  it('gives a read-only configuration: compile reads the parsed YAML that lint reads after it', () => {
    const write = (c: Call): void => {
      // @ts-expect-error a compile function cannot change the configuration it was given
      c.name = 'other';
      // @ts-expect-error nor a list inside it
      if (c.to !== undefined && typeof c.to !== 'string') c.to.push('x');
    };
    expectTypeOf(write).parameter(0).toEqualTypeOf<Call>();
  });

  it('turns a oneOf of shapes into a union a spec can narrow', () => {
    const auth = {
      oneOf: [
        { type: 'string', enum: ['none'] },
        { type: 'object', properties: { apiKey: { type: 'string' } }, required: ['apiKey'], additionalProperties: false },
      ],
    } as const satisfies JsonSchema;
    expectTypeOf<ConfigOf<typeof auth>>().toEqualTypeOf<'none' | { readonly apiKey: string }>();
  });
});

describe('json-schema-to-ts', () => {
  it('is imported by runtime/ as types only, so it is a development dependency that never runs', () => {
    const root = join(import.meta.dirname, '../../runtime');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const imports = files.flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(/^(?:import|export)\b[^;]*?from\s+'json-schema-to-ts'/gm)].map((m) => ({ file: f, statement: m[0] })),
    );
    expect(imports.map((i) => i.file)).toContain(join('components', 'config-type.ts'));
    expect(imports.filter((i) => !/^(import|export) type\b/.test(i.statement))).toEqual([]);
  });
});
