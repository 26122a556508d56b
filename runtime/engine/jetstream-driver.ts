/**
 * The input driver of `jetstream` inputs: runs one compiled pipeline against JetStream as an
 * RxJS stream:
 *
 *   pull consumer (batched, capacity-bounded) → mergeMap(handle, concurrency) → publish outputs → ack
 *
 * The source pulls only as many messages as the pipeline can work on at once (see PullSource).
 * A message is acknowledged only after JetStream has acknowledged every publish it caused.
 * What happens after a failure is the pipeline's delivery policy (delivery-policy.ts); this
 * driver only translates it: retry is a nak with the policy's delay, dead-letter a publish to
 * the dead-letter subject and an ack. Nothing is acked that was not fully handled, so a crash
 * at any point leads to redelivery, and message ids derived from business keys let the output
 * streams drop the duplicates.
 */
import { mergeMap, type Subscription } from 'rxjs';
import type { MsgHdrs } from '@nats-io/transport-node';
import { jetstream, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { JetStreamInput } from '../components/inputs/jetstream.ts';
import type { MessageMeta } from '../components/types.ts';
import { ensureConsumer } from '../transport/consumers.ts';
import { PullSource } from '../transport/pull-source.ts';
import { createExchange, isFailure, processExchange, type Failure, type Outcome } from './process.ts';
import { deadLetter, type FailureKind } from './dead-letter.ts';
import { backoffDelay, claimCheckFailure, decideFailure, publishFailure } from './delivery-policy.ts';
import { resolveClaimCheck } from '../transport/claim-check.ts';
import { CORRELATION_ID } from '../components/header-names.ts';
import { Deliverer } from './deliverer.ts';
import { publishAcksFor } from '../transport/publish-acks.ts';
import type { DriverDeps, InputDriver } from './drivers.ts';
import { propagateOnly, TRACEPARENT, type SpanOutcome, type Tracing } from '../observability/tracing.ts';

export class JetStreamDriver implements InputDriver {
  readonly pipeline: CompiledPipeline;
  private readonly input: JetStreamInput;
  private readonly deps: DriverDeps;
  private readonly js: ReturnType<typeof jetstream>;
  private readonly deliverer: Deliverer;
  private readonly log: Logger;
  private readonly tracing: Tracing;
  private source: PullSource | undefined;
  private subscription: Subscription | undefined;
  /** Every message being handled, with when its handling began (for in-progress acks). */
  private readonly inFlight = new Map<JsMsg, number>();
  /** Messages waiting on an expression worker, which gave their pull slot to others. */
  private parked = 0;
  private idleWaiters: (() => void)[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private finished: Promise<void> = Promise.resolve();
  private bound = false;

  constructor(pipeline: CompiledPipeline, deps: DriverDeps) {
    const input = pipeline.input;
    if (input.kind !== 'jetstream') throw new Error(`pipeline ${pipeline.name}: input ${input.kind} is not run by the JetStream driver`);
    this.pipeline = pipeline;
    this.input = input.config;
    this.deps = deps;
    this.js = jetstream(deps.nc, { timeout: 5000 });
    this.deliverer = new Deliverer(this.js, publishAcksFor(deps.nc).publish);
    this.log = deps.logger.child({ pipeline: pipeline.name });
    this.tracing = deps.tracing ?? propagateOnly;
  }

  /** True once the consumer exists and messages are being pulled. */
  get ready(): boolean {
    return this.bound;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  async start(): Promise<void> {
    const setup = await ensureConsumer(this.deps.jsm, this.input, this.pipeline.name, this.pipeline.errors.maxDeliver);
    if (setup.action !== 'unchanged') this.log.info({ consumer: this.input.durable, action: setup.action, fields: setup.fields }, `consumer ${setup.action}`);
    if (setup.ignored.length > 0) {
      this.log.warn({ consumer: this.input.durable, ignored: setup.ignored }, 'deliver policy applies only to a new consumer; the existing durable keeps its position');
    }
    const consumer = await this.js.consumers.get(this.input.stream, this.input.durable);
    const source = new PullSource(consumer, { batch: this.input.batch, capacity: this.input.concurrency }, this.log);
    this.source = source;
    let resolveDone!: () => void;
    this.finished = new Promise<void>((r) => (resolveDone = r));
    this.subscription = source
      .messages()
      .pipe(mergeMap((m) => this.admit(m, source), this.input.concurrency))
      .subscribe({
        complete: () => resolveDone(),
        error: (err: unknown) => {
          this.log.error({ err }, 'message stream failed');
          resolveDone();
        },
      });
    // A message handled for longer than a third of ackWait tells JetStream it is still being
    // worked on, so a slow step or an expression in a worker never turns into a redelivery.
    const every = Math.max(250, Math.floor(this.input.ackWaitMs / 3));
    this.heartbeat = setInterval(() => this.keepAlive(every), every);
    this.heartbeat.unref();
    this.bound = true;
    this.log.info({ stream: this.input.stream, subject: this.input.subject, consumer: this.input.durable, batch: this.input.batch, concurrency: this.input.concurrency }, 'pipeline started');
  }

  /**
   * Stops pulling, lets in-flight messages finish (published and acked) for up to `graceMs`,
   * then hands back whatever is still unfinished for immediate redelivery.
   */
  async stop(graceMs: number): Promise<{ unfinished: number }> {
    this.bound = false;
    this.source?.stop();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      // Parked messages finish after the stream has completed: wait for those too.
      this.finished.then(() => this.idle()).then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
    ]);
    if (timer) clearTimeout(timer);
    clearInterval(this.heartbeat);
    const unfinished = this.inFlight.size;
    if (timedOut) {
      for (const m of this.inFlight.keys()) m.nak();
      this.inFlight.clear();
      this.subscription?.unsubscribe();
    }
    this.log.info({ unfinished }, 'pipeline stopped');
    return { unfinished };
  }

  /**
   * Runs one message and resolves when its pull slot is free again: when it is finished, or
   * earlier, when it waits on an expression worker (a runaway mapping must not hold a slot that
   * healthy messages need). Parked messages stay in flight, bounded by the pipeline's
   * concurrency, and keep their ack alive with in-progress acks.
   */
  private admit(m: JsMsg, source: PullSource): Promise<void> {
    return new Promise<void>((freeSlot) => {
      let slotHeld = true;
      let parked = false;
      let offloaded = false;
      const release = (): void => {
        if (!slotHeld) return;
        slotHeld = false;
        source.release();
        freeSlot();
      };
      const park = (): void => {
        if (!offloaded) {
          offloaded = true;
          this.deps.metrics.offloaded.inc();
        }
        if (parked || !slotHeld || this.parked >= this.input.concurrency) return;
        parked = true;
        this.parked++;
        release();
      };
      void this.handle(m, park).finally(() => {
        if (parked) this.parked--;
        release();
        if (this.inFlight.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    });
  }

  private idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise<void>((r) => this.idleWaiters.push(r));
  }

  private keepAlive(olderThanMs: number): void {
    const cutoff = Date.now() - olderThanMs;
    for (const [m, since] of this.inFlight) if (since <= cutoff) m.working();
  }

  private async handle(m: JsMsg, onOffload: () => void): Promise<void> {
    const started = performance.now();
    this.inFlight.set(m, Date.now());
    const metrics = this.deps.metrics;
    metrics.received.inc();
    const info = m.info;
    const meta: MessageMeta = {
      pipeline: this.pipeline.name,
      subject: m.subject,
      stream: info.stream,
      streamSeq: info.streamSequence,
      deliveryCount: info.deliveryCount,
      receivedAt: Date.now(),
      key: `${info.stream}:${info.streamSequence}`,
    };
    const headers = headerRecord(m.headers);
    const span = this.tracing.begin(headers[TRACEPARENT], { pipeline: this.pipeline.name, stream: info.stream, seq: info.streamSequence, subject: m.subject });
    let spanOutcome: SpanOutcome = 'failed';
    try {
      // A delivery past maxDeliver (the runner stopped or died during the last attempt) is
      // still attempted: its outputs carry message ids, so if they were stored before, they are
      // deduplicated, and a message whose outputs were all stored is never dead-lettered.
      // Any failure on it is final (see fail()).
      // A body over max_payload travels by claim check: fetch it from the object store.
      const resolved = resolveClaimCheck(this.js, headers, m.data);
      let data: Uint8Array;
      if (resolved instanceof Promise) {
        try {
          data = await resolved;
        } catch (err) {
          spanOutcome = await this.fail(m, meta, headers, headers[CORRELATION_ID] ?? '', claimCheckFailure(err));
          return;
        }
      } else data = resolved;
      const ex = createExchange(this.pipeline, { data, headers, meta, onOffload, traceparent: span.traceparent }, this.input.format);
      if (isFailure(ex)) {
        spanOutcome = await this.fail(m, meta, headers, headers[CORRELATION_ID] ?? '', ex);
        return;
      }
      const result = processExchange(this.pipeline, ex);
      const outcome: Outcome = result instanceof Promise ? await result : result;
      switch (outcome.kind) {
        case 'drop':
          m.ack();
          spanOutcome = 'dropped';
          metrics.dropped.inc();
          if (this.log.isLevelEnabled('debug')) this.log.debug({ correlationId: ex.correlationId, seq: meta.streamSeq, step: outcome.step }, 'dropped by filter');
          break;
        case 'fail':
          spanOutcome = await this.fail(m, meta, headers, ex.correlationId, outcome.failure);
          break;
        case 'emit':
          try {
            await this.deliverer.deliverAll(outcome.emissions);
          } catch (err) {
            // Too large for the server even by claim check is permanent; anything else may pass later.
            spanOutcome = await this.fail(m, meta, headers, ex.correlationId, publishFailure(err, this.pipeline.steps.length + 1));
            break;
          }
          m.ack();
          spanOutcome = 'delivered';
          metrics.published.inc(outcome.emissions.length);
          if (this.log.isLevelEnabled('debug')) {
            this.log.debug({ correlationId: ex.correlationId, seq: meta.streamSeq, outputs: outcome.emissions.map((e) => e.subject) }, 'delivered');
          }
          break;
      }
    } catch (err) {
      // Only a bug gets here (every expected failure is handled above): hand the message back.
      this.log.error({ err, seq: meta.streamSeq, correlationId: headers[CORRELATION_ID] }, 'unexpected error while handling a message');
      m.nak(backoffDelay(meta.deliveryCount, this.pipeline.errors));
    } finally {
      span.end(spanOutcome);
      this.inFlight.delete(m);
      metrics.processing.observe((performance.now() - started) / 1000);
    }
  }

  /** Retries or dead-letters; says which, for the message's span. */
  private async fail(m: JsMsg, meta: MessageMeta, headers: Record<string, string>, correlationId: string, failure: Failure): Promise<SpanOutcome> {
    const decision = decideFailure(failure, meta.deliveryCount, this.pipeline.errors);
    if (decision.action === 'dead-letter') {
      return (await this.deadLetter(m, meta, headers, correlationId, failure, decision.kind)) ? 'dead-lettered' : 'retry';
    }
    this.deps.metrics.retried.inc();
    this.log.warn({ correlationId, seq: meta.streamSeq, step: failure.step, reason: failure.reason, delivery: meta.deliveryCount, retryInMs: decision.delayMs }, 'transient failure, will retry');
    m.nak(decision.delayMs);
    return 'retry';
  }

  /** False when the dead letter did not land and the message was handed back. */
  private async deadLetter(m: JsMsg, meta: MessageMeta, headers: Record<string, string>, correlationId: string, failure: Failure, kind: FailureKind): Promise<boolean> {
    const dl = deadLetter(this.pipeline.errors.deadLetter, this.pipeline.name, meta, { data: m.data, headers }, correlationId, failure, kind);
    try {
      await this.deliverer.deadLetter(dl);
    } catch (err) {
      // The dead letter did not land: keep the message (redelivered later), never drop it.
      this.log.error({ err: (err as Error).message, correlationId, seq: meta.streamSeq, deadLetter: dl.subject }, 'dead-letter publish failed; message left for redelivery');
      m.nak(backoffDelay(meta.deliveryCount, this.pipeline.errors));
      return false;
    }
    m.ack();
    this.deps.metrics.deadLettered.inc();
    this.log.warn({ correlationId, seq: meta.streamSeq, subject: meta.subject, step: failure.step, reason: failure.reason, field: failure.field, kind, deadLetter: dl.subject }, 'message dead-lettered');
    return true;
  }
}

function headerRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [k, v] of h) {
    if (v.length > 0) out[k] = v[0] as string;
  }
  return out;
}
