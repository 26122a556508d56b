/**
 * One Prometheus exposition from several worker processes, the way prom-client's
 * AggregatorRegistry answers for a node:cluster: every worker's samples under one HELP/TYPE
 * header per metric family, each sample labelled `worker="<i>"`. Labels rather than sums, so a
 * worker that lags or restarts shows as itself; `sum without (worker)` gives the host's total.
 * The supervisor's own process figures (CPU, memory, event loop) come in as one more part,
 * labelled `worker="supervisor"`: per-process gauges stay per process, never summed, and the
 * supervisor's heap is not mistaken for a worker's.
 * Pure: text in, text out.
 */

export interface WorkerMetricsText {
  /** The worker's index, or `supervisor` for the supervisor's own process figures. */
  readonly worker: number | string;
  readonly text: string;
}

interface Family {
  readonly header: string[];
  readonly samples: string[];
}

/** Adds `worker="<i>"` as the first label of one sample line. */
export function labelSample(line: string, worker: number | string): string {
  const label = `worker="${worker}"`;
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  // A brace after the first space is in the value part, never a label set.
  if (brace >= 0 && (space < 0 || brace < space)) {
    const close = line.indexOf('}', brace);
    const inner = line.slice(brace + 1, close);
    return `${line.slice(0, brace + 1)}${label}${inner ? `,${inner}` : ''}${line.slice(close)}`;
  }
  if (space < 0) return line;
  return `${line.slice(0, space)}{${label}}${line.slice(space)}`;
}

/**
 * Merges the workers' texts (families in order of first appearance, samples worker by worker),
 * then appends `own`, the supervisor's metrics, unchanged.
 */
export function mergeWorkerMetrics(parts: readonly WorkerMetricsText[], own = ''): string {
  const families = new Map<string, Family>();
  for (const part of parts) {
    let current: Family | undefined;
    for (const line of part.text.split('\n')) {
      if (line === '') continue;
      const comment = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (comment) {
        const name = comment[2] as string;
        let f = families.get(name);
        if (!f) {
          f = { header: [], samples: [] };
          families.set(name, f);
        }
        current = f;
        // The header lines of the first worker that has the family stand for all.
        if (!f.header.some((h) => h.startsWith(`# ${comment[1]} `))) f.header.push(line);
        continue;
      }
      if (line.startsWith('#')) continue;
      if (!current) {
        // A sample before any header (not something our registry writes): keep it, labelled.
        current = { header: [], samples: [] };
        families.set(`\0${families.size}`, current);
      }
      current.samples.push(labelSample(line, part.worker));
    }
  }
  const out: string[] = [];
  for (const f of families.values()) out.push(...f.header, ...f.samples);
  const tail = own.trim();
  if (tail) out.push(tail);
  return out.join('\n') + '\n';
}
