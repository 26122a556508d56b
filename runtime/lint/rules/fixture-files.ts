/**
 * Fixture test files are part of the project: their shape, the pipeline they name and the
 * files they point at are checked like any other reference, before anyone runs them.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixtureFiles, fixtureDir } from '../fixture-runs.ts';
import type { LintRule } from '../rule.ts';

export const fixtureFilesRule: LintRule = {
  name: 'fixture-files',
  summary: 'fixture tests have the right shape, name a pipeline that exists, and every file they refer to exists',
  codes: ['schema', 'fixture-pipeline', 'fixture-file'],
  check({ project, diags }) {
    const declared = new Set<string>();
    for (const source of project.sources.values()) {
      const v = source.value as { pipeline?: unknown } | null;
      if (!project.testFiles.includes(source) && v && typeof v === 'object' && typeof v.pipeline === 'string') declared.add(v.pipeline);
    }
    for (const { source, doc } of fixtureFiles(project, diags)) {
      // A pipeline that exists but has errors is reported where its errors are.
      if (!declared.has(doc.pipeline)) {
        const known = [...declared].sort().join(', ') || 'none';
        diags.error(source.file, source.locate(['pipeline']), 'fixture-pipeline', `no pipeline named '${doc.pipeline}' (known: ${known})`);
      }
      const dir = fixtureDir(source);
      doc.tests.forEach((t, i) => {
        const missing = (rel: string | undefined, path: (string | number)[]): void => {
          if (rel === undefined || existsSync(resolve(dir, rel))) return;
          diags.error(source.file, source.locate(path), 'fixture-file', `file not found: ${rel} (relative to ${source.file})`);
        };
        missing(t.input.file, ['tests', i, 'input', 'file']);
        (t.expect.outputs ?? []).forEach((o, j) => missing(o.bodyFile, ['tests', i, 'expect', 'outputs', j, 'bodyFile']));
      });
    }
  },
};
