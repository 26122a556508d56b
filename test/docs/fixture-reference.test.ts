/**
 * The README's reference of the fixture-test format (issue 12: there was none): it names every
 * field the schema allows, and its example is a real, passing test of a shipped pipeline.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../runtime/compile/project.ts';
import { Diagnostics, formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { parseYamlSource } from '../../runtime/config/yaml-source.ts';
import { runFixtureFile } from '../../runtime/fixture-tests/fixtures.ts';
import { REPO } from '../support/project.ts';

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### Fixture tests'), readme.indexOf('### Component reference'));

interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
}

function fieldNames(node: SchemaNode): string[] {
  const own = Object.entries(node.properties ?? {}).flatMap(([k, v]) => [k, ...fieldNames(v)]);
  const items = node.items ? fieldNames(node.items) : [];
  const extra = typeof node.additionalProperties === 'object' ? fieldNames(node.additionalProperties) : [];
  return [...new Set([...own, ...items, ...extra])];
}

describe('README fixture-test reference', () => {
  it('names every field of schemas/crossdock/pipeline-test.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(REPO, 'schemas/crossdock/pipeline-test.schema.json'), 'utf8')) as SchemaNode;
    const named = new Set([...section.matchAll(/`([^`]+)`/g)].flatMap((m) => (m[1] as string).split(/[^\w]+/)));
    const fields = fieldNames(schema);
    expect(fields).toContain('bodyFile');
    expect(fields.filter((f) => !named.has(f))).toEqual([]);
  });

  it('its example passes against the shipped pipeline', async () => {
    const example = /```yaml\n# (pipelines\/\S+\.test\.yaml)\n([\s\S]*?)```/.exec(section);
    expect(example).not.toBeNull();
    const [, file, text] = example as RegExpExecArray;
    const cwd = process.cwd();
    process.chdir(REPO);
    try {
      const project = loadProject('pipelines', { only: ['shopify-fulfillments'] });
      const diags = new Diagnostics();
      const source = parseYamlSource(file as string, text as string, diags, () => undefined);
      const results = source ? await runFixtureFile(source, project, diags) : [];
      expect(diags.sorted().map(formatDiagnostic)).toEqual([]);
      expect(results.map((r) => [r.name, r.problems])).toEqual([
        ['shipped lines are fulfilled in Shopify with the tracking number', []],
        ['a shipment whose lines lost their Shopify line ids is dead-lettered', []],
      ]);
    } finally {
      process.chdir(cwd);
    }
  });
});
