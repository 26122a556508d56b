/**
 * What feeds the console's event stream besides the rates: the KPI summary every 10 s, and
 * the open exceptions and the dead letters whenever they change. Each figure is worked out
 * once per interval for every client, and only while at least one client is connected.
 *
 * Change signals are cheap counters polled four times a second: the workbench view's fold positions
 * (an exception raised or acted on moves one) and the dead-letter stream's message count and
 * last sequence (a new, replayed or removed dead letter moves one). Only a change costs the
 * read behind it (the stored open counts; nothing for dead letters).
 */
import type { Logger } from 'pino';
import type { KpiReport, KpiRow } from '../operations/kpi/compute.ts';
import type { OpenCount } from '../operations/exceptions/totals.ts';
import type { EventHub } from './events.ts';

export const KPI_MS = 10_000;
/** A quarter of a second: a new dead letter shows in an open console within it (one stream-info request per poll, however many consoles). */
export const CHANGES_MS = 250;

/** The read side of the exceptions workbench the feed needs (WorkbenchView has it). */
export interface ExceptionsSource {
  readonly positions: { readonly exceptionsSeq: number; readonly workbenchSeq: number };
  openCounts(): OpenCount[];
}

export interface DeadLetterState {
  /** Dead letters stored now. */
  readonly count: number;
  /** The newest one's id (stream sequence); 0 when there has never been one. */
  readonly lastId: number;
}

export interface FeedSources {
  readonly kpis?: { recent(): KpiReport };
  readonly exceptions?: ExceptionsSource;
  /** The dead-letter stream's state (one stream-info request). Absent: the event says the figure is unavailable. */
  readonly deadLetters?: () => Promise<DeadLetterState>;
  readonly logger: Logger;
}

export interface KpiSummary {
  readonly since: string;
  readonly until: string;
  readonly kpis: readonly { readonly id: string; readonly title: string; readonly kind: string; readonly by: string; readonly all?: KpiRow; readonly unavailable?: string }[];
}

export interface ExceptionsEvent {
  /** Open or acknowledged items in all. */
  readonly open: number;
  readonly counts: readonly OpenCount[];
}

export function kpiSummary(report: KpiReport): KpiSummary {
  return {
    since: report.since,
    until: report.until,
    kpis: report.kpis.map((k) => ({ id: k.id, title: k.title, kind: k.kind, by: k.by, ...(k.unavailable ? { unavailable: k.unavailable } : {}), ...(k.rows[0] ? { all: k.rows[0] } : {}) })),
  };
}

export function exceptionsEvent(counts: readonly OpenCount[]): ExceptionsEvent {
  return { open: counts.reduce((n, c) => n + c.count, 0), counts };
}

export class Feeds {
  private readonly s: FeedSources;
  private readonly hub: EventHub;
  private timers: NodeJS.Timeout[] = [];
  private exceptionsAt = '';
  private exceptions: ExceptionsEvent | undefined;
  private deadLetters: DeadLetterState | undefined;
  private polling = false;

  constructor(sources: FeedSources, hub: EventHub) {
    this.s = sources;
    this.hub = hub;
    hub.onActive((active) => (active ? this.start() : this.stop()));
  }

  /** The current figures, as the first events of a new stream (dead letters once known). */
  async current(): Promise<{ event: string; data: unknown }[]> {
    const out: { event: string; data: unknown }[] = [];
    const kpi = this.kpi();
    if (kpi) out.push({ event: 'kpi', data: kpi });
    const ex = this.readExceptions(false);
    // A figure this runner cannot give is said once, so a page does not wait for it.
    out.push({ event: 'exceptions', data: ex ? ex.event : { unavailable: 'this runner does not fold the exceptions workbench (see CROSSDOCK_VIEWS)' } });
    const dl = this.deadLetters ?? (await this.readDeadLetters());
    if (dl) out.push({ event: 'dead-letters', data: dl });
    else if (!this.s.deadLetters) out.push({ event: 'dead-letters', data: { unavailable: 'no stream of the project captures dlq.>' } });
    return out;
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // Not polled while nobody watches, so no longer known.
    this.deadLetters = undefined;
  }

  private start(): void {
    if (this.timers.length > 0) return;
    const every = (ms: number, work: () => void): void => {
      const t = setInterval(work, ms);
      t.unref();
      this.timers.push(t);
    };
    if (this.s.kpis) {
      every(KPI_MS, () => {
        const k = this.kpi();
        if (k) this.hub.broadcast('kpi', k);
      });
    }
    if (this.s.exceptions || this.s.deadLetters) every(CHANGES_MS, () => void this.poll());
  }

  private kpi(): KpiSummary | undefined {
    if (!this.s.kpis) return undefined;
    try {
      return kpiSummary(this.s.kpis.recent());
    } catch (err) {
      this.s.logger.warn({ err }, 'console: the KPI summary could not be worked out');
      return undefined;
    }
  }

  /**
   * The open counts, read again only when the fold has moved. `remember` is false for a new
   * client's first events: the poll must still see the change, and tell the other clients.
   */
  private readExceptions(remember = true): { event: ExceptionsEvent; changed: boolean } | undefined {
    const src = this.s.exceptions;
    if (!src) return undefined;
    const at = `${src.positions.exceptionsSeq}/${src.positions.workbenchSeq}`;
    if (this.exceptions && at === this.exceptionsAt) return { event: this.exceptions, changed: false };
    const event = exceptionsEvent(src.openCounts());
    if (remember) {
      this.exceptionsAt = at;
      this.exceptions = event;
    }
    return { event, changed: true };
  }

  private async readDeadLetters(): Promise<DeadLetterState | undefined> {
    if (!this.s.deadLetters) return undefined;
    try {
      return await this.s.deadLetters();
    } catch (err) {
      this.s.logger.debug({ reason: (err as Error).message }, 'console: dead-letter stream state not read');
      return undefined;
    }
  }

  private async poll(): Promise<void> {
    // One poll at a time: a slow stream-info answer must not stack requests.
    if (this.polling) return;
    this.polling = true;
    try {
      const ex = this.readExceptions();
      if (ex?.changed) this.hub.broadcast('exceptions', ex.event);
      const dl = await this.readDeadLetters();
      if (dl && (dl.count !== this.deadLetters?.count || dl.lastId !== this.deadLetters.lastId)) {
        this.deadLetters = dl;
        this.hub.broadcast('dead-letters', dl);
      }
    } finally {
      this.polling = false;
    }
  }
}
