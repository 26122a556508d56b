/**
 * The driver of `files` inputs. The protocol keeps a file from being lost or handled twice:
 *   1. a complete file is claimed by renaming it into `<dir>/.claimed/` (atomic; a second
 *      runner's rename fails, so it moves on);
 *   2. its outputs are published and acknowledged by JetStream;
 *   3. only then is it moved to `processed/` (or, rejected, dead-lettered and moved to `failed/`
 *      with a `.reason.json`).
 * A crash between 1 and 3 leaves the file in `.claimed/`; after `reclaimAfter` it is taken again
 * and republished with the same message key (the SHA-256 of its content), which the streams
 * deduplicate. Attempts are counted in `.claimed/.<name>.attempts` and follow the pipeline's
 * `errors` (delivery-policy.ts), as a JetStream message does: a permanent failure goes to
 * `failed/` at once, a transient one after `maxDeliver` attempts. A body too large for one
 * NATS message (the file in a dead letter, a big document) goes by claim check (deliverer.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { FilesInput } from '../components/inputs/files.ts';
import type { MessageMeta } from '../components/types.ts';
import type { DriverDeps, InputDriver } from '../engine/drivers.ts';
import { createExchange, isFailure, processExchange, type Failure, type Outcome } from '../engine/process.ts';
import { deadLetter, type FailureKind } from '../engine/dead-letter.ts';
import { backoffDelay, decideDelivery, publishFailure } from '../engine/delivery-policy.ts';
import { Deliverer } from '../engine/deliverer.ts';
import { publishAcksFor } from '../transport/publish-acks.ts';
import { propagateOnly, type Tracing } from '../observability/tracing.ts';

const CLAIMED = '.claimed';

export class FileDrop implements InputDriver {
  readonly pipeline: CompiledPipeline;
  private readonly input: FilesInput;
  private readonly deps: DriverDeps;
  private readonly deliverer: Deliverer;
  private readonly log: Logger;
  private readonly tracing: Tracing;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  /** size and mtime when first seen unchanged, by file name. */
  private readonly seen = new Map<string, { size: number; mtimeMs: number; since: number }>();
  /** When our own retry of a claimed file is due, by file name. */
  private readonly retryAt = new Map<string, number>();

  constructor(pipeline: CompiledPipeline, deps: DriverDeps) {
    const input = pipeline.input;
    if (input.kind !== 'files') throw new Error(`pipeline ${pipeline.name}: input ${input.kind} is not run by the drop-folder driver`);
    this.pipeline = pipeline;
    this.input = input.config;
    this.deps = deps;
    this.deliverer = new Deliverer(jetstream(deps.nc, { timeout: 5000 }), publishAcksFor(deps.nc).publish);
    this.log = deps.logger.child({ pipeline: pipeline.name, dir: this.input.dir });
    this.tracing = deps.tracing ?? propagateOnly;
  }

  get ready(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    for (const d of [this.input.dir, join(this.input.dir, CLAIMED), join(this.input.dir, 'processed'), join(this.input.dir, 'failed')]) {
      await mkdir(d, { recursive: true });
    }
    this.running = true;
    this.schedule(0);
    this.log.info({ pattern: this.input.patternText }, 'watching drop folder');
  }

  async stop(graceMs: number): Promise<{ unfinished: number }> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    // The grace timer is cleared as soon as the poll ends: left running, it would hold the
    // process open for the whole grace period after an idle stop.
    let grace: NodeJS.Timeout | undefined;
    const done = await Promise.race([this.current.then(() => true), new Promise<boolean>((r) => (grace = setTimeout(() => r(false), graceMs)))]);
    clearTimeout(grace);
    return { unfinished: done ? 0 : 1 };
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.current = this.poll().catch((err: unknown) => this.log.error({ err }, 'drop folder poll failed'));
      void this.current.then(() => this.schedule(this.input.pollMs));
    }, ms);
  }

  private async poll(): Promise<void> {
    const now = Date.now();
    for (const name of await this.reclaimable(now)) {
      if (!this.running) return;
      await this.handle(name, join(this.input.dir, CLAIMED, name));
    }
    const names = (await readdir(this.input.dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.') && this.input.pattern.test(e.name)).map((e) => e.name).sort();
    for (const name of names) {
      if (!this.running) return;
      const path = join(this.input.dir, name);
      const st = await stat(path).catch(() => undefined);
      if (!st || !this.complete(name, st.size, st.mtimeMs, now)) continue;
      const claimed = join(this.input.dir, CLAIMED, name);
      try {
        await rename(path, claimed);
      } catch {
        continue; // another runner took it
      }
      this.seen.delete(name);
      await this.handle(name, claimed);
    }
  }

  /** Unchanged size and mtime for `stableFor` (or already that old when first seen). */
  private complete(name: string, size: number, mtimeMs: number, now: number): boolean {
    if (now - mtimeMs >= this.input.stableForMs) return true;
    const prev = this.seen.get(name);
    if (!prev || prev.size !== size || prev.mtimeMs !== mtimeMs) {
      this.seen.set(name, { size, mtimeMs, since: now });
      return false;
    }
    return now - prev.since >= this.input.stableForMs;
  }

  /** Claimed files whose runner must have died (older than reclaimAfter), plus our own retries that are due. */
  private async reclaimable(now: number): Promise<string[]> {
    const out: string[] = [];
    const dir = join(this.input.dir, CLAIMED);
    for (const name of (await readdir(dir)).sort()) {
      // Hidden names are our attempt records, never files to take.
      if (name.startsWith('.') || !this.input.pattern.test(name)) continue;
      const due = this.retryAt.get(name);
      if (due !== undefined) {
        if (now >= due) out.push(name);
        continue;
      }
      const st = await stat(join(dir, name)).catch(() => undefined);
      if (st && now - st.ctimeMs >= this.input.reclaimAfterMs) out.push(name);
    }
    return out;
  }

  private async handle(name: string, claimed: string): Promise<void> {
    const started = performance.now();
    const m = this.deps.metrics;
    const st = await stat(claimed).catch(() => undefined);
    if (!st) return;
    if (st.size > this.input.maxSizeBytes) {
      const reason = `file is ${st.size} bytes, more than maxSize ${this.input.maxSizeBytes}; not read, not dead-lettered`;
      await this.finish(name, claimed, 'failed', this.reasonRecord(name, { permanent: true, stepIndex: 0, step: 'size', reason }, 'permanent', 1, ''));
      return;
    }
    const data = new Uint8Array(await readFile(claimed));
    m.received.inc();
    const digest = createHash('sha256').update(data).digest('hex');
    const before = await this.attemptsSoFar(name, digest);
    const attempt = before.attempts + 1;
    // Counted before the work, so an attempt the runner dies in counts too (as a JetStream delivery does).
    await writeFile(this.attemptsPath(name), JSON.stringify({ sha256: digest, attempts: attempt, claim: before.claim }));
    const meta: MessageMeta = { pipeline: this.pipeline.name, subject: `file:${name}`, stream: 'files', streamSeq: 0, deliveryCount: attempt, receivedAt: Date.now(), key: `file:${digest.slice(0, 32)}` };
    const headers = { 'X-File-Name': name, 'X-File-Sha256': digest };
    let correlationId = '';
    let failure: Failure | undefined;
    try {
      if (attempt > this.pipeline.errors.maxDeliver + 1) {
        // As JetStream stops at maxDeliver + 1 deliveries: a file that keeps taking its runner down is not tried again.
        failure = { permanent: false, stepIndex: 0, step: 'delivery', reason: `claimed ${attempt - 1} times without finishing (the runner may have stopped or died while handling it)` };
      } else {
        const r = await this.attempt(name, data, headers, meta);
        correlationId = r.correlationId;
        failure = r.failure;
      }
      const decision = decideDelivery(failure, attempt, this.pipeline.errors);
      if (decision.action === 'ack' || !failure) await this.finish(name, claimed, 'processed');
      else if (decision.action === 'retry') this.retryLater(name, attempt, decision.delayMs, failure.reason);
      else await this.deadLetterFile(name, claimed, meta, data, headers, failure, decision.kind, correlationId, before.claim);
    } catch (err) {
      // Only a bug or a file system error gets here; the file stays claimed, and its attempts count on.
      this.log.error({ err, file: name, attempt }, 'unexpected error while handling a file');
      this.retryLater(name, attempt, backoffDelay(attempt, this.pipeline.errors), (err as Error).message);
    } finally {
      m.processing.observe((performance.now() - started) / 1000);
    }
  }

  /** Runs the pipeline and publishes its outputs; a failure says what went wrong, nothing is decided here. */
  /** Runs the pipeline once, as one span: a file starts its own trace. */
  private async attempt(name: string, data: Uint8Array, headers: Record<string, string>, meta: MessageMeta): Promise<{ failure: Failure | undefined; correlationId: string }> {
    const span = this.tracing.begin(undefined, { pipeline: this.pipeline.name, stream: meta.stream, seq: 0, subject: meta.subject });
    let r: { failure: Failure | undefined; correlationId: string; dropped?: boolean } = { failure: undefined, correlationId: '' };
    try {
      r = await this.run(name, data, headers, meta, span.traceparent);
      return r;
    } finally {
      span.end(r.failure ? 'failed' : r.dropped ? 'dropped' : 'delivered');
    }
  }

  private async run(name: string, data: Uint8Array, headers: Record<string, string>, meta: MessageMeta, traceparent: string): Promise<{ failure: Failure | undefined; correlationId: string; dropped?: boolean }> {
    const ex = createExchange(this.pipeline, { data, headers, meta, traceparent }, this.input.format);
    if (isFailure(ex)) return { failure: ex, correlationId: '' };
    const r = processExchange(this.pipeline, ex);
    const outcome: Outcome = r instanceof Promise ? await r : r;
    if (outcome.kind === 'fail') return { failure: outcome.failure, correlationId: ex.correlationId };
    if (outcome.kind === 'drop') {
      this.deps.metrics.dropped.inc();
      return { failure: undefined, correlationId: ex.correlationId, dropped: true };
    }
    try {
      await this.deliverer.deliverAll(outcome.emissions);
    } catch (err) {
      return { failure: publishFailure(err, this.pipeline.steps.length + 1), correlationId: ex.correlationId };
    }
    this.deps.metrics.published.inc(outcome.emissions.length);
    this.log.info({ file: name, messages: outcome.emissions.length, correlationId: ex.correlationId }, 'file processed');
    return { failure: undefined, correlationId: ex.correlationId };
  }

  private async deadLetterFile(name: string, claimed: string, meta: MessageMeta, data: Uint8Array, headers: Record<string, string>, failure: Failure, kind: FailureKind, correlationId: string, claim: string): Promise<void> {
    const attempt = meta.deliveryCount;
    const letter = deadLetter(this.pipeline.errors.deadLetter, this.pipeline.name, meta, { data, headers }, correlationId, failure, kind);
    // The content key alone would make the dead letter of the same file, replayed and failing
    // again, a duplicate of the first; the claim keeps a crashed attempt's rewrite deduplicated.
    const dl = { ...letter, msgId: `${letter.msgId}:${claim}` };
    let where: DeadLetterPlace;
    try {
      const ack = await this.deliverer.deadLetter(dl);
      where = { subject: dl.subject, stream: ack.stream, id: ack.seq };
      this.deps.metrics.deadLettered.inc();
    } catch (err) {
      const message = (err as Error).message;
      // The dead letter is the file's record for `dlq replay`: try again while attempts remain,
      // then give up on it rather than hold the file in .claimed/ for ever.
      if (attempt < this.pipeline.errors.maxDeliver + 1) {
        this.retryLater(name, attempt, backoffDelay(attempt, this.pipeline.errors), `dead letter not published: ${message}`);
        return;
      }
      this.log.error({ file: name, correlationId, deadLetter: dl.subject, err: message }, 'dead letter not published; file moved to failed/ without one');
      where = { subject: dl.subject, error: message };
    }
    this.log.warn({ file: name, correlationId, step: failure.step, reason: failure.reason, kind, attempts: attempt }, 'file rejected and dead-lettered');
    await this.finish(name, claimed, 'failed', { ...this.reasonRecord(name, failure, kind, attempt, correlationId), deadLetter: where });
  }

  private reasonRecord(name: string, failure: Failure, kind: FailureKind, attempts: number, correlationId: string): ReasonRecord {
    return {
      file: name,
      pipeline: this.pipeline.name,
      step: failure.stepIndex > 0 ? `${failure.stepIndex}: ${failure.step}` : failure.step,
      reason: failure.reason,
      ...(failure.field ? { field: failure.field } : {}),
      kind,
      attempts,
      failedAt: new Date().toISOString(),
      ...(correlationId ? { correlationId } : {}),
    };
  }

  private retryLater(name: string, attempt: number, delayMs: number, reason: string): void {
    this.retryAt.set(name, Date.now() + delayMs);
    this.deps.metrics.retried.inc();
    this.log.warn({ file: name, attempt, retryInMs: delayMs, reason }, 'file will be retried');
  }

  /** Beside the claimed file, so a runner that takes over a dead one's file goes on counting. */
  private attemptsPath(name: string): string {
    return join(this.input.dir, CLAIMED, `.${name}.attempts`);
  }

  /**
   * Attempts recorded for this content, and the id of this claim (kept until the file leaves
   * .claimed/); a record left by an earlier file of the same name does not count.
   */
  private async attemptsSoFar(name: string, digest: string): Promise<{ attempts: number; claim: string }> {
    const fresh = { attempts: 0, claim: randomUUID() };
    const text = await readFile(this.attemptsPath(name), 'utf8').catch(() => undefined);
    if (!text) return fresh;
    try {
      const rec = JSON.parse(text) as { sha256?: unknown; attempts?: unknown; claim?: unknown };
      return rec.sha256 === digest && typeof rec.attempts === 'number' && typeof rec.claim === 'string' ? { attempts: rec.attempts, claim: rec.claim } : fresh;
    } catch {
      return fresh;
    }
  }

  private async finish(name: string, claimed: string, to: 'processed' | 'failed', reason?: ReasonRecord): Promise<void> {
    this.retryAt.delete(name);
    // A timestamp keeps a partner's re-sent file from overwriting the first one.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = join(this.input.dir, to, `${stamp}_${name}`);
    if (reason) await writeFile(`${target}.reason.json`, JSON.stringify(reason, null, 2) + '\n');
    await rm(this.attemptsPath(name), { force: true });
    await rename(claimed, target);
  }
}

/** Where the dead letter went (`crossdock dlq show <id>`), or why it could not be written. */
type DeadLetterPlace = { readonly subject: string; readonly stream: string; readonly id: number } | { readonly subject: string; readonly error: string };

/** The `<file>.reason.json` beside a file in failed/. */
interface ReasonRecord {
  readonly file: string;
  readonly pipeline: string;
  readonly step: string;
  readonly reason: string;
  readonly field?: string;
  readonly kind: FailureKind;
  readonly attempts: number;
  readonly failedAt: string;
  readonly correlationId?: string;
  readonly deadLetter?: DeadLetterPlace;
}
