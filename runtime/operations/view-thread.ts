/**
 * The views that only fold streams into files — the trace index, and the audit log's auditor and
 * index — on a thread of their own. Folding every stream message (its delivery, headers, LMDB
 * encoding, hashing, and the garbage they make) cost the runner's event loop as much as the
 * pipelines' own work per order on the Shopify flow; on its own thread, at a lower scheduling
 * priority, it uses a core the pipelines are not using and yields when they are. The thread is
 * each file's one writer in this process; the runner reads journeys and audit entries from the
 * same files. Views that act (expectations' timers, the workbench's actions) stay on the loop.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { threadBoot } from '../config/thread-boot.ts';

/** What the thread is started with (structured-cloned: plain data only). */
export interface ViewThreadStart {
  readonly natsUrl: string;
  readonly logLevel: string;
  readonly trace?: {
    readonly dataDir: string;
    readonly streams: readonly string[];
    readonly keyFields: readonly string[];
    readonly exceptionsPrefix: string;
    readonly deadLetterPrefix: string;
  };
  readonly audit?: {
    readonly dataDir: string;
    readonly stream: string;
    readonly sources: readonly string[];
    /** Run the auditor (one worker of a group writes); the index follows the stream either way. */
    readonly write: boolean;
  };
}

export type ToViewThread = { readonly type: 'stop' };
export type FromViewThread =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'stopped' };

/**
 * Below the event loop and nats-server (nice 0), above the expression sandbox's runaways (19):
 * when the cores are busy the views trail the streams, and catch up when they are not.
 */
export const VIEW_THREAD_NICE = 10;
const STOP_MS = 10_000;

export class ViewThread {
  private readonly worker: Worker;
  private readonly logger: Logger;
  private exited = false;
  /** Set by stop(): the thread is ended on purpose (terminate() exits it with code 1). */
  private stopping = false;
  private stopped: (() => void) | undefined;

  private constructor(worker: Worker, logger: Logger) {
    this.worker = worker;
    this.logger = logger;
  }

  /** Resolves once every view folds (files open, consumers bound); rejects with the first reason. */
  static start(start: ViewThreadStart, logger: Logger): Promise<ViewThread> {
    const entry = new URL('./view-worker.ts', import.meta.url).href;
    const worker = new Worker(threadBoot(entry, import.meta.resolve('tsx/esm/api'), { nice: VIEW_THREAD_NICE }), { eval: true, workerData: start });
    const thread = new ViewThread(worker, logger);
    return new Promise<ViewThread>((resolve, reject) => {
      worker.on('message', (m: FromViewThread) => {
        if (m.type === 'ready') resolve(thread);
        else if (m.type === 'failed') {
          reject(new Error(m.error));
          void worker.terminate();
        } else if (m.type === 'log') thread.relay(m.line);
        else thread.stopped?.();
      });
      worker.on('error', (err) => {
        logger.error({ err: err.message }, 'views thread failed');
        reject(err);
      });
      worker.on('exit', (code) => {
        thread.exited = true;
        thread.stopped?.();
        if (code !== 0 && !thread.stopping) logger.error({ code }, 'views thread exited; the trace index and audit log no longer follow the streams');
        reject(new Error(`views thread exited with code ${code} before it started`));
      });
    });
  }

  /** Stops every view (what is queued commits first) and ends the thread. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.stopping = true;
    const done = new Promise<void>((r) => (this.stopped = r));
    this.worker.postMessage({ type: 'stop' } satisfies ToViewThread);
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
    log?.call(this.logger, rest, typeof msg === 'string' ? msg : undefined);
  }
}
