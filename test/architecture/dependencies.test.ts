/**
 * Dependencies point one way (issue 13): no import cycle among runtime/'s modules, and each
 * folder of runtime/ a layer that imports only the layers below it (LAYERS, lowest first).
 * A new upward import fails here with the file and the import that broke the order.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import madge from 'madge';
import { REPO } from '../support/project.ts';
import { LAYERS } from './layers.ts';

const RUNTIME = join(REPO, 'runtime');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = join(dir, e.name);
    if (e.isDirectory()) return sources(abs);
    return /\.(ts|mjs)$/.test(e.name) ? [abs] : [];
  });
}

/** The top folder of runtime/ a path lies in, or undefined outside runtime/. */
function folderOf(abs: string): string | undefined {
  const rel = relative(RUNTIME, abs);
  return rel.startsWith('..') ? undefined : rel.split(sep)[0];
}

export interface LayerViolation {
  readonly file: string;
  readonly specifier: string;
  readonly problem: string;
}

/**
 * Every relative import (static, type-only, re-export or dynamic) that leaves its folder for a
 * folder not below it in `layers`, leaves runtime/, or comes from a folder `layers` lacks.
 */
export function layerViolations(files: readonly { readonly path: string; readonly text: string }[], layers: readonly string[]): LayerViolation[] {
  const rank = new Map(layers.map((name, i) => [name, i]));
  const out: LayerViolation[] = [];
  for (const { path, text } of files) {
    const file = relative(REPO, path);
    const from = folderOf(path) as string;
    const fromRank = rank.get(from);
    if (fromRank === undefined) {
      out.push({ file, specifier: '', problem: `runtime/${from} is not in the layer order (test/architecture/layers.ts): add it where it belongs` });
      continue;
    }
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = folderOf(resolve(dirname(path), fileName));
      if (to === from) continue;
      if (to === undefined) {
        out.push({ file, specifier: fileName, problem: 'imports from outside runtime/' });
        continue;
      }
      const toRank = rank.get(to);
      if (toRank === undefined || toRank > fromRank) {
        out.push({ file, specifier: fileName, problem: `${from} may not import ${to}: ${to} is ${toRank === undefined ? 'not in the layer order' : 'above it'} (layers, lowest first: ${layers.join(' → ')})` });
      }
    }
  }
  return out;
}

describe('runtime dependencies', () => {
  it('have no import cycle (madge, type imports included)', async () => {
    const result = await madge(RUNTIME, { fileExtensions: ['ts'], tsConfig: join(REPO, 'tsconfig.json') });
    // The scan saw the sources (an empty graph has no cycles either).
    expect(Object.keys(result.obj()).length).toBeGreaterThan(150);
    expect(result.circular().map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('point down the layers: each folder of runtime/ imports only folders below it', () => {
    const files = sources(RUNTIME).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    const folders = new Set(files.map((f) => folderOf(f.path) as string));
    expect([...folders].sort()).toEqual([...LAYERS].sort());
    expect(layerViolations(files, LAYERS).map((v) => `${v.file} imports '${v.specifier}': ${v.problem}`)).toEqual([]);
  });

  it('report an upward import with its file and specifier', () => {
    const file = { path: join(RUNTIME, 'config', 'x.ts'), text: "import type { A } from '../engine/a.ts';\nimport { b } from './b.ts';\nconst c = await import('../cli/c.ts');" };
    expect(layerViolations([file], LAYERS).map((v) => [v.file, v.specifier])).toEqual([
      ['runtime/config/x.ts', '../engine/a.ts'],
      ['runtime/config/x.ts', '../cli/c.ts'],
    ]);
    expect(layerViolations([{ path: join(RUNTIME, 'cli', 'x.ts'), text: "import { a } from '../config/a.ts';" }], LAYERS)).toEqual([]);
    expect(layerViolations([{ path: join(RUNTIME, 'demo', 'x.ts'), text: "import { a } from '../../test/fixtures/a.ts';" }], LAYERS)[0]?.problem).toBe('imports from outside runtime/');
  });

  it('are the layer order the README gives', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('Layers, lowest first'));
    expect(line, 'README.md: a line starting "Layers, lowest first" in Project layout').toBeDefined();
    expect([...(line as string).matchAll(/`([a-z-]+)`/g)].map((m) => m[1])).toEqual(LAYERS);
  });
});
