/**
 * `crossdock plan` on real git repositories: a base project committed on main, each case's
 * change committed on top, and the plan of HEAD~1 against the work tree. The cases are in
 * plan-cases.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planProject } from '../../runtime/review/plan.ts';
import { BASE, CASES } from './plan-cases.ts';
import { commit, git, removeRepos, repoWith, writeFiles } from './git-repo.ts';

afterAll(removeRepos);

const env = (name: string): string | undefined => (name === 'NEVER_SET' ? undefined : undefined);

describe('crossdock plan', () => {
  it('covers at least 15 kinds of change', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const root = repoWith(BASE);
    commit(root, c.change);
    const result = await planProject({ cwd: root, pipelines: 'pipelines', base: 'HEAD~1', env });
    const r = result.report;
    expect(r.findings.map((x) => `${x.severity} ${x.kind} ${x.about}`)).toEqual(c.findings);
    expect(result.exitCode).toBe(c.exitCode);
    for (const text of c.markdown ?? []) expect(result.markdown).toContain(text);
    if (c.pipelines?.added) expect(r.pipelines.added).toEqual(c.pipelines.added);
    if (c.pipelines?.removed) expect(r.pipelines.removed).toEqual(c.pipelines.removed);
    if (c.pipelines?.changed) expect(r.pipelines.changed.map((p) => p.name)).toEqual(c.pipelines.changed);
    for (const [key, status] of Object.entries(c.behaviour ?? {})) {
      const [pipeline, test] = key.split(' › ');
      expect(r.behaviour.find((b) => b.pipeline === pipeline && b.test === test)?.status, key).toBe(status);
    }
  });

  it('compares with the merge base of main by default, and sees uncommitted changes', async () => {
    const root = repoWith(BASE);
    git(root, 'checkout', '-q', '-b', 'feature');
    commit(root, { 'pipelines/orders.yaml': (BASE['pipelines/orders.yaml'] as string).replace('durable: orders', 'durable: orders-v2') });
    writeFiles(root, { 'pipelines/streams.yaml': (BASE['pipelines/streams.yaml'] as string).replace('maxAge: 30d', 'maxAge: 1d') });
    const { report, exitCode } = await planProject({ cwd: root, pipelines: 'pipelines', env });
    expect(report.base).toBe(git(root, 'rev-parse', '--short', 'main').trim());
    expect(report.findings.map((x) => x.kind).sort()).toEqual(['durable-renamed', 'stream-limits-shrunk']);
    expect(exitCode).toBe(2);
    // The work tree and the index are as they were.
    expect(git(root, 'status', '--porcelain')).toBe(' M pipelines/streams.yaml\n');
  });

  it('reads fixture files from wherever the base revision kept them', async () => {
    const root = repoWith(BASE);
    commit(root, {
      'test/fixtures/web-order.json': null,
      'pipelines/fixtures/web-order.json': BASE['test/fixtures/web-order.json'] as string,
      'pipelines/orders.test.yaml': (BASE['pipelines/orders.test.yaml'] as string).replace('../test/fixtures/web-order.json', 'fixtures/web-order.json'),
    });
    const { report } = await planProject({ cwd: root, pipelines: 'pipelines', base: 'HEAD~1', env });
    expect(report.behaviour.map((b) => [b.test, b.status])).toEqual([['a paid web order', 'same']]);
  });

  it('an unknown base revision is an error that names it', async () => {
    const root = repoWith(BASE);
    await expect(planProject({ cwd: root, pipelines: 'pipelines', base: 'no-such-branch', env })).rejects.toThrow("no revision 'no-such-branch' in this repository");
  });
});
