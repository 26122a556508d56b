/**
 * The availability service of one runner: the LMDB view, the projection keeping it current,
 * change events, and the lookups and reservations steps and the HTTP API use.
 */
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { AckedPublish } from '../config/acked-publish.ts';
import type { Availability, LookupQuery, ReservationDecision, ReservationRequest, SkuAvailability } from './api.ts';
import type { AvailabilityPolicy } from './policy.ts';
import type { MetricsRegistry } from '../observability/metrics.ts';
import { AtpDb } from './lmdb-store.ts';
import { Projection, type CommitInfo } from './projection.ts';
import { ChangePublisher, type ChangeAnnouncer, type ChangeEvent } from './changes.ts';
import { ChangeThread } from './change-thread.ts';
import { ExpiryTimer, DaySweep } from './timers.ts';
import { calendarOf, DEFAULT_CALENDAR, type LocationCalendar } from './calendar.ts';
import { skuAvailability, type VisibleFigure } from './figures.ts';
import { channelVisible } from './visible.ts';
import type { ChannelPolicy } from './policy.ts';
import { FastReader } from './fast.ts';
import { SUBJECTS, prepareValidators, validateEventBody } from './events.ts';
import { decisionOf } from './decisions.ts';
import { DecisionWaiters } from './decision-waiters.ts';
import { RequestGroups } from './request-groups.ts';

export interface AvailabilityOptions {
  readonly nc: NatsConnection;
  readonly policy: AvailabilityPolicy;
  /** The runner's data folder; the view lives in `<data>/availability/`. */
  readonly dataDir: string;
  readonly logger: Logger;
  readonly metrics?: MetricsRegistry;
  /** "Now" for lookups and expiry (tests inject one). */
  readonly clock?: () => number;
  /** Publish change events (default: the policy's `changes.enabled`). */
  readonly changes?: boolean;
  /** Resolve only once the view has caught up with the stream as it was at start (default true). */
  readonly catchUp?: boolean;
  readonly onChange?: (event: ChangeEvent) => void;
  /**
   * Announce changes from a thread of its own (change-thread.ts), connected to `natsUrl`: the
   * runner's choice, so that announcing never delays the fold and the lookups. `onChange` is
   * not called then. `entry` is the thread's module (runner/change-thread-entry.ts: the
   * connection it makes belongs to a layer above this one).
   */
  readonly changesThread?: { readonly natsUrl: string; readonly logLevel: string; readonly entry: string };
  readonly onCommit?: (info: CommitInfo) => void;
  /**
   * The acknowledged publishes of reservation requests and change events, on `nc` (the runner
   * passes its connection's PublishAcks); default `js.publish`.
   */
  readonly publish?: AckedPublish;
}

/** How long the stream may take to acknowledge a group of requests or change events. */
const ACK_TIMEOUT_MS = 10_000;

export class AvailabilityService implements Availability {
  readonly name = 'availability' as const;
  readonly policy: AvailabilityPolicy;
  readonly db: AtpDb;
  readonly projection: Projection;
  changes: ChangeAnnouncer | undefined;
  private readonly js: JetStreamClient;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly calendars = new Map<string, LocationCalendar>();
  private readonly calendar = (id: string): LocationCalendar => this.calendars.get(id) ?? DEFAULT_CALENDAR;
  private readonly expiry: ExpiryTimer;
  private readonly fast: FastReader;
  private sweep: DaySweep | undefined;
  private readonly decisionWaiters = new DecisionWaiters();
  private readonly requests: RequestGroups;
  private readonly counters: { decisions(kind: string): void; applied(n: number): void };
  private readonly acked: AckedPublish;

  private constructor(o: AvailabilityOptions, js: JetStreamClient, db: AtpDb) {
    this.policy = o.policy;
    this.db = db;
    this.js = js;
    const publish = o.publish ?? ((subject, data, opts) => js.publish(subject, data, opts));
    // Once per group of requests or changes, not per message: the spread costs nothing here.
    const acked: AckedPublish = (subject, data, opts) => publish(subject, data, { timeout: ACK_TIMEOUT_MS, ...opts });
    this.requests = new RequestGroups(o.nc, acked, o.policy.stream);
    this.logger = o.logger.child({ component: 'availability' });
    this.clock = o.clock ?? Date.now;
    for (const { value } of db.locations.getRange()) this.calendars.set(value.id, calendarOf(value));
    this.fast = new FastReader(o.policy, this.calendar, (id) => db.locationIndex(id));
    this.counters = registerMetrics(o.metrics, this);
    this.acked = acked;
    const changesOn = o.changes ?? o.policy.changes.enabled;
    // The thread, when asked for, is started by start() (it is asynchronous).
    this.changes = changesOn && !o.changesThread ? this.inProcessChanges(o) : undefined;
    this.expiry = new ExpiryTimer(this.clock, (skus) => {
      for (const sku of skus) this.changes?.mark(sku, this.projection.lastSeq, true);
    });
    this.projection = new Projection({
      js,
      db,
      policy: o.policy,
      logger: this.logger,
      onCommit: (info) => {
        this.committed(info);
        o.onCommit?.(info);
      },
    });
  }

