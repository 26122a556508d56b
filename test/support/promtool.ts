/**
 * `promtool`, the Prometheus project's own tool: its exposition parser and linter
 * (`check metrics`) and its rules checker (`check rules`). Required like nats-server: a test
 * that skipped without it would pass without checking anything (`.ci/run` installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function promtoolPath(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  for (const p of ['/usr/bin/promtool', '/usr/local/bin/promtool']) if (existsSync(p)) return p;
  throw new Error('promtool not found: install it (Debian/Ubuntu: apt-get install prometheus; see README, Prerequisites)');
}

export interface PromtoolResult {
  readonly code: number | null;
  /** stdout and stderr together: lint findings go to stdout, parse errors to stderr. */
  readonly output: string;
}

/** `promtool check metrics` on an exposition text (stdin). Exit 0 and no output: valid and lint-clean. */
export function checkMetrics(text: string): PromtoolResult {
  const r = spawnSync(promtoolPath(), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

export function checkRules(file: string): PromtoolResult {
  const r = spawnSync(promtoolPath(), ['check', 'rules', file], { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Family names declared by `# TYPE` lines, in order. */
export function familyNames(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1] as string);
}

/**
 * Metric names a PromQL expression reads: Crossdock's, Node's and the process families, plus
 * Prometheus's own `up`; histogram series are reduced to their family.
 */
export function queriedMetrics(expr: string): string[] {
  const names = [...expr.matchAll(/(?<![\w:"])((?:crossdock|nodejs|process)_[a-z0-9_]+|up)(?=\s*[{[)\s]|$)/g)].map((m) => m[1] as string);
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}
