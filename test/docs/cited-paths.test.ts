/**
 * Documents and files the README and the code point readers at must exist (issue 12: the code
 * cited README-notes.md and domain/ATP.md, neither of which was ever in the repository).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { REPO } from '../support/project.ts';

/** Repository files, relative, without dependencies, VCS data and local state (dot folders). */
function repoFiles(dir = REPO): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.') || e.name === 'node_modules') return [];
    const abs = join(dir, e.name);
    return e.isDirectory() ? repoFiles(abs) : [relative(REPO, abs)];
  });
}

const TOP = /^(runtime|pipelines|schemas|mappings|test|domain|docs)\//;

/** Backticked repository paths in Markdown; placeholders and globs (`<area>`, `*`) are patterns, not paths. */
export function citedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => (m[1] as string).trim().replace(/^\.\//, ''));
  return [...new Set(spans.filter((s) => (TOP.test(s) || /^[\w./-]+\.md$/.test(s)) && !/[<>*{}\s]|\.\.\./.test(s)))];
}

/** `*.md` names cited in a text file: a path (relative to the repo or to the file), or a bare name. */
export function citedDocuments(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w/.-])((?:[\w.-]+\/)*[\w-]+\.md)\b/g)].map((m) => m[1] as string))];
}

describe('cited paths exist', () => {
  const files = repoFiles();
  const names = new Set(files.map((f) => basename(f)));

  it('finds the paths the README cites (the check sees them at all)', () => {
    expect(citedPaths(readFileSync(join(REPO, 'README.md'), 'utf8'))).toContain('pipelines/streams.yaml');
    expect(citedPaths('see `runtime/x.ts`, `pipelines/<area>/`, `schemas/*.json`')).toEqual(['runtime/x.ts']);
    expect(citedDocuments('see domain/ATP.md and README-notes.md.')).toEqual(['domain/ATP.md', 'README-notes.md']);
  });

  it('every repository path cited in README.md and the pages of docs/ exists, and every page they link to', () => {
    const pages = ['README.md', ...files.filter((f) => f.startsWith('docs/') && f.endsWith('.md'))];
    expect(pages).toContain('docs/availability.md');
    const missing = pages.flatMap((page) => {
      const text = readFileSync(join(REPO, page), 'utf8');
      const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] as string).filter((l) => !/^[a-z]+:/.test(l));
      return [
        ...citedPaths(text).filter((p) => !existsSync(join(REPO, p))),
        ...links.filter((l) => !existsSync(join(REPO, dirname(page), l))),
      ].map((p) => `${page}: ${p}`);
    });
    expect(missing).toEqual([]);
  });

  it('every document the code, pipelines and tests cite exists', () => {
    const self = 'test/docs/cited-paths.test.ts'; // it names the missing documents as examples
    const sources = files.filter((f) => f !== self && /^(runtime|pipelines|schemas|mappings|test)\//.test(f) && /\.(ts|mjs|yaml|json|jsonata|md)$/.test(f));
    const missing = sources.flatMap((f) => {
      const text = readFileSync(join(REPO, f), 'utf8');
      return citedDocuments(text)
        .filter((doc) => (doc.includes('/') ? !existsSync(join(REPO, doc)) && !existsSync(join(REPO, dirname(f), doc)) : !names.has(doc)))
        .map((doc) => `${f}: ${doc}`);
    });
    expect(missing).toEqual([]);
  });
});

describe('the README contents line', () => {
  it('links every section of the README and every page of docs/', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const contents = readme.slice(readme.indexOf('**Contents:**'), readme.indexOf('\n## '));
    // GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens.
    const anchors = [...readme.matchAll(/^## (.+)$/gm)].map((m) => '#' + (m[1] as string).toLowerCase().replace(/[^\w\s-]/g, '').replace(/\s+/g, '-'));
    for (const a of anchors) expect(contents, a).toContain(`](${a})`);
    const pages = readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md'));
    for (const page of pages) expect(contents, page).toContain(`](docs/${page})`);
  });
});
