/**
 * Change events: `availability.<channel>.<sku>` when the figure a channel sees changes, so
 * channels never poll. SKUs touched by events (or by time: a reservation expiring, a new
 * day bringing inbound supply in) are marked dirty; after a short debounce each is compared
 * with the last figure published for it (kept in LMDB, so a restart or a rebuild does not
 * re-announce what channels already have) and published only when it differs. A burst of
 * events on one SKU therefore goes out once.
 *
 * Nats-Msg-Id is `<channel>:<sku>:<source seq>`: replicas that see the same change publish
 * the same id, and the stream keeps one.
 */
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { AvailabilityPolicy } from './policy.ts';
import type { AtpDb, PublishedFigure } from './lmdb-store.ts';
import type { LocationCalendar } from './calendar.ts';
import { sameFigure, visibleFigure, type VisibleFigure } from './figures.ts';
import type { Curve } from './curve.ts';

export interface ChangeEvent {
  readonly channel: string;
  readonly sku: string;
  readonly available: number;
  readonly regions?: Readonly<Record<string, number>>;
  /** Stream sequence of the last inventory event behind the figure. */
  readonly seq: number;
  readonly at: string;
}

/** A SKU as one subject token: characters NATS reserves (and `%`) become %XX. */
export function subjectToken(sku: string): string {
  return /^[A-Za-z0-9_-]+$/.test(sku) ? sku : Array.from(new TextEncoder().encode(sku), (b) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

export interface ChangePublisherOptions {
  readonly js: JetStreamClient;
  readonly db: AtpDb;
  readonly policy: AvailabilityPolicy;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly calendar: (location: string) => LocationCalendar;
  readonly onPublished?: (event: ChangeEvent) => void;
}

const ZERO: VisibleFigure = { available: 0 };
const CHUNK = 500;

export class ChangePublisher {
  private readonly o: ChangePublisherOptions;
  /** SKU → sequence behind the change, and whether time (not an event) changed it. */
  private dirty = new Map<string, { seq: number; timed: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly enc = new TextEncoder();
  readonly stats = { published: 0, compared: 0, failed: 0 };

  constructor(options: ChangePublisherOptions) {
    this.o = options;
  }

  mark(sku: string, seq: number, timed = false): void {
    const prev = this.dirty.get(sku);
    this.dirty.set(sku, { seq: Math.max(seq, prev?.seq ?? 0), timed: timed || (prev?.timed ?? false) });
    this.schedule();
  }

  /** Publishes what is dirty now and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.running) await this.running;
    if (this.dirty.size === 0) return;
    this.running = this.publishDirty().finally(() => {
      this.running = undefined;
      if (this.dirty.size > 0 && !this.stopped) this.schedule();
    });
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush().catch(() => undefined);
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || this.running || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.o.policy.changes.debounceMs);
  }

  private async publishDirty(): Promise<void> {
    const work = [...this.dirty];
    this.dirty = new Map();
    const { db, policy, clock } = this.o;
    for (let i = 0; i < work.length; i += CHUNK) {
      const now = clock();
      const ctx = { policy, now, calendar: this.o.calendar };
      const sends: Promise<void>[] = [];
      for (const [sku, mark] of work.slice(i, i + CHUNK)) {
        const state = db.skus.get(sku);
        const cache = new Map<string, Curve>();
        for (const channel of policy.channels) {
          const figure = visibleFigure(sku, state, channel, ctx, cache);
          const key = `${channel.name}\u0000${sku}`;
          const before: VisibleFigure = db.published.get(key) ?? ZERO;
          this.stats.compared++;
          if (sameFigure(before, figure)) continue;
          sends.push(this.send(channel.name, sku, figure, mark, now, key));
        }
      }
      await Promise.all(sends);
      // Let lookups and the projection in between chunks of a large backlog.
      if (i + CHUNK < work.length) await new Promise((r) => setImmediate(r));
    }
  }

  private async send(channel: string, sku: string, figure: VisibleFigure, mark: { seq: number; timed: boolean }, now: number, key: string): Promise<void> {
    const event: ChangeEvent = { channel, sku, available: figure.available, ...(figure.regions ? { regions: figure.regions } : {}), seq: mark.seq, at: new Date(now).toISOString() };
    // A change caused by time has no event of its own; its id must differ from the event's.
    const msgID = mark.timed ? `${channel}:${sku}:${mark.seq}:t${Math.floor(now / 1000)}` : `${channel}:${sku}:${mark.seq}`;
    const h = natsHeaders();
    h.set('Crossdock-Availability-Seq', String(mark.seq));
    try {
      await this.o.js.publish(`availability.${channel}.${subjectToken(sku)}`, this.enc.encode(JSON.stringify(event)), { msgID, headers: h });
    } catch (err) {
      this.stats.failed++;
      if (this.stats.failed % 100 === 1) this.o.logger.warn({ err: (err as Error).message, channel, sku }, 'change event not published; will retry');
      // Published later, against whatever the figure is then.
      setTimeout(() => this.mark(sku, mark.seq, mark.timed), 1000).unref();
      return;
    }
    const stored: PublishedFigure = { available: figure.available, ...(figure.regions ? { regions: figure.regions } : {}), seq: mark.seq };
    void this.o.db.published.put(key, stored);
    this.stats.published++;
    this.o.onPublished?.(event);
  }
}
