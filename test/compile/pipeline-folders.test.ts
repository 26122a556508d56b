/**
 * Where pipelines go, as README.md ("Writing pipelines") says: `pipelines/<area>/<name>.yaml`.
 * The project loader finds YAML files in sub-folders at any depth, skips names starting with
 * `.`, knows a pipeline by its `pipeline:` key, and refuses one name in two areas.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../runtime/compile/project.ts';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { tempDir } from '../support/nats.ts';
import { REPO } from '../support/project.ts';
import { BASE } from './broken-cases.ts';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const ORDERS = BASE['pipelines/orders.yaml'] as string;
const renamed = (name: string): string => ORDERS.replace('pipeline: orders', `pipeline: ${name}`).replace('subject: channel.orders', `subject: channel.${name}`);

function load(files: Readonly<Record<string, string>>): { names: string[]; errors: string[] } {
  const root = tempDir('folders');
  roots.push(root);
  const all: Record<string, string> = { ...BASE, ...files };
  delete all['pipelines/orders.yaml'];
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const project = loadProject('pipelines', { env: () => undefined });
    return { names: project.pipelines.map((p) => p.name).sort(), errors: project.diagnostics.sorted().filter((d) => d.severity === 'error').map(formatDiagnostic) };
  } finally {
    process.chdir(cwd);
  }
}

describe('pipelines in area folders', () => {
  it('finds pipelines in sub-folders at any depth and skips folders whose name starts with a dot', () => {
    const { names, errors } = load({
      'pipelines/orders/web-orders.yaml': renamed('web-orders'),
      'pipelines/warehouse/east/deep/receipts.yml': renamed('receipts'),
      'pipelines/.drafts/half-written.yaml': 'pipeline: [not, finished',
    });
    expect(errors).toEqual([]);
    expect(names).toEqual(['receipts', 'web-orders']);
  });

  it('knows a pipeline by its pipeline: key, so one name in two areas is an error at file:line:col', () => {
    const { errors } = load({
      'pipelines/orders/sync.yaml': renamed('sync'),
      'pipelines/supply/sync.yaml': renamed('sync').replace('subject: channel.sync', 'subject: channel.sync2'),
    });
    expect(errors).toEqual([expect.stringMatching(/^pipelines\/supply\/sync\.yaml:1:11: duplicate pipeline name 'sync' \(also in pipelines\/orders\/sync\.yaml:1\)/)]);
  });

  it('the README says where a new pipeline goes, names areas that exist, and its modeline resolves from there', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Writing pipelines'), readme.indexOf('### Edges'));
    expect(section).toContain('`pipelines/<area>/<name>.yaml`');
    for (const area of ['edges', 'orders', 'supply', 'warehouse', 'returns', 'finance']) {
      expect(section).toContain(`\`${area}\``);
      expect(existsSync(join(REPO, 'pipelines', area)), area).toBe(true);
    }
    const modeline = /# yaml-language-server: \$schema=(\S+)/.exec(section)?.[1] ?? '';
    expect(existsSync(join(REPO, 'pipelines', 'orders', modeline)), modeline).toBe(true);
  });
});
