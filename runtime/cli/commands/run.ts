import { availableParallelism } from 'node:os';
import type { CommandSpec, ParsedArgs } from '../command.ts';
import { CommandError, commonOptions, list, str } from '../command.ts';
import { loadOrReport } from '../project-loading.ts';
import { startRunner } from '../../runner/runner.ts';
import { runSupervisor, GroupFailed } from '../../runner/supervisor.ts';
import { runWorker } from '../../runner/worker.ts';
import { defaultWorkers, workerIndex, WORKER_NATS_ENV } from '../../runner/worker-env.ts';
import { viewsFromEnv } from '../../runner/views.ts';
import { LINGER_MS, STOP_MARGIN_MS, exitIfStillRunning, untilSignal } from '../../runner/stop-signals.ts';
import { createLogger } from '../../observability/logger.ts';
import { parseListen } from '../../http/server.ts';
import { NatsServerNotFound } from '../../transport/nats-server.ts';
import { parseDuration } from '../../config/durations.ts';
import { INLINE_BUDGET_MS } from '../../expressions/jsonata.ts';

/** Read when --workers is not given; tests and benchmarks of the single process set it to 1. */
export const WORKERS_ENV = 'CROSSDOCK_WORKERS';

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'Run the pipelines',
  usage: 'crossdock run [--pipelines DIR] [--nats URL] [--data DIR] [--http HOST:PORT] [--only NAME[,NAME…]] [--workers N] [--otlp URL]',
  details:
    'Compiles every pipeline, creates or updates the declared streams and durable consumers, and\n' +
    'processes messages until SIGTERM or SIGINT, which stop fetching, finish and acknowledge the\n' +
    'messages in flight (up to --grace), and exit 0. A second signal exits at once (130/143).\n\n' +
    'Without --nats (or NATS_URL) an embedded `nats-server -js` is started with its store under the\n' +
    'data folder. Several runners on the same NATS share the pipelines\' durable consumers.\n\n' +
    'One process uses one core. --workers N (default: CROSSDOCK_WORKERS, else the cores Node may use,\n' +
    'os.availableParallelism(), less one for the embedded nats-server when there is one) runs a\n' +
    'supervisor that starts the embedded server once and N worker processes sharing the durables\n' +
    'and the HTTP port; it restarts a worker that ends, with backoff, and passes SIGTERM/SIGINT on. --workers 1 is a single process without a supervisor.',
  options: {
    ...commonOptions,
    http: { type: 'string', value: 'HOST:PORT', description: 'Serve /healthz, /readyz and /metrics here ("off" to disable)', default: '127.0.0.1:8080' },
    only: { type: 'string', multiple: true, value: 'NAME', description: 'Run only these pipelines: one value per --only; repeat --only or comma-separate (--only a,b), not --only a b' },
    grace: { type: 'string', value: 'DURATION', description: 'How long in-flight messages may take to finish on stop', default: '10s' },
    'expression-timeout': { type: 'string', value: 'DURATION', description: `Time limit of one JSONata evaluation (past ${INLINE_BUDGET_MS} ms it runs in a worker thread); over it, the message is dead-lettered`, default: '5s' },
    'log-level': { type: 'string', value: 'LEVEL', description: 'trace, debug, info, warn, error', default: 'info' },
    otlp: { type: 'string', value: 'URL', description: 'Export a span per message per pipeline to this OTLP/HTTP collector (e.g. http://127.0.0.1:4318; default: OTEL_EXPORTER_OTLP_ENDPOINT, else none)' },
    workers: { type: 'string', value: 'N', description: 'Worker processes, one core each (default: CROSSDOCK_WORKERS, else os.availableParallelism(), less one with the embedded nats-server); 1: one process, no supervisor' },
  },
  async run(args) {
    const dataDir = str(args, 'data') as string;
    let timeoutMs: number;
    let workers: number;
    try {
      timeoutMs = parseDuration(str(args, 'expression-timeout') as string);
    } catch (err) {
      throw new CommandError(`--expression-timeout: ${(err as Error).message}`, 2);
    }
    try {
      workers = parseWorkers(args, !(str(args, 'nats') ?? process.env.NATS_URL));
      // Read here too (each runner reads it again): a bad list stops the command before anything starts.
      viewsFromEnv();
    } catch (err) {
      throw new CommandError((err as Error).message, 2);
    }
    const index = workerIndex();
    const project = loadOrReport(str(args, 'pipelines') as string, { only: list(args, 'only'), compile: { limits: { timeoutMs } } });
    if (!project) return 1;
    // A runner may serve only the availability view (lookups and change events), without pipelines.
    if (project.pipelines.length === 0 && !project.availability) throw new CommandError(`no pipelines (and no availability policy) found in ${str(args, 'pipelines')}`);
    const logger = createLogger({ level: str(args, 'log-level') as string });
    const httpText = str(args, 'http') as string;
    let graceMs: number;
    let http: { host: string; port: number } | undefined;
    try {
      graceMs = parseDuration(str(args, 'grace') as string);
      http = httpText === 'off' ? undefined : parseListen(httpText);
    } catch (err) {
      throw new CommandError((err as Error).message, 2);
    }
    const otlp = str(args, 'otlp');
    if (otlp !== undefined) {
      if (!/^https?:\/\/[^\s]+$/.test(otlp)) throw new CommandError(`--otlp: expected an http(s) URL of an OTLP collector (e.g. http://127.0.0.1:4318), not '${otlp}'`, 2);
      // Through the environment, so supervised workers (which inherit it) export too.
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp;
    }
    const natsUrl = str(args, 'nats') ?? process.env.NATS_URL;
    if (index !== undefined) {
      // A supervised worker: the IPC channel would keep the process up, so it exits here.
      const code = await runWorker({ index, project, dataDir, natsUrl: process.env[WORKER_NATS_ENV] || (natsUrl as string), graceMs, logger, ...(http ? { http } : {}) });
      logger.flush();
      process.exit(code);
    }
    if (workers > 1) {
      try {
        const code = await runSupervisor({ workers, dataDir, graceMs, logger, ...(natsUrl ? { natsUrl } : {}) });
        logger.flush();
        exitIfStillRunning(LINGER_MS);
        return code;
      } catch (err) {
        if (err instanceof NatsServerNotFound) throw new CommandError(err.message);
        if (err instanceof GroupFailed) throw new CommandError(err.message);
        throw new CommandError(`cannot start: ${(err as Error).message}`);
      }
    }
    // Listening before the start: a signal while it starts (after runtime.json, say) stops the
    // runner as soon as it is up, instead of killing the process with its default action.
    const signalled = untilSignal(logger, graceMs + STOP_MARGIN_MS);
    let running;
    try {
      running = await startRunner({ project, dataDir, logger, graceMs, ...(natsUrl ? { natsUrl } : {}), ...(http ? { http } : {}) });
    } catch (err) {
      if (err instanceof NatsServerNotFound) throw new CommandError(err.message);
      throw new CommandError(`cannot start: ${(err as Error).message}`);
    }
    await signalled;
    await running.stop();
    logger.flush();
    exitIfStillRunning(LINGER_MS);
    return 0;
  },
};

/** --workers, else CROSSDOCK_WORKERS, else every core Node may use (less one for an embedded nats-server). */
function parseWorkers(args: ParsedArgs, embeddedNats: boolean): number {
  const given = str(args, 'workers');
  const fromEnv = process.env[WORKERS_ENV];
  const text = given ?? (fromEnv ? fromEnv : undefined);
  if (text === undefined) return defaultWorkers(availableParallelism(), embeddedNats);
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(n) || n < 1) {
    throw new Error(`${given !== undefined ? '--workers' : WORKERS_ENV}: expected a whole number of processes, 1 or more, not '${text}'`);
  }
  return n;
}
