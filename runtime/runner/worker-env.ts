/**
 * How a supervised worker learns its place: environment variables set by the supervisor when
 * it forks (node:cluster re-runs the same command line), read by `crossdock run`. The
 * console's session secret travels the same way, as CROSSDOCK_CONSOLE_SECRET (SECRET_ENV in
 * http/session.ts): one per group, so every worker accepts every worker's sessions.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The worker's index, 0 … N−1; a restarted worker keeps its index, and with it its view. */
export const WORKER_ENV = 'CROSSDOCK_WORKER';
/** The NATS URL every worker joins: the supervisor's embedded server, or --nats. */
export const WORKER_NATS_ENV = 'CROSSDOCK_WORKER_NATS';

/** This process's worker index, when it is a supervised worker. */
export function workerIndex(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env[WORKER_ENV];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/**
 * The folder whose `availability/` holds worker `index`'s view. Worker 0 keeps the one a
 * single runner keeps (`<data>/availability`), the view `crossdock atp` reads; every other
 * worker has its own under `<data>/workers/<index>/`, since one LMDB view has one writer.
 */
export function workerViewDataDir(dataDir: string, index: number): string {
  return index === 0 ? dataDir : join(dataDir, 'workers', String(index));
}

/** Where the other workers' views live (cleared by `crossdock atp rebuild`). */
export function workerViewsRoot(dataDir: string): string {
  return join(dataDir, 'workers');
}

/**
 * Removes every worker's view but worker 0's; returns how many. After `crossdock atp rebuild`
 * (which rebuilds worker 0's), a view kept by another worker could hold decisions made under
 * an older policy; removed, it is folded again from the stream when its worker starts, and
 * decides like the rebuilt one.
 */
export function discardWorkerViews(dataDir: string): number {
  const root = workerViewsRoot(dataDir);
  if (!existsSync(root)) return 0;
  let removed = 0;
  for (const name of readdirSync(root)) {
    const view = join(root, name, 'availability');
    if (!/^\d+$/.test(name) || !existsSync(view)) continue;
    rmSync(view, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * How many workers `crossdock run` starts when neither --workers nor CROSSDOCK_WORKERS says:
 * one per core Node may use, less one for the embedded nats-server when the runner starts it
 * (a second worker beside nats-server on two cores drained less than one did; see
 * docs/performance.md), and never fewer than one.
 */
export function defaultWorkers(cores: number, embeddedNats: boolean): number {
  return Math.max(1, embeddedNats ? cores - 1 : cores);
}
