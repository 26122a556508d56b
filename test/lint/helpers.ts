/** Small projects written to a temporary folder, linted in-process from inside that folder. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintProject, type LintReport } from '../../runtime/lint/lint.ts';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';

const roots: string[] = [];

export function writeProject(files: Readonly<Record<string, string | null>>, prefix = 'lint'): string {
  const root = mkdtempSync(join(tmpdir(), `crossdock-${prefix}-`));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    if (text === null) continue;
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

export function removeProjects(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** Lints with the working directory at the project root, as `crossdock lint` is run. */
export async function lintAt(root: string, options: { strictCompile?: boolean } = {}): Promise<LintReport> {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    return await lintProject('pipelines', { env: () => undefined, compile: { strictCompile: options.strictCompile ?? false } });
  } finally {
    process.chdir(cwd);
  }
}

export async function lintLines(root: string): Promise<string[]> {
  return (await lintAt(root)).diagnostics.map(formatDiagnostic);
}
