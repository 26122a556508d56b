/**
 * One worker process of `crossdock run --workers N`: a runner like a single one, joined to the
 * supervisor's NATS URL, with its own availability view, answering the supervisor's questions
 * over IPC. It stops on SIGTERM/SIGINT like a single runner (the supervisor passes them on),
 * and ends at once if the supervisor is gone (node:cluster's own rule for a lost primary).
 */
import type { Logger } from 'pino';
import type { Project } from '../compile/project.ts';
import { readyReport } from '../http/health.ts';
import { startRunner, type RunningRunner } from './runner.ts';
import { WorkerLink } from './worker-link.ts';
import { workerViewDataDir } from './worker-env.ts';
import { STOP_MARGIN_MS, untilSignal } from './stop-signals.ts';

export interface WorkerOptions {
  readonly index: number;
  readonly project: Project;
  readonly dataDir: string;
  readonly natsUrl: string;
  readonly http?: { readonly host: string; readonly port: number };
  readonly graceMs: number;
  readonly logger: Logger;
}

/** Runs until stopped; resolves with the exit code. The caller exits the process with it. */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const link = new WorkerLink(o.index);
  const logger = o.logger.child({ worker: o.index });
  // A supervisor that is gone (killed) disconnects the IPC channel, and node:cluster ends the
  // worker at once: nobody would restart, stop or answer for it, and an embedded server went too.
  const signalled = untilSignal(logger, o.graceMs + STOP_MARGIN_MS);
  let stopping = false;
  void signalled.then(() => (stopping = true));
  endAtOnceWhenOrphaned(() => stopping);
  let running: RunningRunner;
  try {
    running = await startRunner({
      project: o.project,
      dataDir: o.dataDir,
      natsUrl: o.natsUrl,
      logger,
      graceMs: o.graceMs,
      ...(o.http ? { http: o.http } : {}),
      worker: {
        index: o.index,
        availabilityDataDir: workerViewDataDir(o.dataDir, o.index),
        group: {
          readiness: () => link.ask('ready'),
          metricsText: async () => (await link.ask('metrics')).metrics ?? '',
        },
        share: (local) => link.share({ ready: () => readyReport(local), metricsText: () => local.metricsText() }),
      },
    });
  } catch (err) {
    // The supervisor prints it, once for the group.
    await link.failed(`cannot start: ${(err as Error).message}`);
    return 1;
  }
  link.ready(running.http ? `${running.http.host}:${running.http.port}` : undefined);
  await signalled;
  await running.stop();
  return 0;
}

/**
 * node:cluster exits a worker whose primary is gone (its IPC channel disconnected). Exiting
 * still joins every thread — the views thread runs at a low priority, so on a busy machine it
 * is scheduled late — and closes every LMDB environment: over 3 s under the test suite's load,
 * while nobody supervises the worker. Such an exit ends the process there instead, as kill -9
 * would: everything it held is redelivered by JetStream or rebuilt from the streams, which a
 * worker must survive anyway. A stop it was asked for (a signal the supervisor passed on)
 * exits normally.
 */
function endAtOnceWhenOrphaned(stoppingAsked: () => boolean): void {
  process.once('exit', () => {
    if (!stoppingAsked() && process.connected === false) process.kill(process.pid, 'SIGKILL');
  });
}
