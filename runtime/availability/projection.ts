/**
 * The projection: the inventory stream, read in order by an ordered consumer (no durable
 * state on the server; the position lives in LMDB), folded into the view in batches. A batch
 * is whatever arrived in one turn of the event loop (at most `maxBatch` events), folded and
 * committed with its last sequence in one LMDB write transaction (reservation requests in it
 * are decided there, in stream order): exactly once across crashes and restarts.
 */
import { DeliverPolicy, type JetStreamClient, type JsMsg, type ConsumerMessages } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { AvailabilityPolicy } from './policy.ts';
import type { AtpDb, Batch } from './lmdb-store.ts';
import type { LocationMaster, ReservationRecord } from './state.ts';
import { decodeEvent, InvalidEvent } from './events.ts';
import { applyEvent } from './fold.ts';

export interface CommitInfo {
  readonly lastSeq: number;
  readonly events: number;
  /** SKU → the last sequence that changed it in this batch. */
  readonly skus: ReadonlyMap<string, number>;
  readonly decisions: readonly ReservationRecord[];
  readonly locations: readonly LocationMaster[];
  /** Expiry instants of reservations that started counting in this batch, by SKU. */
  readonly expiries: readonly { readonly at: number; readonly sku: string }[];
  /** performance.now() when the batch's first message arrived (its time inside the service ends at the commit). */
  readonly firstReceivedAt: number;
  /**
   * Warehouse events (positions, receipts, holds) in the batch: their location and the time the
   * stream stored them, epoch ms, for the inventory-sync KPI (stored → visible at this commit).
   */
  readonly warehouseEvents: readonly { readonly location: string; readonly storedAt: number }[];
}

export interface ProjectionOptions {
  readonly js: JetStreamClient;
  readonly db: AtpDb;
  readonly policy: AvailabilityPolicy;
  readonly logger: Logger;
  readonly onCommit?: (info: CommitInfo) => void;
  readonly maxBatch?: number;
}

interface Waiter {
  readonly seq: number;
  resolve(): void;
  reject(err: Error): void;
}

export class Projection {
  private readonly o: ProjectionOptions;
  private last: number;
  private pending: JsMsg[] = [];
  private firstReceivedAt = 0;
  private scheduled = false;
  private messages: ConsumerMessages | undefined;
  private waiters: Waiter[] = [];
  private failure: Error | undefined;
  private invalidLogged = 0;
  readonly stats = { applied: 0, invalid: 0, batches: 0 };

  constructor(options: ProjectionOptions) {
    this.o = options;
    this.last = options.db.lastSeq;
  }

  get lastSeq(): number {
    return this.last;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  async start(): Promise<void> {
    const from = this.last + 1;
    const consumer = await this.o.js.consumers.get(this.o.policy.stream, from <= 1 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
    // Pulls expire after 5 s (heartbeats every 2.5 s) instead of the client's 30 s: when the
    // stream's leader moves to another node, a pull the old leader held goes silent, and the
    // client only re-creates the consumer after missing two heartbeats. At the default that
    // froze the view for 45-90 s in the three-node cluster tests.
    this.messages = await consumer.consume({ max_messages: 2000, expires: 5000, callback: (m) => this.receive(m) });
  }

  async stop(): Promise<void> {
    const m = this.messages;
    this.messages = undefined;
    if (m) {
      m.stop();
      await m.closed().catch(() => undefined);
    }
    if (!this.failure && this.pending.length > 0) this.flush();
  }

  /** Resolves once `seq` is applied; rejects after `timeoutMs` or if the projection failed. */
  waitForSeq(seq: number, timeoutMs = 10_000): Promise<void> {
    if (this.last >= seq) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        seq,
        resolve: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          if (timer) clearTimeout(timer);
          reject(err);
        },
      };
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`the availability view has not applied stream sequence ${seq} within ${timeoutMs} ms (it is at ${this.last})`));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  private receive(m: JsMsg): void {
    if (this.failure) return;
    if (this.pending.length === 0) this.firstReceivedAt = performance.now();
    this.pending.push(m);
    if (this.pending.length >= (this.o.maxBatch ?? 1000)) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const msgs = this.pending;
    if (msgs.length === 0 || this.failure) return;
    this.pending = [];
    const { db, policy, logger } = this.o;
    const skus = new Map<string, number>();
    const decisions: ReservationRecord[] = [];
    const locations: LocationMaster[] = [];
    const expiries: { at: number; sku: string }[] = [];
    const warehouseEvents: { location: string; storedAt: number }[] = [];
    let events = 0;
    let last = this.last;
    let foldError: unknown;
    const fold = (batch: Batch): number => {
      // Read inside the commit's own transaction: another process sharing the files may have moved on.
      last = Math.max(this.last, db.lastSeq);
      for (const m of msgs) {
        const seq = m.seq;
        if (seq <= last) continue;
        last = seq;
        events++;
        let applied;
        try {
          const ev = decodeEvent(m.subject, m.data);
          const time = Math.floor(m.info.timestampNanos / 1e6);
          applied = applyEvent(batch, ev, { seq, time }, policy);
          if (ev.type === 'position' || ev.type === 'receipt' || ev.type === 'hold.placed') warehouseEvents.push({ location: ev.location, storedAt: time });
          if ((ev.type === 'reservation.created' || ev.type === 'reservation.requested') && ev.expiresAt !== undefined) {
            for (const sku of applied.skus) expiries.push({ at: ev.expiresAt, sku });
          }
        } catch (err) {
          if (!(err instanceof InvalidEvent)) {
            foldError = err;
            throw err;
          }
          // Skipped the same way on every replica and rebuild; the sequence still counts as applied.
          this.stats.invalid++;
          if (this.invalidLogged++ < 100) logger.warn({ seq, subject: m.subject, reason: err.message }, 'inventory event skipped');
          continue;
        }
        for (const sku of applied.skus) skus.set(sku, seq);
        // Reservations that timed out before this event: their SKUs' figures changed too.
        for (const sku of applied.expired ?? []) skus.set(sku, seq);
        if (applied.decision) decisions.push(applied.decision);
        if (applied.location) locations.push(applied.location);
      }
      return last;
    };
    try {
      db.transact(fold);
    } catch (err) {
      // A bug in the fold is not a storage failure: let it surface as before.
      if (foldError !== undefined) throw foldError;
      this.failure = new Error(`the availability view could not be written: ${(err as Error).message}`);
      logger.error({ err: (err as Error).message, seq: last }, 'availability projection stopped');
      this.messages?.stop();
      for (const w of this.waiters) w.reject(this.failure);
      this.waiters = [];
      return;
    }
    if (last <= this.last) return;
    this.last = last;
    this.stats.applied += events;
    this.stats.batches++;
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.seq <= last);
      if (ready.length > 0) {
        this.waiters = this.waiters.filter((w) => w.seq > last);
        for (const w of ready) w.resolve();
      }
    }
    this.o.onCommit?.({ lastSeq: last, events, skus, decisions, locations, expiries, firstReceivedAt: this.firstReceivedAt, warehouseEvents });
  }
}
