/**
 * Every example in the generated component reference is pasted into a minimal pipeline and
 * linted: a reader who copies one from the README must get a valid pipeline (issue 12 — the
 * output examples once came out with the kind level with the output name).
 */
import { afterAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { registry } from '../../runtime/components/registry.ts';
import { componentReference } from '../../runtime/docs/reference.ts';
import { lintProject } from '../../runtime/lint/lint.ts';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { removeProjects, writeProject } from '../lint/helpers.ts';
import { REPO, repoFile } from '../support/project.ts';
import { cpSync } from 'node:fs';
import { join } from 'node:path';

afterAll(removeProjects);

/** The body of every ```yaml fence in the generated reference, in order. */
function examples(): string[] {
  return [...componentReference(registry).matchAll(/```yaml\n([\s\S]*?)\n```/g)].map((m) => m[1] as string);
}

/** The example's top-level slot replaces the same slot of an otherwise valid pipeline. */
function pipelineWith(fragment: Record<string, unknown>): string {
  const base: Record<string, unknown> = {
    pipeline: 'example',
    description: 'A pipeline around one reference example.',
    owner: 'docs',
    input: { jetstream: { stream: 'CHANNELS', subject: 'channel.example' } },
    // `review` and `erp` are the outputs the route example sends to.
    outputs: { erp: { jetstream: { subject: "'erp.example'" } }, review: { jetstream: { subject: "'erp.review'" } } },
  };
  const merged = { ...base, ...fragment };
  if ('outputs' in fragment) merged.outputs = { ...(base.outputs as object), ...(fragment.outputs as object) };
  return stringify(merged);
}

const ENV: Readonly<Record<string, string>> = {
  SHOPIFY_WEBHOOK_SECRET: 'secret',
  ERP_URL: 'http://erp.invalid',
  ERP_TOKEN: 'token',
  EDI_SENDER_ID: 'SENDER',
};

it('the generated reference has an example for most kinds', () => {
  expect(examples().length).toBeGreaterThanOrEqual(registry.inputs.size + registry.outputs.size);
});

/** `outputs: file:` and the like: the slot and the kind line (outputs have the name `erp:` between). */
function label(example: string): string {
  const lines = example.split('\n');
  return `${lines[0] ?? ''} ${(lines[0] === 'outputs:' ? lines[2] : lines[1])?.trim() ?? ''}`;
}

it.each(examples().map((e) => [label(e), e] as const))('example `%s` lints clean in a pipeline', async (_name, example) => {
  const fragment = parse(example) as Record<string, unknown>;
  expect(Object.keys(fragment)).toHaveLength(1);
  const root = writeProject({
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
    'pipelines/availability.yaml': repoFile('pipelines/availability.yaml'),
    'pipelines/example.yaml': pipelineWith(fragment),
  }, 'docs-example');
  cpSync(join(REPO, 'mappings'), join(root, 'mappings'), { recursive: true });
  cpSync(join(REPO, 'schemas'), join(root, 'schemas'), { recursive: true });
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const report = await lintProject('pipelines', { env: (k) => ENV[k] });
    expect(report.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  } finally {
    process.chdir(cwd);
  }
});
