/**
 * The flow (who produces and consumes what, and which outside systems each pipeline touches)
 * is built from what each component's spec declares, not from knowledge of particular kinds:
 * a kind that declares a footprint is drawn without lint, graph or plan changing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadProject } from '../../runtime/compile/project.ts';
import { buildFlow } from '../../runtime/graph/flow.ts';
import { registry } from '../../runtime/components/registry.ts';
import type { Footprint, StepSpec } from '../../runtime/components/types.ts';
import { BASE } from '../compile/broken-cases.ts';
import { removeProjects, writeProject } from '../lint/helpers.ts';

afterEach(removeProjects);

const withSteps = (steps: string): Record<string, string> => ({
  ...BASE,
  'pipelines/orders.yaml': (BASE['pipelines/orders.yaml'] as string).replace('steps:\n', `steps:\n${steps}`),
});

describe('the flow asks the component specs', () => {
  it('lists an http step as a call to its URL as written, with the variable unresolved', () => {
    const root = writeProject(withSteps(`  - http: { name: erp, url: "\${ERP_URL}" }\n`));
    const project = loadProject(join(root, 'pipelines'), { env: (name) => (name === 'ERP_URL' ? 'http://user:secret@erp.internal' : undefined) });
    expect(project.diagnostics.errorCount).toBe(0);
    expect(buildFlow(project).edges).toEqual([{ pipeline: 'orders', kind: 'http-call', label: '${ERP_URL}', name: 'erp' }]);
  });

  it("takes an output's subjects and a pipeline's consumer from the specs", () => {
    const root = writeProject(BASE);
    const flow = buildFlow(loadProject(join(root, 'pipelines')));
    expect(flow.producers.filter((p) => p.role === 'output').map((p) => ({ output: p.output, path: p.path, patterns: p.patterns }))).toEqual([
      { output: 'erp', path: ['outputs', 'erp', 'jetstream', 'subject'], patterns: ['erp.orders'] },
    ]);
    expect(flow.consumers).toEqual([{ kind: 'pipeline', pipeline: 'orders', file: expect.stringMatching(/pipelines\/orders\.yaml$/), stream: 'CHANNELS', subjects: ['channel.orders'], durable: 'orders', deliver: 'all' }]);
  });

  describe('a kind that declares a footprint', () => {
    const validate = registry.steps.get('validate') as StepSpec<unknown>;
    afterEach(() => {
      delete (validate as { footprint?: unknown }).footprint;
    });

    it('is drawn without the flow knowing the kind', () => {
      // A stand-in for a new step kind that looks something up in an outside system.
      (validate as { footprint?: (config: unknown) => Footprint }).footprint = () => ({ systems: [{ kind: 'http-call', label: 'https://registry.example/schemas', name: 'schemas' }] });
      const root = writeProject(BASE);
      expect(buildFlow(loadProject(join(root, 'pipelines'))).edges).toEqual([{ pipeline: 'orders', kind: 'http-call', label: 'https://registry.example/schemas', name: 'schemas' }]);
    });
  });
});
