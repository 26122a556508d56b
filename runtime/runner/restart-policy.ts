/**
 * When the supervisor restarts a worker that ended, and when it gives up. Pure: pm2's rules in
 * small: a run shorter than `stableMs` (or one that never became ready) is a quick failure;
 * quick failures back off exponentially; `maxQuickFailures` of them in a row mean the worker
 * cannot run (bad environment, a crash at start), and the runner exits non-zero instead of
 * spinning.
 */

export interface RestartRules {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly stableMs: number;
  readonly maxQuickFailures: number;
}

export const RESTART_RULES: RestartRules = { baseMs: 100, maxMs: 10_000, stableMs: 10_000, maxQuickFailures: 5 };

export interface WorkerRun {
  readonly becameReady: boolean;
  readonly ranMs: number;
  /** Quick failures in a row before this run. */
  readonly quickFailures: number;
}

export type RestartDecision =
  | { readonly action: 'restart'; readonly delayMs: number; readonly quickFailures: number }
  | { readonly action: 'give-up'; readonly quickFailures: number };

export function afterExit(run: WorkerRun, rules: RestartRules = RESTART_RULES): RestartDecision {
  const quick = !run.becameReady || run.ranMs < rules.stableMs;
  if (!quick) return { action: 'restart', delayMs: rules.baseMs, quickFailures: 0 };
  const quickFailures = run.quickFailures + 1;
  if (quickFailures >= rules.maxQuickFailures) return { action: 'give-up', quickFailures };
  return { action: 'restart', delayMs: Math.min(rules.baseMs * 2 ** (quickFailures - 1), rules.maxMs), quickFailures };
}
