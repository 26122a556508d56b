/**
 * Change events from a thread of their own. Working out and sending `availability.<channel>.<sku>`
 * took turns of the event loop that folds inventory events and answers lookups: at 5,000
 * events a second the view's loop delay p99 went from ~7 ms to ~20 ms, and so did the time
 * from an event's publish to lookups seeing it. The thread reads the view's file (committed
 * figures only), keeps its own NATS connection, and tells the view which figures it announced;
 * the view writes them with its next commit and says so, and only then does the thread forget
 * them (until then it would find the old figure in the file and announce the change twice).
 *
 * This side batches the marks of one event-loop turn into one message.
 */
import type { Logger } from 'pino';
import { ThreadHost } from '../config/thread-host.ts';
import type { AvailabilityPolicy } from './policy.ts';
import type { ChangeAnnouncer } from './changes.ts';
import type { AtpDb, PublishedRecord } from './lmdb-store.ts';
import type { LocationMaster } from './state.ts';

/** What the thread is started with (structured-cloned: plain data only). */
export interface ChangeThreadStart {
  readonly natsUrl: string;
  readonly logLevel: string;
  readonly dataDir: string;
  /** The writer's flag, so that the thread opens the file as it was opened. */
  readonly unsynced: boolean;
  readonly policy: AvailabilityPolicy;
}

export type ToChangeThread =
  | { readonly type: 'marks'; readonly marks: readonly (readonly [sku: string, seq: number, timed: boolean])[] }
  | { readonly type: 'locations'; readonly locations: readonly LocationMaster[] }
  /** Every figure announced up to generation `gen` is in the file now. */
  | { readonly type: 'saved'; readonly gen: number };

export type ChangeStats = { readonly published: number; readonly compared: number; readonly failed: number };

export type FromChangeThread =
  | { readonly type: 'published'; readonly gen: number; readonly entries: readonly (readonly [sku: string, record: PublishedRecord])[] }
  | { readonly type: 'stats'; readonly stats: ChangeStats };

/**
 * Below the event loop (0) and above the views thread (10): change events are what channels
 * wait for; the trace index and audit log can trail.
 */
export const CHANGE_THREAD_NICE = 5;

export class ChangeThread implements ChangeAnnouncer {
  stats: ChangeStats = { published: 0, compared: 0, failed: 0 };
  private readonly host: ThreadHost<ToChangeThread, FromChangeThread>;
  private marks: [string, number, boolean][] = [];
  private scheduled = false;

  private constructor(host: ThreadHost<ToChangeThread, FromChangeThread>) {
    this.host = host;
  }

  /** `entry`: the module that runs the thread (it calls change-worker.ts's runChangeThread). */
  static async start(entry: string, start: ChangeThreadStart, db: AtpDb, logger: Logger): Promise<ChangeThread> {
    let thread: ChangeThread | undefined;
    const host = await ThreadHost.start<ToChangeThread, FromChangeThread>({
      entry,
      workerData: start,
      logger,
      nice: CHANGE_THREAD_NICE,
      lostMessage: 'change-event thread exited; availability changes are no longer announced',
      onMessage: (m) => {
        if (m.type === 'stats') {
          if (thread) thread.stats = m.stats;
          return;
        }
        db.queuePublished(new Map(m.entries));
        db.whenPublishedWritten(() => host.post({ type: 'saved', gen: m.gen }));
      },
    });
    thread = new ChangeThread(host);
    return thread;
  }

  mark(sku: string, seq: number, timed = false): void {
    this.marks.push([sku, seq, timed]);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.send());
  }

  locationsChanged(locations: readonly LocationMaster[]): void {
    this.send();
    this.host.post({ type: 'locations', locations });
  }

  /** Sends what is marked, then lets the thread announce it and end. */
  async stop(): Promise<void> {
    this.send();
    await this.host.stop();
  }

  private send(): void {
    this.scheduled = false;
    if (this.marks.length === 0) return;
    const marks = this.marks;
    this.marks = [];
    this.host.post({ type: 'marks', marks });
  }
}
