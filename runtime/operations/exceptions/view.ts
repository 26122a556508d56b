/**
 * The runner's workbench view: EXCEPTIONS and WORKBENCH read in order by two ordered
 * consumers (no durable state on the server; the positions live in LMDB), folded in batches,
 * one LMDB transaction per batch. Every runner folds the same streams into its own store, so
 * every runner answers the same, and a deleted store is rebuilt from the streams.
 */
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { foldAction, foldException, type FoldOutcome, type StoredMessage } from './fold.ts';
import type { ExceptionFilter, WorkItem } from './model.ts';
import { WorkbenchStore, workbenchDir, type Positions } from './store.ts';
import { renderTotals, type OpenCount, type ResolutionStats } from './totals.ts';
import { EXCEPTIONS_PREFIX } from '../exception-subjects.ts';
import { WORKBENCH_PREFIX } from './fold.ts';

export interface WorkbenchViewOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly dataDir: string;
  /** The streams that capture `exceptions.>` and `workbench.>`. */
  readonly exceptionsStream: string;
  readonly workbenchStream: string;
  readonly logger: Logger;
  /** How long start waits for the fold to reach the streams' ends before answering anyway. */
  readonly catchUpMs?: number;
}

interface Pending {
  readonly from: 'exceptions' | 'workbench';
  readonly msg: StoredMessage;
}

interface Waiter {
  readonly want: Partial<Positions>;
  resolve(): void;
}

export class WorkbenchView {
  private readonly o: WorkbenchViewOptions;
  private readonly store: WorkbenchStore;
  private pos: Positions;
  private pending: Pending[] = [];
  private scheduled = false;
  private consumers: ConsumerMessages[] = [];
  private waiters: Waiter[] = [];
  private failure: Error | undefined;
  readonly stats: Record<FoldOutcome, number> = { opened: 0, applied: 0, unchanged: 0, refused: 0, parked: 0, orphaned: 0, invalid: 0 };

  private constructor(o: WorkbenchViewOptions, store: WorkbenchStore) {
    this.o = o;
    this.store = store;
    this.pos = store.positions;
  }

  static async start(o: WorkbenchViewOptions): Promise<WorkbenchView> {
    const [ex, wb] = await Promise.all([o.jsm.streams.info(o.exceptionsStream), o.jsm.streams.info(o.workbenchStream)]);
    const identity = `${o.exceptionsStream}@${ex.created}|${o.workbenchStream}@${wb.created}`;
    const view = new WorkbenchView(o, await WorkbenchStore.open(workbenchDir(o.dataDir), identity));
    await view.consume('exceptions', o.exceptionsStream, `${EXCEPTIONS_PREFIX}.>`, view.pos.exceptionsSeq);
    await view.consume('workbench', o.workbenchStream, `${WORKBENCH_PREFIX}.>`, view.pos.workbenchSeq);
    // Answer from a view that has what the streams held at start, unless that takes too long.
    const want = { exceptionsSeq: ex.state.messages > 0 ? ex.state.last_seq : 0, workbenchSeq: wb.state.messages > 0 ? wb.state.last_seq : 0 };
    if (!(await view.waitFor(want, o.catchUpMs ?? 10_000))) o.logger.warn({ want, at: view.pos }, 'exceptions workbench still catching up with its streams');
    return view;
  }

  get positions(): Positions {
    return this.pos;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  get(id: number): WorkItem | undefined {
    return this.store.get(id);
  }

  list(filter: ExceptionFilter, limit: number, before?: number): WorkItem[] {
    return this.store.list(filter, limit, before);
  }

  /** Resolution times by exception type, as stored running totals (what the KPI work reads). */
  resolutionStats(): Map<string, ResolutionStats> {
    return this.store.resolutionStats();
  }

  /** Items open or acknowledged, by state, type and partner. */
  openCounts(): OpenCount[] {
    return this.store.openCounts();
  }

  /** Items resolved in [since, until) and those not resolved now (see WorkbenchStore.forKpis). */
  forKpis(since: number, until: number): Iterable<WorkItem> {
    return this.store.forKpis(since, until);
  }

  /** Prometheus text of the open counts and resolution times (from stored totals). */
  metricsText(): string {
    return renderTotals(this.store.openCounts(), this.store.resolutionStats());
  }

  /** True once the fold has reached `want` (each given position), false after `timeoutMs`. */
  waitFor(want: Partial<Positions>, timeoutMs: number): Promise<boolean> {
    if (this.reached(want)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter: Waiter = {
        want,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    const cs = this.consumers;
    this.consumers = [];
    for (const c of cs) c.stop();
    await Promise.all(cs.map((c) => c.closed().catch(() => undefined)));
    if (!this.failure && this.pending.length > 0) this.flush();
    await this.store.close();
  }

  private reached(want: Partial<Positions>): boolean {
    return (want.exceptionsSeq ?? 0) <= this.pos.exceptionsSeq && (want.workbenchSeq ?? 0) <= this.pos.workbenchSeq;
  }

  private async consume(from: Pending['from'], stream: string, subject: string, after: number): Promise<void> {
    const consumer = await this.o.js.consumers.get(stream, {
      filter_subjects: subject,
      ...(after < 1 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }),
    });
    // Short pulls, as the availability projection does, so a moved stream leader is noticed soon.
    this.consumers.push(await consumer.consume({ max_messages: 1000, expires: 5000, callback: (m) => this.receive(from, m) }));
  }

  private receive(from: Pending['from'], m: JsMsg): void {
    if (this.failure) return;
    const headers: Record<string, string> = {};
    if (m.headers) for (const [k, v] of m.headers) headers[k] = v.join(', ');
    this.pending.push({ from, msg: { seq: m.seq, subject: m.subject, time: Math.floor(m.info.timestampNanos / 1e6), headers, data: m.data } });
    if (this.pending.length >= 1000) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0 || this.failure) return;
    this.pending = [];
    let { exceptionsSeq, workbenchSeq } = this.pos;
    const counted: FoldOutcome[] = [];
    try {
      this.store.commit((t) => {
        for (const { from, msg } of batch) {
          if (from === 'exceptions') {
            if (msg.seq <= exceptionsSeq) continue;
            counted.push(foldException(t, msg));
            exceptionsSeq = msg.seq;
          } else {
            if (msg.seq <= workbenchSeq) continue;
            counted.push(foldAction(t, msg, exceptionsSeq));
            workbenchSeq = msg.seq;
          }
        }
        return { exceptionsSeq, workbenchSeq };
      });
    } catch (err) {
      this.failure = err as Error;
      this.o.logger.error({ err }, 'exceptions workbench fold failed; its view stops here (restart the runner to rebuild)');
      return;
    }
    this.pos = { exceptionsSeq, workbenchSeq };
    for (const c of counted) this.stats[c]++;
    const ready = this.waiters.filter((w) => this.reached(w.want));
    if (ready.length > 0) {
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    }
  }
}
