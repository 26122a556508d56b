/**
 * Lint of a generated pipeline whose `headers` step has thousands of keys: the time per key
 * should stay flat as the map grows (it grew with the map's size when keys were looked up and
 * checked for duplicates by scanning the map).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintProject } from '../../runtime/lint/lint.ts';
import { fmt, ms, table } from './stats.ts';

export interface LintRow {
  readonly keys: number;
  readonly ms: number;
  readonly usPerKey: number;
  readonly errors: number;
}

function project(keys: number): string {
  const root = mkdtempSync(join(tmpdir(), 'crossdock-bench-lint-'));
  mkdirSync(join(root, 'pipelines'));
  writeFileSync(join(root, 'pipelines/streams.yaml'), 'streams:\n  IN:\n    subjects: [in.>]\n  OUT:\n    subjects: [out.>]\n  DLQ:\n    subjects: [dlq.>]\n');
  const headers = Array.from({ length: keys }, (_, i) => `      X-H${i}: id`).join('\n');
  writeFileSync(
    join(root, 'pipelines/p.yaml'),
    `pipeline: p\ndescription: Many headers.\nowner: team\ninput:\n  jetstream: { stream: IN, subject: in.x }\noutputs:\n  o: { jetstream: { subject: "'out.x'", id: "'x:' & id" } }\nsteps:\n  - headers:\n${headers}\n`,
  );
  return root;
}

export async function benchLint(options: { quick: boolean }): Promise<LintRow[]> {
  const sizes = options.quick ? [1_000, 2_000, 4_000] : [5_000, 10_000, 20_000];
  const rows: LintRow[] = [];
  const cwd = process.cwd();
  // A first small run loads and warms the compiler, so the first measured size is not charged for it.
  for (const keys of [500, ...sizes]) {
    const root = project(keys);
    process.chdir(root);
    try {
      const started = performance.now();
      const report = await lintProject('pipelines', { env: () => undefined });
      const elapsed = performance.now() - started;
      if (keys !== 500) rows.push({ keys, ms: elapsed, usPerKey: (elapsed * 1000) / keys, errors: report.errorCount });
    } finally {
      process.chdir(cwd);
      rmSync(root, { recursive: true, force: true });
    }
  }
  return rows;
}

export function lintText(rows: readonly LintRow[]): string {
  const first = rows[0];
  const last = rows[rows.length - 1];
  return [
    'Lint of one pipeline with a headers step of N keys (in-process, after a warm-up run)',
    table(['keys', 'lint', 'µs/key', 'errors'], rows.map((r) => [fmt(r.keys), ms(r.ms), fmt(r.usPerKey), fmt(r.errors)])),
    first && last ? `per-key cost, largest/smallest: ${(last.usPerKey / first.usPerKey).toFixed(2)} (1.00 is linear)` : '',
  ].join('\n');
}
