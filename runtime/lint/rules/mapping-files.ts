/**
 * Every `.jsonata` file under mappings/ parses, including the ones no pipeline uses yet (they
 * are about to be used, or they are dead code someone will copy). A mapping no pipeline
 * refers to is a warning.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep, normalize } from 'node:path';
import { compileExpression, ExpressionError } from '../../expressions/jsonata.ts';
import { positionAt } from '../../config/diagnostics.ts';
import { displayPath, errorOffset } from '../../compile/resources.ts';
import { allPipelinesCompiled, type LintRule } from '../rule.ts';

export const mappingFilesRule: LintRule = {
  name: 'mapping-files',
  summary: 'every mapping under mappings/ parses (errors at line and column in the .jsonata file); unused mappings are warnings (when every pipeline compiled)',
  codes: ['jsonata-syntax', 'unused-mapping'],
  check({ project, diags }) {
    const root = project.resources.layout.mappingsDir;
    const reportUnused = allPipelinesCompiled(project);
    const used = new Set([...project.resources.usedMappings].map((m) => toPosix(normalize(m))));
    for (const rel of listFiles(root, '.jsonata')) {
      if (used.has(rel)) continue; // compiled with its pipeline; problems already reported there
      const abs = join(root, rel);
      const file = displayPath(abs);
      const text = readFileSync(abs, 'utf8');
      try {
        compileExpression(text, project.resources.compileOptions);
      } catch (err) {
        const e = err instanceof ExpressionError ? err : new ExpressionError('E0000', String(err));
        diags.error(file, positionAt(text, errorOffset(e, text.length)), 'jsonata-syntax', `JSONata ${e.code}: ${e.message}`);
      }
      if (reportUnused) diags.warn(file, { line: 1, col: 1 }, 'unused-mapping', 'mapping is not used by any pipeline');
    }
  },
};

/** Files under `root` ending in `ext`, relative, with forward slashes, sorted. */
export function listFiles(root: string, ext: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (name.endsWith(ext)) out.push(toPosix(relative(root, abs)));
    }
  };
  walk(root);
  return out;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}
