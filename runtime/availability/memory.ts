/**
 * The availability service without NATS or LMDB: the same fold and figures over plain maps,
 * with events applied the moment they are given. For offline use (step tests, and fixture
 * tests should they grow seed inventory); its "stream" is the order of `apply` calls.
 */
import type { Availability, LookupQuery, ReservationDecision, ReservationRequest, SkuAvailability } from './api.ts';
import type { AvailabilityPolicy } from './policy.ts';
import { MemoryStore } from './state.ts';
import { decodeEvent, SUBJECTS, validateEventBody } from './events.ts';
import { applyEvent, calendarFrom, type Applied } from './fold.ts';
import { skuAvailability } from './figures.ts';
import { decisionOf } from './decisions.ts';

const enc = new TextEncoder();

export class MemoryAvailability implements Availability {
  readonly name = 'availability' as const;
  readonly policy: AvailabilityPolicy;
  readonly store = new MemoryStore();
  private readonly clock: () => number;
  private last = 0;

  constructor(policy: AvailabilityPolicy, clock: () => number = Date.now) {
    this.policy = policy;
    this.clock = clock;
  }

  get channels(): readonly string[] {
    return this.policy.channels.map((c) => c.name);
  }

  get seq(): number {
    return this.last;
  }

  /** Applies one event as if it had just been stored on `subject` (at `time`, default the clock). */
  apply(subject: string, body: unknown, time = this.clock()): Applied {
    const ev = decodeEvent(subject, enc.encode(JSON.stringify(body)));
    return applyEvent(this.store, ev, { seq: ++this.last, time }, this.policy);
  }

  lookup(sku: string, query: LookupQuery = {}): SkuAvailability {
    return skuAvailability(sku, this.store.sku(sku), query, { policy: this.policy, now: this.clock(), calendar: calendarFrom(this.store), ledger: this.store }, this.last);
  }

  async reserve(request: ReservationRequest): Promise<ReservationDecision> {
    const body = {
      schemaVersion: 1,
      id: request.id,
      channel: request.channel,
      ...(request.region === undefined ? {} : { region: request.region }),
      lines: request.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      ...(request.expiresAt === undefined ? {} : { expiresAt: new Date(request.expiresAt).toISOString() }),
      ...(request.needBy === undefined ? {} : { needBy: request.needBy }),
    };
    const problem = validateEventBody(SUBJECTS.reservationRequested, body);
    if (problem) throw new RangeError(`reservation ${request.id}: ${problem}`);
    this.apply(SUBJECTS.reservationRequested, body);
    const d = this.reservation(request.id);
    if (!d) throw new Error(`reservation ${request.id}: no decision recorded`);
    return d;
  }

  reservation(id: string): ReservationDecision | undefined {
    const r = this.store.reservation(id);
    return r ? decisionOf(r) : undefined;
  }

  async waitForSeq(): Promise<void> {
    // Events apply synchronously: every sequence handed out is already applied.
  }
}
