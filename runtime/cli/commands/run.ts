import type { CommandSpec } from '../command.ts';
import { CommandError, commonOptions, list, str } from '../command.ts';
import { loadOrReport } from '../project-loading.ts';
import { startRunner } from '../../runner/runner.ts';
import { createLogger } from '../../observability/logger.ts';
import { parseListen } from '../../http/server.ts';
import { NatsServerNotFound } from '../../transport/nats-server.ts';
import { parseDuration } from '../../spec/durations.ts';

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'Run the pipelines',
  usage: 'crossdock run [--pipelines DIR] [--nats URL] [--data DIR] [--http HOST:PORT] [--only NAME…]',
  details:
    'Compiles every pipeline, creates or updates the declared streams and durable consumers, and\n' +
    'processes messages until SIGTERM or SIGINT, which stop fetching, finish and acknowledge the\n' +
    'messages in flight (up to --grace), and exit 0.\n\n' +
    'Without --nats (or NATS_URL) an embedded `nats-server -js` is started with its store under the\n' +
    'data folder. Several runners on the same NATS share the pipelines\' durable consumers.',
  options: {
    ...commonOptions,
    http: { type: 'string', value: 'HOST:PORT', description: 'Serve /healthz, /readyz and /metrics here ("off" to disable)', default: '127.0.0.1:8080' },
    only: { type: 'string', multiple: true, value: 'NAME', description: 'Run only these pipelines (repeat or comma-separate)' },
    grace: { type: 'string', value: 'DURATION', description: 'How long in-flight messages may take to finish on stop', default: '10s' },
    'log-level': { type: 'string', value: 'LEVEL', description: 'trace, debug, info, warn, error', default: 'info' },
  },
  async run(args) {
    const dataDir = str(args, 'data') as string;
    const project = loadOrReport(str(args, 'pipelines') as string, { only: list(args, 'only') });
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
    let running;
    try {
      running = await startRunner({ project, dataDir, logger, graceMs, ...(natsUrl ? { natsUrl } : {}), ...(http ? { http } : {}) });
    } catch (err) {
      if (err instanceof NatsServerNotFound) throw new CommandError(err.message);
      throw new CommandError(`cannot start: ${(err as Error).message}`);
    }
    await new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        logger.info({ signal }, 'signal received');
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        // A second signal means "now".
        process.once('SIGINT', () => process.exit(130));
        process.once('SIGTERM', () => process.exit(143));
        resolve();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
    await running.stop();
    logger.flush();
    return 0;
  },
};
