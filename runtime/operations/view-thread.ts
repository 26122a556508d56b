/**
 * The views that only fold streams into files — the trace index, and the audit log's auditor and
 * index — on a thread of their own. Folding every stream message (its delivery, headers, LMDB
 * encoding, hashing, and the garbage they make) cost the runner's event loop as much as the
 * pipelines' own work per order on the Shopify flow; on its own thread, at a lower scheduling
 * priority, it uses a core the pipelines are not using and yields when they are. The thread is
 * each file's one writer in this process; the runner reads journeys and audit entries from the
 * same files. Views that act (expectations' timers, the workbench's actions) stay on the loop.
 */
import type { Logger } from 'pino';
import { ThreadHost } from '../config/thread-host.ts';

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

/**
 * Below the event loop and nats-server (nice 0), above the expression sandbox's runaways (19):
 * when the cores are busy the views trail the streams, and catch up when they are not.
 */
export const VIEW_THREAD_NICE = 10;

export class ViewThread {
  private readonly host: ThreadHost<never, never>;

  private constructor(host: ThreadHost<never, never>) {
    this.host = host;
  }

  /** Resolves once every view folds (files open, consumers bound); rejects with the first reason. */
  static async start(start: ViewThreadStart, logger: Logger): Promise<ViewThread> {
    const host = await ThreadHost.start<never, never>({
      entry: new URL('./view-worker.ts', import.meta.url).href,
      workerData: start,
      logger,
      nice: VIEW_THREAD_NICE,
      lostMessage: 'views thread exited; the trace index and audit log no longer follow the streams',
    });
    return new ViewThread(host);
  }

  /** Stops every view (what is queued commits first) and ends the thread. */
  stop(): Promise<void> {
    return this.host.stop();
  }
}
