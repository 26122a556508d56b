/**
 * Structured logs (pino, JSON lines). Everything about a message carries its correlation id;
 * configuration values are never logged (they may hold secrets from the environment).
 * Every finished line also passes through `redactText`, because a reason or an error message
 * can quote a URL, a response body or a value resolved from `${VAR}`.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { redactText } from '../config/redact.ts';

export type { Logger };

export interface LoggerOptions {
  readonly level?: string;
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.CROSSDOCK_LOG_LEVEL ?? 'info';
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['*.password', '*.token', '*.authorization', '*.secret'], censor: '[redacted]' },
      // The serialized line, so nothing (fields, messages, error stacks) escapes the scrubbing.
      hooks: { streamWrite: redactText },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
