/**
 * Every JSON Schema under schemas/ compiles, not only the ones a pipeline validates against
 * today. A schema nothing refers to (no validate step, no `$ref` from a used schema, not read
 * by the availability view) is a warning. schemas/crossdock/ holds the generated editor
 * schemas, which are used by editors, not pipelines.
 */
import { readFileSync } from 'node:fs';
import { join, normalize, posix, sep } from 'node:path';
import { displayPath } from '../../compile/resources.ts';
import { SUBJECTS, schemaFor } from '../../availability/events.ts';
import type { Project } from '../../compile/project.ts';
import { allPipelinesCompiled, type LintRule } from '../rule.ts';

const EDITOR_SCHEMAS = 'crossdock/';

export const schemaFilesRule: LintRule = {
  name: 'schema-files',
  summary: 'every JSON Schema under schemas/ compiles; schemas nothing uses are warnings (when every pipeline compiled)',
  codes: ['schema-compile', 'unused-schema'],
  check({ project, diags }) {
    const catalog = project.resources.schemas;
    const root = project.resources.layout.schemasDir;
    const used = usedSchemas(project);
    const reportUnused = allPipelinesCompiled(project);
    for (const rel of catalog.files()) {
      if (rel.startsWith(EDITOR_SCHEMAS)) continue;
      const got = catalog.get(rel);
      const file = displayPath(join(root, rel));
      if (!('validate' in got)) diags.error(file, got.position, 'schema-compile', got.message);
      if (reportUnused && !used.has(rel)) diags.warn(file, { line: 1, col: 1 }, 'unused-schema', 'schema is not used by any pipeline (no validate step, no $ref from a used schema)');
    }
  },
};

/** Schemas a pipeline validates against, the availability view reads, and everything they `$ref`. */
export function usedSchemas(project: Project): Set<string> {
  const root = project.resources.layout.schemasDir;
  const todo = [...project.resources.usedSchemas].map((s) => normalize(s).split(sep).join('/'));
  if (project.availability) {
    // The availability view validates inventory events against canonical schemas itself.
    for (const s of Object.values(SUBJECTS)) {
      const subject = typeof s === 'string' ? s : (s as (token: string) => string)('x');
      const file = schemaFor(subject);
      if (file) todo.push(`canonical/${file}`);
    }
  }
  const used = new Set<string>();
  while (todo.length > 0) {
    const rel = todo.pop() as string;
    if (used.has(rel)) continue;
    used.add(rel);
    for (const ref of refsOf(join(root, rel))) todo.push(posix.normalize(posix.join(posix.dirname(rel), ref)));
  }
  return used;
}

/** Relative `$ref`s to other files (fragments and in-file references dropped). */
function refsOf(abs: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(abs, 'utf8'));
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string' && !x.startsWith('#') && !/^[a-z]+:/i.test(x)) out.push(x.split('#')[0] as string);
        else walk(x);
      }
    }
  };
  walk(json);
  return out.filter((r) => r !== '');
}
