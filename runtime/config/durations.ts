/** Durations as people write them in YAML: `500ms`, `10s`, `1m`, `2h`, `7d`. */
export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: '${text}' (write e.g. 500ms, 10s, 1m, 2h, 7d)`);
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] as string] as number));
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export const durationSchema = {
  type: 'string',
  pattern: DURATION_PATTERN,
  description: 'A duration: a number and a unit (ms, s, m, h, d), e.g. `30s` or `7d`.',
} as const;
