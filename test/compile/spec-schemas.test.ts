/** The editor schemas in schemas/crossdock/ are generated from the registry and must not drift. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { specSchemaFiles } from '../../runtime/compile/spec-schema-files.ts';
import { registry } from '../../runtime/components/registry.ts';
import { listYamlFiles, isTestFile } from '../../runtime/compile/project.ts';
import { REPO } from '../support/project.ts';

describe('generated schemas', () => {
  for (const [rel, text] of Object.entries(specSchemaFiles())) {
    it(`schemas/${rel} matches the registry (run \`crossdock schema --write\` after changing a component)`, () => {
      expect(readFileSync(join(REPO, 'schemas', rel), 'utf8')).toBe(text);
    });
  }

  it('documents every component kind with a description and examples', () => {
    const schema = JSON.parse(specSchemaFiles()['crossdock/pipeline.schema.json'] as string) as {
      properties: { steps: { items: { anyOf: { properties: Record<string, { description?: string; examples?: unknown[] }> }[] } } };
    };
    const kinds = schema.properties.steps.items.anyOf.map((a) => Object.keys(a.properties)[0]);
    expect(kinds).toEqual([...registry.steps.keys()]);
    for (const a of schema.properties.steps.items.anyOf) {
      const cfg = Object.values(a.properties)[0]!;
      expect(cfg.description?.length).toBeGreaterThan(20);
      expect(cfg.examples?.length).toBeGreaterThan(0);
    }
  });

  it('accepts every shipped pipeline, stream file and fixture test (the editor agrees with the runner)', () => {
    const files = specSchemaFiles();
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validators = {
      pipeline: ajv.compile(JSON.parse(files['crossdock/pipeline.schema.json'] as string) as object),
      streams: ajv.compile(JSON.parse(files['crossdock/streams.schema.json'] as string) as object),
      test: ajv.compile(JSON.parse(files['crossdock/pipeline-test.schema.json'] as string) as object),
      availability: ajv.compile(JSON.parse(files['crossdock/availability.schema.json'] as string) as object),
      expectations: ajv.compile(JSON.parse(files['crossdock/expectations.schema.json'] as string) as object),
    };
    const checked: string[] = [];
    for (const file of listYamlFiles(join(REPO, 'pipelines'))) {
      const text = readFileSync(file, 'utf8');
      const doc = parse(text) as Record<string, unknown>;
      const kind = isTestFile(file) ? 'test' : 'pipeline' in doc ? 'pipeline' : 'availability' in doc ? 'availability' : 'expectations' in doc ? 'expectations' : 'streams';
      const v = validators[kind];
      expect(v(doc), `${file}: ${JSON.stringify(v.errors)}`).toBe(true);
      expect(text.split('\n')[0], `${file} has a yaml-language-server modeline`).toMatch(/^# yaml-language-server: \$schema=.*schemas\/crossdock\//);
      checked.push(kind);
    }
    expect(checked).toContain('pipeline');
    expect(checked).toContain('streams');
    expect(checked).toContain('test');
    expect(checked).toContain('expectations');
  });

  it('rejects in the editor what the runner rejects: an unknown step kind', () => {
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(JSON.parse(specSchemaFiles()['crossdock/pipeline.schema.json'] as string) as object);
    const doc = { pipeline: 'p', description: 'd', owner: 'o', input: { jetstream: { stream: 'S', subject: 's' } }, steps: [{ mapp: 'x.jsonata' }], outputs: { a: { jetstream: { subject: "'x'" } } } };
    expect(validate(doc)).toBe(false);
    doc.steps = [{ map: 'x.jsonata' } as never];
    expect(validate(doc)).toBe(true);
  });
});
