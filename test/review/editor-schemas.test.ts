/**
 * Editor support: completion in VS Code (yaml-language-server) shows each field's description
 * and examples, so every field of the pipeline and streams schemas must carry both.
 */
import { describe, expect, it } from 'vitest';
import { specSchemaFiles } from '../../runtime/compile/spec-schema-files.ts';

type Node = Record<string, unknown>;

function undocumented(schema: unknown): string[] {
  const missing: string[] = [];
  const walk = (s: unknown, path: string): void => {
    if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (typeof s !== 'object' || s === null) return;
    const n = s as Node;
    for (const [name, value] of Object.entries((n.properties ?? {}) as Record<string, Node>)) {
      const at = `${path}.${name}`;
      if (typeof value.description !== 'string' || value.description.length < 8) missing.push(`${at}: description`);
      const branches = [...((value.oneOf ?? []) as Node[]), ...((value.anyOf ?? []) as Node[])];
      if (!Array.isArray(value.examples) && !branches.some((b) => Array.isArray(b.examples))) missing.push(`${at}: examples`);
      walk(value, at);
    }
    for (const key of ['items', 'additionalProperties', 'oneOf', 'anyOf']) walk(n[key], `${path}/${key}`);
  };
  walk(schema, '');
  return missing;
}

describe('editor schemas', () => {
  for (const file of ['crossdock/pipeline.schema.json', 'crossdock/streams.schema.json']) {
    it(`${file}: every field has a description and examples`, () => {
      expect(undocumented(JSON.parse(specSchemaFiles()[file] as string))).toEqual([]);
    });
  }

  it('examples of the input, step and output slots come from the registry, written as the slot takes them', () => {
    const schema = JSON.parse(specSchemaFiles()['crossdock/pipeline.schema.json'] as string) as { properties: { input: { examples: Node[] }; outputs: { additionalProperties: { examples: Node[] } } } };
    expect(schema.properties.input.examples.map((e) => Object.keys(e)[0])).toEqual(['jetstream', 'http', 'files']);
    expect(schema.properties.outputs.additionalProperties.examples.map((e) => Object.keys(e)[0])).toEqual(['jetstream', 'file']);
  });
});
