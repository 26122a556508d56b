/**
 * `--watch` (cli/watch-files.ts): a save is a change whenever it lands after the run before it
 * read the file — also during the very first run, before any watcher had looked at the file
 * (fs.watchFile took its first look after that run, so such a save became its baseline and the
 * watch sat waiting for a change that had already happened).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/nats.ts';
import { watchFiles } from '../../runtime/cli/watch-files.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('watchFiles', () => {
  it('runs again for a save made while the first run was running, and stops on SIGINT', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const file = join(tempDir('watch'), 'mapping.jsonata');
    writeFileSync(file, '{ "n": 1 }\n');
    let runs = 0;
    const watching = watchFiles([file], async () => {
      runs++;
      // An editor saving while the first run evaluates.
      if (runs === 1) writeFileSync(file, '{ "n": 2, "more": true }\n');
    });
    const deadline = Date.now() + 5000;
    while (runs < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(2);
    process.emit('SIGINT');
    expect(await watching).toBe(0);
  });

  it('runs again for each later save, once each', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const file = join(tempDir('watch'), 'input.json');
    writeFileSync(file, '{}');
    let runs = 0;
    const watching = watchFiles([file], async () => void runs++);
    const until = async (n: number): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (runs < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    await until(1);
    writeFileSync(file, '{"a":1}');
    await until(2);
    writeFileSync(file, '{"a":12}');
    await until(3);
    // Nothing saved: no more runs.
    await new Promise((r) => setTimeout(r, 600));
    expect(runs).toBe(3);
    process.emit('SIGINT');
    expect(await watching).toBe(0);
  });
});
