/**
 * Reading another revision out of git without touching the work tree, the index or the
 * branches: `git ls-tree` lists the files, `git cat-file --batch` gives their contents, and
 * they are written into a temporary folder with the same layout.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

function git(cwd: string, args: readonly string[], input?: Buffer): Buffer {
  try {
    return execFileSync('git', args, { cwd, input, maxBuffer: 512 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; code?: string; message: string };
    if (e.code === 'ENOENT') throw new GitError('git is not installed (or not on the PATH)');
    const reason = e.stderr?.toString('utf8').trim().split('\n')[0] || e.message;
    throw new GitError(`git ${args.find((a) => !a.startsWith('-'))}: ${reason}`);
  }
}

export function gitTopLevel(cwd: string): string {
  return git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
}

/** The full commit id of `ref`. */
export function resolveCommit(cwd: string, ref: string): string {
  gitTopLevel(cwd); // outside a repository, git's own message says so
  try {
    return git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).toString('utf8').trim();
  } catch {
    // --quiet leaves nothing on stderr, so git's failure would read "Command failed: …".
    throw new GitError(`no revision '${ref}' in this repository: give a branch, tag or commit id that exists (git branch -a lists branches)`);
  }
}

export function shortCommit(cwd: string, sha: string): string {
  return git(cwd, ['rev-parse', '--short', sha]).toString('utf8').trim();
}

/**
 * Where the current work branched off main: the merge base of HEAD with `main`, or with
 * `origin/main` when there is no local main (CI checkouts usually have only the remote one).
 */
export function defaultBase(cwd: string): string {
  for (const candidate of ['main', 'origin/main']) {
    let target: string;
    try {
      target = resolveCommit(cwd, candidate);
    } catch {
      continue;
    }
    return git(cwd, ['merge-base', 'HEAD', target]).toString('utf8').trim();
  }
  throw new GitError("no branch 'main' or 'origin/main' to compare with: pass --base REF");
}

/** Paths of the files under `prefixes` at `commit` (relative to the top level), with their blob ids. */
export function listFiles(topLevel: string, commit: string, prefixes: readonly string[]): { path: string; blob: string }[] {
  if (prefixes.length === 0) return [];
  // Literal pathspecs: a fixture named `order[1].json` is a file name, not a pattern.
  const out = git(topLevel, ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree', commit, '--', ...prefixes]).toString('utf8');
  const files: { path: string; blob: string }[] = [];
  for (const entry of out.split('\0')) {
    if (!entry) continue;
    const [meta, path] = entry.split('\t') as [string, string];
    const [mode, type, blob] = meta.split(' ') as [string, string, string];
    // Symbolic links and submodules are not project files.
    if (type !== 'blob' || mode === '120000') continue;
    files.push({ path, blob });
  }
  return files;
}

/** Writes the given blobs into `dest` under their paths. */
export function writeBlobs(topLevel: string, files: readonly { path: string; blob: string }[], dest: string): void {
  if (files.length === 0) return;
  const out = git(topLevel, ['cat-file', '--batch'], Buffer.from(files.map((f) => f.blob).join('\n') + '\n'));
  let at = 0;
  for (const f of files) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (!Number.isFinite(size)) throw new GitError(`git cat-file: unexpected answer for ${f.path}: ${header}`);
    const content = out.subarray(eol + 1, eol + 1 + size);
    at = eol + 1 + size + 1;
    const abs = join(dest, f.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}
