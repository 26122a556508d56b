/**
 * The driver of `files` inputs. The protocol keeps a file from being lost or handled twice:
 *   1. a complete file is claimed by renaming it into `<dir>/.claimed/` (atomic; a second
 *      runner's rename fails, so it moves on);
 *   2. its outputs are published and acknowledged by JetStream;
 *   3. only then is it moved to `processed/` (or, rejected, dead-lettered and moved to `failed/`).
 * A crash between 1 and 3 leaves the file in `.claimed/`; after `reclaimAfter` it is taken again
 * and republished with the same message key (the SHA-256 of its content), which the streams
 * deduplicate.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { FilesInput } from '../components/inputs/files.ts';
import type { MessageMeta } from '../components/types.ts';
import type { DriverDeps, InputDriver } from '../engine/drivers.ts';
import { createExchange, isFailure, processExchange, type Failure, type Outcome } from '../engine/process.ts';
import { deadLetter } from '../engine/dead-letter.ts';
import { Publisher } from '../engine/publisher.ts';

const CLAIMED = '.claimed';

export class FileDrop implements InputDriver {
  readonly pipeline: CompiledPipeline;
  private readonly input: FilesInput;
  private readonly deps: DriverDeps;
  private readonly publisher: Publisher;
  private readonly log: Logger;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  /** size and mtime when first seen unchanged, by file name. */
  private readonly seen = new Map<string, { size: number; mtimeMs: number; since: number }>();
  private readonly attempts = new Map<string, { count: number; notBefore: number }>();

  constructor(pipeline: CompiledPipeline, deps: DriverDeps) {
    this.pipeline = pipeline;
    this.input = pipeline.input.config as FilesInput;
    this.deps = deps;
    this.publisher = new Publisher(jetstream(deps.nc, { timeout: 5000 }));
    this.log = deps.logger.child({ pipeline: pipeline.name, dir: this.input.dir });
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
    const done = await Promise.race([this.current.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs))]);
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
      if (!this.input.pattern.test(name)) continue;
      const retry = this.attempts.get(name);
      if (retry) {
        if (now >= retry.notBefore) out.push(name);
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
      await this.finish(name, claimed, 'failed', `file is ${st.size} bytes, more than maxSize ${this.input.maxSizeBytes}`);
      return;
    }
    const data = new Uint8Array(await readFile(claimed));
    m.received.inc();
    const digest = createHash('sha256').update(data).digest('hex');
    const attempt = (this.attempts.get(name)?.count ?? 0) + 1;
    const meta: MessageMeta = { pipeline: this.pipeline.name, subject: `file:${name}`, stream: 'files', streamSeq: 0, deliveryCount: attempt, receivedAt: Date.now(), key: `file:${digest.slice(0, 32)}` };
    const headers = { 'X-File-Name': name, 'X-File-Sha256': digest };
    const ex = createExchange(this.pipeline, { data, headers, meta }, this.input.format);
    let outcome: Outcome;
    if (isFailure(ex)) outcome = { kind: 'fail', failure: ex, exchange: undefined };
    else {
      const r = processExchange(this.pipeline, ex);
      outcome = r instanceof Promise ? await r : r;
    }
    try {
      if (outcome.kind === 'drop') {
        m.dropped.inc();
        await this.finish(name, claimed, 'processed');
      } else if (outcome.kind === 'emit') {
        await this.publisher.publishAll(outcome.emissions);
        m.published.inc(outcome.emissions.length);
        await this.finish(name, claimed, 'processed');
        this.log.info({ file: name, messages: outcome.emissions.length, correlationId: outcome.exchange.correlationId }, 'file processed');
      } else {
        await this.failed(name, claimed, meta, data, headers, outcome.failure, attempt, outcome.exchange?.correlationId ?? '');
      }
    } catch (err) {
      // JetStream did not take it: leave the file claimed and try again later.
      this.retryLater(name, attempt, `publish failed: ${(err as Error).message}`);
    } finally {
      m.processing.observe((performance.now() - started) / 1000);
    }
  }

  private async failed(name: string, claimed: string, meta: MessageMeta, data: Uint8Array, headers: Record<string, string>, failure: Failure, attempt: number, correlationId: string): Promise<void> {
    if (!failure.permanent && attempt < this.pipeline.errors.maxDeliver) {
      this.retryLater(name, attempt, failure.reason);
      return;
    }
    const dl = deadLetter(this.pipeline.errors.deadLetter, this.pipeline.name, meta, { data, headers }, correlationId, failure, failure.permanent ? 'permanent' : 'exhausted');
    await this.publisher.deadLetter(dl);
    this.deps.metrics.deadLettered.inc();
    this.log.warn({ file: name, correlationId, step: failure.step, reason: failure.reason }, 'file rejected and dead-lettered');
    await this.finish(name, claimed, 'failed', `${failure.step}: ${failure.reason}`);
  }

  private retryLater(name: string, attempt: number, reason: string): void {
    const list = this.pipeline.errors.backoffMs;
    const delay = list[Math.min(attempt, list.length) - 1] ?? 1000;
    this.attempts.set(name, { count: attempt, notBefore: Date.now() + delay });
    this.deps.metrics.retried.inc();
    this.log.warn({ file: name, attempt, retryInMs: delay, reason }, 'file will be retried');
  }

  private async finish(name: string, claimed: string, to: 'processed' | 'failed', reason?: string): Promise<void> {
    this.attempts.delete(name);
    // A timestamp keeps a partner's re-sent file from overwriting the first one.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = join(this.input.dir, to, `${stamp}_${name}`);
    if (reason) await writeFile(`${target}.reason.txt`, reason + '\n');
    await rename(claimed, target);
  }
}
