/**
 * The thread's half of thread-host.ts: its start data, a pino logger whose lines go to the
 * host, the job's messages both ways, and a stop that undoes what the job started (last
 * started first) before telling the host it has stopped.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import type { StopMessage, ThreadStatus } from './thread-host.ts';

export interface ThreadSide<Start, Out> {
  readonly start: Start;
  readonly logger: Logger;
  post(m: Out): void;
  /** Registers what stop undoes; undone in reverse order. */
  onStop(undo: () => Promise<unknown> | void): void;
}

/**
 * Runs `main` on this thread; `onMessage` gets the host's messages (not the stop, which this
 * handles). Ready is posted once `main` resolves; a throw is posted as the failure.
 */
export function runThread<Start extends { readonly logLevel: string }, In, Out>(main: (side: ThreadSide<Start, Out>) => Promise<void>, onMessage?: (m: In) => void): void {
  if (!parentPort) throw new Error('this module runs as a worker thread');
  const port: MessagePort = parentPort;
  const status = (m: ThreadStatus): void => port.postMessage(m);
  const start = workerData as Start;
  const logger = pino({ level: start.logLevel, base: undefined, timestamp: false }, { write: (line: string) => status({ type: 'log', line }) });
  const undo: (() => Promise<unknown> | void)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const u of undo.splice(0).reverse()) await Promise.resolve(u()).catch(() => undefined);
  };
  port.on('message', (m: In | StopMessage) => {
    if ((m as StopMessage).type === 'stop') {
      void stopAll().then(() => {
        status({ type: 'stopped' });
        port.close();
      });
    } else onMessage?.(m as In);
  });
  const side: ThreadSide<Start, Out> = { start, logger, post: (m) => port.postMessage(m), onStop: (u) => void undo.push(u) };
  main(side).then(
    () => status({ type: 'ready' }),
    async (err: unknown) => {
      await stopAll();
      status({ type: 'failed', error: (err as Error).message });
    },
  );
}
