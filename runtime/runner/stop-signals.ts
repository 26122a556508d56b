/**
 * SIGTERM and SIGINT for `crossdock run`, one process or a supervised group: the first one
 * stops gracefully, a second one (not the echo of the first) exits at once.
 */
import type { Logger } from 'pino';
import { CLOSE_STEP_MS } from './runner.ts';

/** Every step of the stop after the grace period is bounded (see CLOSE_STEP_MS); this covers them all. */
export const STOP_MARGIN_MS = 5 * CLOSE_STEP_MS;
/** One Ctrl-C can arrive twice: from the terminal to the whole group, and relayed by npm (or a supervisor) to its child. */
export const DUPLICATE_SIGNAL_MS = 500;
/** After "stopped", the event loop should be empty within a moment. */
export const LINGER_MS = 1000;

export interface StopSignalHandlers {
  first(signal: NodeJS.Signals): void;
  /** A second signal, past the duplicate window. */
  again(signal: NodeJS.Signals): void;
}

export function watchStopSignals(handlers: StopSignalHandlers): void {
  let first: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = Date.now();
    if (first === undefined) {
      first = now;
      handlers.first(signal);
      return;
    }
    if (now - first < DUPLICATE_SIGNAL_MS) return;
    handlers.again(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** The exit code of a process ended by a second signal. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * Resolves at the first SIGTERM or SIGINT. A second one exits at once; a stop that overruns
 * `deadlineMs` (the grace period and the bounded closing steps) exits 1.
 */
export function untilSignal(logger: Logger, deadlineMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    watchStopSignals({
      first(signal) {
        logger.info({ signal }, 'signal received');
        const watchdog = setTimeout(() => {
          process.stderr.write(`crossdock run: the stop did not finish within ${deadlineMs} ms; exiting\n`);
          process.exit(1);
        }, deadlineMs);
        // It only has to fire if something else holds the process open.
        watchdog.unref();
        resolve();
      },
      again(signal) {
        process.stderr.write(`crossdock run: ${signal} again: exiting without waiting for in-flight work\n`);
        process.exit(signalExitCode(signal));
      },
    });
  });
}

/**
 * Everything is closed; a handle still open (a library's timer or socket) would keep the
 * process up after it said "stopped". The timer is unref'd, so it fires only in that case,
 * naming what held the process, and exits anyway.
 */
export function exitIfStillRunning(ms: number): void {
  setTimeout(() => {
    process.stderr.write(`crossdock run: still running after stop (${process.getActiveResourcesInfo().join(', ')}); exiting\n`);
    process.exit(0);
  }, ms).unref();
}
