/** Throwaway git repositories: a base project committed on main, then a change committed on top. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const roots: string[] = [];

export function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Crossdock Test', '-c', 'user.email=test@crossdock.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
  }).toString('utf8');
}

export function writeFiles(root: string, files: Readonly<Record<string, string | null>>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = join(root, rel);
    if (text === null) {
      rmSync(abs, { force: true });
      continue;
    }
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, text);
  }
}

// Repositories with the same base are copies of one, .git included: three git processes fewer per case.
const templates = new Map<Readonly<Record<string, string>>, string>();

/** A repository with `base` committed on main. */
export function repoWith(base: Readonly<Record<string, string>>): string {
  let template = templates.get(base);
  if (!template) {
    template = mkdtempSync(join(tmpdir(), 'crossdock-plan-base-'));
    roots.push(template);
    git(template, 'init', '-q', '-b', 'main');
    writeFiles(template, base);
    git(template, 'add', '-A');
    git(template, 'commit', '-q', '-m', 'base');
    templates.set(base, template);
  }
  const root = mkdtempSync(join(tmpdir(), 'crossdock-plan-test-'));
  roots.push(root);
  cpSync(template, root, { recursive: true });
  return root;
}

/** Applies `files` (null deletes) and commits them. */
export function commit(root: string, files: Readonly<Record<string, string | null>>, message = 'change'): void {
  writeFiles(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', message);
}

export function removeRepos(): void {
  templates.clear();
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}