  static async start(o: AvailabilityOptions): Promise<AvailabilityService> {
    const jsm = await jetstreamManager(o.nc);
    const js = jetstream(o.nc, { timeout: 10_000 });
    prepareValidators();
    const db = AtpDb.open(o.dataDir);
    const log = o.logger.child({ component: 'availability' });
    const state = (await jsm.streams.info(o.policy.stream)).state;
    if (db.reformatted) log.warn({ stream: o.policy.stream }, 'the availability view was written in an older layout: rebuilding it from the stream');
    if (db.discarded) log.warn({ stream: o.policy.stream }, 'the host restarted since the availability view was last written: rebuilding it from the stream');
    if (db.lastSeq > state.last_seq) {
      log.warn({ stream: o.policy.stream, viewSeq: db.lastSeq, streamSeq: state.last_seq }, 'the stream is behind the view (it was recreated or purged): rebuilding the view from it');
      db.clearFigures();
    } else if (db.lastSeq > 0 && state.first_seq > db.lastSeq + 1) {
      log.error({ stream: o.policy.stream, viewSeq: db.lastSeq, firstSeq: state.first_seq }, 'events between the view and the stream are gone (max age or limits); figures miss them until fresh snapshots arrive');
    }
    const service = new AvailabilityService(o, js, db);
    if (o.changesThread && (o.changes ?? o.policy.changes.enabled)) {
      try {
        service.changes = await ChangeThread.start(o.changesThread.entry, { natsUrl: o.changesThread.natsUrl, logLevel: o.changesThread.logLevel, dataDir: o.dataDir, unsynced: db.unsynced, policy: o.policy }, db, log);
      } catch (err) {
        // Channels still hear of changes, from the view's own loop, rather than the runner not starting.
        log.warn({ err: (err as Error).message }, 'the change-event thread did not start; announcing changes on the event loop');
        service.changes = service.inProcessChanges(o);
      }
    }
    try {
      service.loadExpiries();
      await service.projection.start();
      if (o.catchUp !== false && state.last_seq > service.projection.lastSeq) {
        const target = state.last_seq;
        log.info({ from: service.projection.lastSeq, to: target }, 'availability view catching up with the stream');
        const progress = setInterval(() => log.info({ at: service.projection.lastSeq, to: target }, 'availability view catching up'), 5000);
        try {
          await service.projection.waitForSeq(target, Infinity);
        } finally {
          clearInterval(progress);
        }
      }
    } catch (err) {
      // A view that cannot start leaves no thread behind to keep the process alive.
      await service.changes?.stop().catch(() => undefined);
      await service.projection.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
      throw err;
    }
    if (service.changes) service.sweep = new DaySweep(db, o.policy, service.calendar, service.clock, (skus) => skus.forEach((s) => service.changes?.mark(s, service.seq, true)));
    log.info({ seq: service.seq, stream: o.policy.stream }, 'availability view ready');
    return service;
  }

  /** Change events announced on this loop. */
  private inProcessChanges(o: AvailabilityOptions): ChangePublisher {
    return new ChangePublisher({ nc: o.nc, publish: this.acked, db: this.db, policy: o.policy, logger: this.logger, clock: this.clock, visible: (sku, channel, now) => this.visible(sku, channel, now), ...(o.onChange ? { onPublished: o.onChange } : {}) });
  }

  /** Checked on every HTTP request: built once. */
  private channelNames: readonly string[] | undefined;

  get channels(): readonly string[] {
    return (this.channelNames ??= this.policy.channels.map((c) => c.name));
  }

  get seq(): number {
    return this.projection.lastSeq;
  }

  lookup(sku: string, query: LookupQuery = {}): SkuAvailability {
    const now = this.clock();
    const seq = this.projection.lastSeq;
    if (query.channel !== undefined && query.explain !== true) {
      // The common question (one channel, no explain) is answered from the lookup record.
      const channel = this.policy.channelByName.get(query.channel);
      if (!channel) throw new RangeError(`unknown channel '${query.channel}' (known: ${this.channels.join(', ')})`);
      const quantity = query.quantity ?? 1;
      const rec = this.db.lookup.get(sku);
      const known = rec !== undefined;
      const f = this.fast.figure(sku, rec, channel, query.region, quantity, now);
      if (f) {
        // Written out rather than spread: this runs on every lookup.
        const figure = query.region === undefined ? { channel: channel.name, available: f.available, quantity, promiseDate: f.promiseDate, shipDate: f.shipDate } : { channel: channel.name, region: query.region, available: f.available, quantity, promiseDate: f.promiseDate, shipDate: f.shipDate };
        return { sku, known, seq, channels: [figure] };
      }
    }
    return skuAvailability(sku, this.db.skus.get(sku), query, { policy: this.policy, now, calendar: this.calendar, ledger: this.db }, seq);
  }

