/**
 * A long-lived worker thread that does one job beside the runner's event loop (the views
 * thread, the change-event thread): started from a TypeScript entry (thread-boot.ts), ready
 * once the entry says so, its pino lines written through the runner's logger, stopped by a
 * message so that it can finish what it holds. The thread's own half is thread-side.ts.
 *
 * Messages of the job itself travel both ways beside the four the host understands.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { threadBoot } from './thread-boot.ts';

/** What the thread tells its host, beside its job's own messages. */
export type ThreadStatus = { readonly type: 'ready' } | { readonly type: 'failed'; readonly error: string } | { readonly type: 'log'; readonly line: string } | { readonly type: 'stopped' };
export const STOP = { type: 'stop' } as const;
export type StopMessage = typeof STOP;

export interface ThreadHostOptions<Out> {
  /** The entry module's URL (new URL('./x-worker.ts', import.meta.url).href). */
  readonly entry: string;
  /** Structured-cloned to the thread: plain data only. */
  readonly workerData: unknown;
  readonly logger: Logger;
  /** Scheduling priority of the thread (Linux: 0 is the loop's, 19 the lowest). */
  readonly nice?: number;
  /** What the host logs when the thread ends on its own. */
  readonly lostMessage: string;
  /** The job's own messages from the thread. */
  readonly onMessage?: (m: Out) => void;
  /** How long stop() waits for the thread to finish before terminating it. */
  readonly stopMs?: number;
}

export class ThreadHost<In, Out> {
  private readonly worker: Worker;
  private readonly o: ThreadHostOptions<Out>;
  private exited = false;
  /** Set by stop(): the thread ends on purpose (terminate() exits it with code 1). */
  private stopping = false;
  private stopped: (() => void) | undefined;

  private constructor(worker: Worker, o: ThreadHostOptions<Out>) {
    this.worker = worker;
    this.o = o;
  }

  /** Resolves once the thread says it is ready; rejects with the reason it gives, or its exit. */
  static start<In, Out>(o: ThreadHostOptions<Out>): Promise<ThreadHost<In, Out>> {
    const worker = new Worker(threadBoot(o.entry, import.meta.resolve('tsx/esm/api'), o.nice === undefined ? {} : { nice: o.nice }), { eval: true, workerData: o.workerData });
    const host = new ThreadHost<In, Out>(worker, o);
    return new Promise<ThreadHost<In, Out>>((resolve, reject) => {
      worker.on('message', (m: ThreadStatus | Out) => {
        const status = m as ThreadStatus;
        if (status.type === 'ready') resolve(host);
        else if (status.type === 'failed') {
          reject(new Error(status.error));
          void worker.terminate();
        } else if (status.type === 'log') host.relay(status.line);
        else if (status.type === 'stopped') host.stopped?.();
        else o.onMessage?.(m as Out);
      });
      worker.on('error', (err) => {
        o.logger.error({ err: err.message }, o.lostMessage);
        reject(err);
      });
      worker.on('exit', (code) => {
        host.exited = true;
        host.stopped?.();
        if (code !== 0 && !host.stopping) o.logger.error({ code }, o.lostMessage);
        reject(new Error(`the thread exited with code ${code} before it started`));
      });
    });
  }

  post(m: In): void {
    if (!this.exited) this.worker.postMessage(m);
  }

  /** Asks the thread to finish what it holds and end; terminates it after `stopMs`. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.stopping = true;
    const done = new Promise<void>((r) => (this.stopped = r));
    this.worker.postMessage(STOP);
    const timer = setTimeout(() => void this.worker.terminate(), this.o.stopMs ?? 10_000);
    await done;
    clearTimeout(timer);
    await this.worker.terminate();
  }

  /** A pino line from the thread, written through the runner's logger at its level. */
  private relay(line: string): void {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, msg, ...rest } = o;
    const logger = this.o.logger;
    const name = typeof level === 'number' ? (logger.levels.labels[level] ?? 'info') : 'info';
    const log = (logger as unknown as Record<string, (obj: object, msg?: string) => void>)[name];
    log?.call(logger, rest, typeof msg === 'string' ? msg : undefined);
  }
}
