/**
 * The trace indexer on a thread of its own. Folding every stream message into the index (its
 * delivery, headers, LMDB encoding and the garbage they make) cost the runner's event loop as
 * much as a quarter of what an order costs on the Shopify flow; on its own thread, at a lower
 * scheduling priority, it uses a core the pipelines are not using and yields when they are.
 * The index file has one writer, the thread; the runner reads journeys from the same file.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { threadBoot } from '../../config/thread-boot.ts';

/** What the thread is started with (structured-cloned: plain data only). */
export interface IndexThreadStart {
  readonly natsUrl: string;
  readonly dataDir: string;
  readonly streams: readonly string[];
  readonly keyFields: readonly string[];
  readonly exceptionsPrefix: string;
  readonly deadLetterPrefix: string;
  readonly logLevel: string;
}

export type ToIndexThread = { readonly type: 'stop' };
export type FromIndexThread =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'stopped'; readonly hops: number };

/**
 * Below the event loop and nats-server (nice 0), above the expression sandbox's runaways (19):
 * when the cores are busy the index trails the streams, and catches up when they are not.
 */
export const INDEX_THREAD_NICE = 10;
const STOP_MS = 10_000;

export class IndexThread {
  private readonly worker: Worker;
  private readonly logger: Logger;
  private exited = false;
  private stopped: ((hops: number) => void) | undefined;

  private constructor(worker: Worker, logger: Logger) {
    this.worker = worker;
    this.logger = logger;
  }

  /** Resolves once the thread folds (its file open, its consumers bound); rejects with its reason. */
  static start(start: IndexThreadStart, logger: Logger): Promise<IndexThread> {
    const entry = new URL('./index-worker.ts', import.meta.url).href;
    const worker = new Worker(threadBoot(entry, import.meta.resolve('tsx/esm/api'), { nice: INDEX_THREAD_NICE }), { eval: true, workerData: start });
    const thread = new IndexThread(worker, logger);
    return new Promise<IndexThread>((resolve, reject) => {
      worker.on('message', (m: FromIndexThread) => {
        if (m.type === 'ready') resolve(thread);
        else if (m.type === 'failed') {
          reject(new Error(m.error));
          void worker.terminate();
        } else if (m.type === 'log') thread.relay(m.line);
        else thread.stopped?.(m.hops);
      });
      worker.on('error', (err) => {
        logger.error({ err: err.message }, 'trace index thread failed');
        reject(err);
      });
      worker.on('exit', (code) => {
        thread.exited = true;
        thread.stopped?.(0);
        if (code !== 0) logger.error({ code }, 'trace index thread exited; the index no longer follows the streams');
        reject(new Error(`trace index thread exited with code ${code} before it started`));
      });
    });
  }

  /** Stops folding (what is queued commits first) and ends the thread. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<number>((r) => (this.stopped = r));
    this.worker.postMessage({ type: 'stop' } satisfies ToIndexThread);
    const timer = setTimeout(() => void this.worker.terminate(), STOP_MS);
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
    const name = typeof level === 'number' ? (this.logger.levels.labels[level] ?? 'info') : 'info';
    const log = (this.logger as unknown as Record<string, (obj: object, msg?: string) => void>)[name];
    log?.call(this.logger, { view: 'trace', ...rest }, typeof msg === 'string' ? msg : undefined);
  }
}
