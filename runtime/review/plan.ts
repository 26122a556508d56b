/**
 * `crossdock plan`: the project at a base revision (read from git into a temporary folder;
 * the work tree, index and branches are not touched) against the work tree as it is, compiled
 * by the same runtime, compared, and written up as Markdown for a pull request.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import type { EnvLookup } from '../config/env.ts';
import { processEnv } from '../config/env.ts';
import { comparePlans } from './compare.ts';
import { defaultBase, gitTopLevel, listFiles, resolveCommit, shortCommit, writeBlobs } from './git.ts';
import { isBreaking, type PlanReport } from './plan-types.ts';
import { renderPlan } from './render-plan.ts';
import { loadSnapshot } from './snapshot.ts';

export interface PlanOptions {
  /** Where relative paths start (the CLI's working directory). */
  readonly cwd: string;
  /** The pipelines folder; mappings/ and schemas/ are beside it. */
  readonly pipelines: string;
  /** A commit, branch or tag; default: the merge base of HEAD with main. */
  readonly base?: string;
  readonly env?: EnvLookup;
}

export interface PlanResult {
  readonly report: PlanReport;
  readonly markdown: string;
  /** 0 nothing breaking, 2 something breaking, 1 the new revision does not compile. */
  readonly exitCode: 0 | 1 | 2;
}

export async function planProject(options: PlanOptions): Promise<PlanResult> {
  const pipelinesAbs = resolve(options.cwd, options.pipelines);
  const root = dirname(pipelinesAbs);
  const pipelinesRel = relative(root, pipelinesAbs);
  const top = gitTopLevel(root);
  const rootRel = toPosix(relative(top, root));
  const sha = options.base === undefined ? defaultBase(root) : resolveCommit(root, options.base);
  const env = options.env ?? processEnv;
  const tmp = mkdtempSync(join(tmpdir(), 'crossdock-plan-'));
  try {
    extractRevision(top, sha, rootRel, pipelinesRel, tmp);
    const base = await loadSnapshot(join(tmp, rootRel), pipelinesRel, shortCommit(root, sha), env);
    const head = await loadSnapshot(root, pipelinesRel, 'working tree', env);
    const report = comparePlans(base, head);
    const exitCode = head.errors.length > 0 ? 1 : isBreaking(report) ? 2 : 0;
    return { report, markdown: renderPlan(report), exitCode };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The project folders at `sha`, and the fixture files its tests refer to wherever they live
 * in the repository (test/fixtures/…), written under `dest` with the repository's layout.
 */
function extractRevision(top: string, sha: string, rootRel: string, pipelinesRel: string, dest: string): void {
  const under = (d: string): string => (rootRel ? posix.join(rootRel, d) : d);
  const pipelinesDir = under(toPosix(pipelinesRel));
  writeBlobs(top, listFiles(top, sha, [pipelinesDir, under('mappings'), under('schemas')]), dest);
  const referenced = new Set<string>();
  for (const f of listFiles(top, sha, [pipelinesDir])) {
    if (!/\.test\.ya?ml$/.test(f.path)) continue;
    let doc: unknown;
    try {
      doc = parse(readFileSync(join(dest, f.path), 'utf8'));
    } catch {
      continue;
    }
    const tests = (doc as { tests?: unknown } | null)?.tests;
    if (!Array.isArray(tests)) continue;
    const dir = posix.dirname(f.path);
    const add = (p: unknown): void => {
      if (typeof p !== 'string') return;
      const path = posix.normalize(posix.join(dir, p));
      if (!path.startsWith('..')) referenced.add(path);
    };
    for (const t of tests as { input?: { file?: unknown }; expect?: { outputs?: { bodyFile?: unknown }[] } }[]) {
      add(t.input?.file);
      for (const o of t.expect?.outputs ?? []) add(o.bodyFile);
    }
  }
  writeBlobs(top, listFiles(top, sha, [...referenced]), dest);
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}
