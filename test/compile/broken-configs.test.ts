/**
 * Every user mistake is reported as `file:line:col: message`, all of a run at once. The table
 * is in broken-cases.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../runtime/compile/project.ts';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { tempDir } from '../support/nats.ts';
import { BASE, CASES } from './broken-cases.ts';
import { HINT_CASES } from './broken-cases-hints.ts';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function build(files: Readonly<Record<string, string | null>>): string {
  const root = tempDir('broken');
  roots.push(root);
  for (const [rel, text] of Object.entries({ ...BASE, ...files })) {
    if (text === null) continue;
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

function errorsOf(root: string, options: { env?: Record<string, string>; only?: readonly string[] } = {}): string[] {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const env = options.env ?? {};
    const project = loadProject('pipelines', { env: (k) => env[k], ...(options.only ? { only: options.only } : {}) });
    return project.diagnostics.sorted().filter((d) => d.severity === 'error').map(formatDiagnostic);
  } finally {
    process.chdir(cwd);
  }
}

describe('broken configurations', () => {
  it('the base project is valid', () => {
    expect(errorsOf(build({}))).toEqual([]);
  });

  it('has at least 20 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each([...CASES, ...HINT_CASES].map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const root = build(c.files);
    expect(errorsOf(root, { ...(c.env ? { env: { ...c.env } } : {}), ...(c.only ? { only: c.only } : {}) })).toEqual([...c.expected].sort());
  });

  it('reports every mistake of a run at once, across files', () => {
    const root = build(Object.assign({}, ...CASES.slice(2, 4).map((c) => ({ ...c.files, ['pipelines/' + c.name.replace(/\W+/g, '-') + '.yaml']: c.files['pipelines/orders.yaml']?.replace('pipeline: orders', `pipeline: p-${c.name.length}`) ?? '' }))));
    expect(errorsOf(root).length).toBeGreaterThanOrEqual(2);
  });
});
