/**
 * Every lint rule, with the exact diagnostics (file:line:col) it must produce. The cases are
 * in cases.ts; each is the clean base project with a few files replaced.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BASE, CASES } from './cases.ts';
import { lintLines, removeProjects, writeProject } from './helpers.ts';
import { RULES } from '../../runtime/lint/lint.ts';

afterAll(removeProjects);

describe('lint rules', () => {
  it('the base project is clean', async () => {
    expect(await lintLines(writeProject(BASE))).toEqual([]);
  });

  it('every rule has at least one case', () => {
    for (const rule of RULES) expect(CASES.some((c) => c.rule === rule.name), rule.name).toBe(true);
  });

  it.each(CASES.map((c) => [`${c.rule}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    expect(await lintLines(writeProject({ ...BASE, ...c.files }))).toEqual(c.expected);
  });
});
