/**
 * The Node versions the README states (Prerequisites) against what is declared and what runs:
 * its minimum is package.json's `engines`, the running Node meets it, and @nats-io/nuid (whose
 * own `engines` asks for Node 22) generates ids here with the crypto source it prefers.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from '../support/project.ts';

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const prerequisites = readme.slice(readme.indexOf('## Prerequisites'), readme.indexOf('\n## ', readme.indexOf('## Prerequisites') + 1));
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
const require = createRequire(join(REPO, 'package.json'));

const version = (v: string): number[] => v.replace(/^v/, '').split('.').map(Number);
const atLeast = (v: number[], min: number[]): boolean => {
  for (let i = 0; i < 3; i++) if ((v[i] ?? 0) !== (min[i] ?? 0)) return (v[i] ?? 0) > (min[i] ?? 0);
  return true;
};

describe('the Node version', () => {
  it("the README's minimum is package.json engines, and the running Node meets it", () => {
    const stated = /Node\.js (\d+\.\d+) or later/.exec(prerequisites)?.[1];
    expect(stated, 'README Prerequisites names a minimum').toBeDefined();
    expect(pkg.engines.node).toBe(`>=${stated}`);
    expect(atLeast(version(process.version), version(stated as string)), process.version).toBe(true);
  });

  it("@nats-io/nuid, whose engines field asks for Node 22, makes ids on this Node from crypto randomness", async () => {
    const nuidPkg = JSON.parse(readFileSync(require.resolve('@nats-io/nuid/package.json'), 'utf8')) as { engines: { node: string } };
    // The README explains this field; if nuid changes it, the README's note needs another look.
    expect(nuidPkg.engines.node).toBe('>= 22.x');
    expect(prerequisites).toContain('`@nats-io/nuid`');
    // Its prefix comes from globalThis.crypto.getRandomValues when present (else Math.random).
    expect(typeof globalThis.crypto?.getRandomValues).toBe('function');
    const { Nuid } = (await import('@nats-io/nuid')) as { Nuid: new () => { next(): string } };
    const a = new Nuid();
    const b = new Nuid();
    const ids = Array.from({ length: 1000 }, () => a.next());
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(new Set([...ids, b.next()]).size).toBe(1001);
    expect(b.next().slice(0, 12)).not.toBe(ids[0]!.slice(0, 12)); // separate generators: separate random prefixes
  });
});
