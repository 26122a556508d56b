/**
 * One worker process of `crossdock run --workers N`: a runner like a single one, joined to the
 * supervisor's NATS URL, with its own availability view, answering the supervisor's questions
 * over IPC. It stops on SIGTERM/SIGINT like a single runner (the supervisor passes them on),
 * and ends at once if the supervisor is gone.
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
  let stopped = false;
  // Without the supervisor nobody restarts, stops or answers for this worker; a supervisor that
  // was killed took the embedded NATS server with it too.
  process.once('disconnect', () => {
    if (stopped) return;
    process.stderr.write(`crossdock run: worker ${o.index}: the supervisor is gone; exiting\n`);
    process.exit(1);
  });
  const signalled = untilSignal(logger, o.graceMs + STOP_MARGIN_MS);
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
    stopped = true;
    // The supervisor prints it, once for the group.
    await link.failed(`cannot start: ${(err as Error).message}`);
    return 1;
  }
  link.ready(running.http ? `${running.http.host}:${running.http.port}` : undefined);
  await signalled;
  await running.stop();
  stopped = true;
  return 0;
}
