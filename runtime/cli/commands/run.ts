import type { CommandSpec } from '../command.ts';
import { CommandError, commonOptions, list, str } from '../command.ts';
import { loadOrReport } from '../project-loading.ts';
import { CLOSE_STEP_MS, startRunner } from '../../runner/runner.ts';
import { createLogger, type Logger } from '../../observability/logger.ts';
import { parseListen } from '../../http/server.ts';
import { NatsServerNotFound } from '../../transport/nats-server.ts';
import { parseDuration } from '../../spec/durations.ts';

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'Run the pipelines',
  usage: 'crossdock run [--pipelines DIR] [--nats URL] [--data DIR] [--http HOST:PORT] [--only NAME[,NAME…]]',
  details:
    'Compiles every pipeline, creates or updates the declared streams and durable consumers, and\n' +
    'processes messages until SIGTERM or SIGINT, which stop fetching, finish and acknowledge the\n' +
    'messages in flight (up to --grace), and exit 0. A second signal exits at once (130/143).\n\n' +
    'Without --nats (or NATS_URL) an embedded `nats-server -js` is started with its store under the\n' +
    'data folder. Several runners on the same NATS share the pipelines\' durable consumers.',
  options: {
    ...commonOptions,
    http: { type: 'string', value: 'HOST:PORT', description: 'Serve /healthz, /readyz and /metrics here ("off" to disable)', default: '127.0.0.1:8080' },
    only: { type: 'string', multiple: true, value: 'NAME', description: 'Run only these pipelines: one value per --only; repeat --only or comma-separate (--only a,b), not --only a b' },
    grace: { type: 'string', value: 'DURATION', description: 'How long in-flight messages may take to finish on stop', default: '10s' },
    'expression-timeout': { type: 'string', value: 'DURATION', description: 'Time limit of one JSONata evaluation (past 20 ms it runs in a worker thread); over it, the message is dead-lettered', default: '5s' },
    'log-level': { type: 'string', value: 'LEVEL', description: 'trace, debug, info, warn, error', default: 'info' },
  },
  async run(args) {
    const dataDir = str(args, 'data') as string;
    let timeoutMs: number;
    try {
      timeoutMs = parseDuration(str(args, 'expression-timeout') as string);
    } catch (err) {
      throw new CommandError(`--expression-timeout: ${(err as Error).message}`, 2);
    }
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
    const natsUrl = str(args, 'nats') ?? process.env.NATS_URL;
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

/** Every step of the stop after the grace period is bounded (see CLOSE_STEP_MS); this covers them all. */
const STOP_MARGIN_MS = 5 * CLOSE_STEP_MS;
/** One Ctrl-C can arrive twice: from the terminal to the whole group, and relayed by npm to its child. */
const DUPLICATE_SIGNAL_MS = 500;
/** After "stopped", the event loop should be empty within a moment. */
const LINGER_MS = 1000;

/**
 * Resolves at the first SIGTERM or SIGINT. A second one (not the echo of the first) exits at
 * once; a stop that overruns the grace period and the bounded closing steps exits 1.
 */
function untilSignal(logger: Logger, deadlineMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      const now = Date.now();
      if (first === undefined) {
        first = now;
        logger.info({ signal }, 'signal received');
        const watchdog = setTimeout(() => {
          process.stderr.write(`crossdock run: the stop did not finish within ${deadlineMs} ms; exiting\n`);
          process.exit(1);
        }, deadlineMs);
        // It only has to fire if something else holds the process open.
        watchdog.unref();
        resolve();
        return;
      }
      if (now - first < DUPLICATE_SIGNAL_MS) return;
      process.stderr.write(`crossdock run: ${signal} again: exiting without waiting for in-flight work\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * Everything is closed; a handle still open (a library's timer or socket) would keep the
 * process up after it said "stopped". The timer is unref'd, so it fires only in that case,
 * naming what held the process, and exits anyway.
 */
function exitIfStillRunning(ms: number): void {
  setTimeout(() => {
    process.stderr.write(`crossdock run: still running after stop (${process.getActiveResourcesInfo().join(', ')}); exiting\n`);
    process.exit(0);
  }, ms).unref();
}