  /** What a channel sees of a SKU now (change events). */
  private visible(sku: string, channel: ChannelPolicy, now: number): VisibleFigure {
    return channelVisible(sku, channel, now, { db: this.db, fast: this.fast, policy: this.policy, calendar: this.calendar });
  }

  reservation(id: string): ReservationDecision | undefined {
    const r = this.db.reservations.get(id);
    return r ? decisionOf(r) : undefined;
  }

  waitForSeq(seq: number, timeoutMs?: number): Promise<void> {
    return this.projection.waitForSeq(seq, timeoutMs);
  }

  async reserve(request: ReservationRequest, options: { timeoutMs?: number } = {}): Promise<ReservationDecision> {
    const body = {
      schemaVersion: 1,
      id: request.id,
      channel: request.channel,
      ...(request.region === undefined ? {} : { region: request.region }),
      lines: request.lines.map((l) => ({ ...(l.lineNumber === undefined ? {} : { lineNumber: l.lineNumber }), sku: l.sku, quantity: l.quantity })),
      ...(request.expiresAt === undefined ? {} : { expiresAt: new Date(request.expiresAt).toISOString() }),
      ...(request.needBy === undefined ? {} : { needBy: request.needBy }),
      requestedAt: new Date(this.clock()).toISOString(),
    };
    // A request the projection would skip must not reach the stream: say what is wrong now.
    const problem = validateEventBody(SUBJECTS.reservationRequested, body);
    if (problem) throw new RangeError(`reservation ${request.id}: ${problem}`);
    const existing = this.reservation(request.id);
    if (existing) return existing;
    // Two ways to the answer, whichever comes first: the commit that decides this id (the view
    // usually has the request as soon as the publisher has its acknowledgement, often before),
    // or the acknowledged sequence applied and the recorded decision read (a repeated id, or a
    // request closed before it was seen, decides nothing new in its commit).
    const timeoutMs = options.timeoutMs ?? 10_000;
    const wait = this.decisionWaiters.wait(request.id);
    let timer: NodeJS.Timeout | undefined;
    const bySeq = this.requests.send(SUBJECTS.reservationRequested, JSON.stringify(body), `reserve:${request.id}`).then(async (seq) => {
      if (seq === undefined) {
        // The group's sequence tells nothing about this request: only its decision will.
        return new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`reservation ${request.id}: no decision within ${timeoutMs} ms`)), timeoutMs);
        });
      }
      await this.projection.waitForSeq(seq, timeoutMs);
      const decision = this.reservation(request.id);
      if (!decision) throw new Error(`reservation ${request.id}: the view applied sequence ${seq} but holds no decision for it`);
      return decision;
    });
    try {
      return await Promise.race([wait.decided, bySeq]);
    } finally {
      wait.cancel();
      clearTimeout(timer);
      // The path that lost may still fail (a late acknowledgement timing out): nobody waits for it.
      bySeq.catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    await this.projection.stop();
    this.expiry.stop();
    this.sweep?.stop();
    await this.changes?.stop();
    await this.db.close();
  }

  private committed(info: CommitInfo): void {
    this.counters.applied(info.events);
    for (const m of info.locations) this.calendars.set(m.id, calendarOf(m));
    if (info.locations.length > 0) {
      this.fast.invalidate();
      this.changes?.locationsChanged?.(info.locations);
    }
    for (const d of info.decisions) this.counters.decisions(d.status === 'active' ? 'accepted' : d.status);
    this.decisionWaiters.settle(info.decisions);
    for (const e of info.expiries) this.expiry.add(e.at, e.sku);
    if (this.changes) for (const [sku, seq] of info.skus) this.changes.mark(sku, seq);
  }

  /** Open reservations still to expire, from the expiry index (not every reservation ever made). */
  private loadExpiries(): void {
    const now = this.clock();
    for (const key of this.db.expiries.getKeys({ start: [now + 1] })) {
      const r = this.db.reservations.get(key[1] as string);
      if (r?.status !== 'active') continue;
      for (const l of r.lines) this.expiry.add(key[0] as number, l.sku);
    }
  }

}

function registerMetrics(registry: MetricsRegistry | undefined, service: AvailabilityService): { decisions(kind: string): void; applied(n: number): void } {
  if (!registry) return { decisions: () => undefined, applied: () => undefined };
  const applied = registry.counter('crossdock_atp_events_applied_total', 'Inventory events applied to the availability view.').labels({});
  const decisions = registry.counter('crossdock_atp_reservations_total', 'Reservation requests decided, by decision.');
  registry.gauge('crossdock_atp_last_seq', 'Last inventory stream sequence applied to the availability view.', () => [[{}, service.seq]]);
  registry.counterFrom('crossdock_atp_change_events_total', 'Change events published (availability.<channel>.<sku>).', () => [[{}, service.changes?.stats.published ?? 0]]);
  registry.counterFrom('crossdock_atp_events_invalid_total', 'Inventory events skipped because they did not match their canonical schema.', () => [[{}, service.projection.stats.invalid]]);
  return { decisions: (kind) => decisions.labels({ decision: kind }).inc(), applied: (n) => applied.inc(n) };
}
