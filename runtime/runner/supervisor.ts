/**
 * `crossdock run --workers N`: the supervisor (node:cluster primary). It starts the embedded
 * nats-server once, forks N workers that each run the pipelines (sharing the durable consumers
 * and the HTTP port), writes runtime.json for the group, answers the workers' /readyz and
 * /metrics questions for all of them, restarts a worker that ends (with backoff) and stops the
 * group on SIGTERM/SIGINT. It runs no pipeline itself.
 */
import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { startNatsServer, type NatsServer } from '../transport/nats-server.ts';
import { MetricsRegistry, type CounterChild } from '../observability/metrics.ts';
import { registerProcessMetrics, type ProcessMetrics } from '../observability/process-metrics.ts';
import type { ReadyReport } from '../http/health.ts';
import { CLOSE_STEP_MS } from './runner.ts';
import { removeRuntimeInfo, writeRuntimeInfo } from './runtime-file.ts';
import { mergeWorkerMetrics, type WorkerMetricsText } from './metrics-merge.ts';
import { afterExit } from './restart-policy.ts';
import { isWorkerMessage, type AskWhat, type SupervisorMessage, type WorkerMessage } from './worker-link.ts';
import { STOP_MARGIN_MS, signalExitCode, watchStopSignals } from './stop-signals.ts';
import { WORKER_ENV, WORKER_NATS_ENV } from './worker-env.ts';
import { newSessionSecret, SECRET_ENV } from '../http/session.ts';

export interface SupervisorOptions {
  readonly workers: number;
  readonly dataDir: string;
  /** NATS to join; omitted: the supervisor starts the embedded server and the workers join it. */
  readonly natsUrl?: string;
  readonly graceMs: number;
  readonly logger: Logger;
}

/** The group could not start, or a worker kept failing: one message for the operator. */
export class GroupFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GroupFailed';
  }
}

interface Slot {
  readonly index: number;
  worker?: Worker;
  forkedAt: number;
  ready: boolean;
  /** What the worker said when it could not start. */
  failure?: string;
  quickFailures: number;
  restartTimer?: NodeJS.Timeout;
  http?: string;
  readonly restarts: CounterChild;
  /** Settles the first start of this run of the worker: ready, or why not. */
  started?: (failure: string | undefined) => void;
}

interface Collector {
  readonly expect: number;
  readonly got: Map<number, Extract<WorkerMessage, { t: 'reported' }>>;
  finish(): void;
}

/** A worker busy with a backlog answers IPC within milliseconds; one that does not is counted out. */
const REPORT_TIMEOUT_MS = 2000;
const NOT_REPORTED: ReadyReport = { ready: false, nats: false, pipelines: [] };

/** Runs the group until it is stopped; resolves with the exit code. Throws GroupFailed. */
export async function runSupervisor(o: SupervisorOptions): Promise<number> {
  return new Supervisor(o).run();
}

class Supervisor {
  private readonly o: SupervisorOptions;
  private readonly log: Logger;
  private readonly metrics = new MetricsRegistry();
  /** The supervisor's own process figures, merged as `worker="supervisor"`. */
  private readonly processRegistry = new MetricsRegistry();
  private readonly processMetrics: ProcessMetrics;
  private readonly slots: Slot[];
  private embedded: NatsServer | undefined;
  private natsUrl = '';
  private running = false;
  private stopping = false;
  private failure: string | undefined;
  private workerFailed = false;
  private readonly collectors = new Map<number, Collector>();
  private nextReportId = 1;
  private allExited: (() => void) | undefined;
  /**
   * The console's session secret every worker signs and checks with (a session issued by one
   * worker is checked by whichever gets the next request): CROSSDOCK_CONSOLE_SECRET, or one
   * made for this run of the group, so restarting the group signs everyone out.
   */
  private readonly consoleSecret = process.env[SECRET_ENV] || newSessionSecret();

  constructor(o: SupervisorOptions) {
    this.o = o;
    this.log = o.logger.child({ role: 'supervisor' });
    const restarts = this.metrics.counter('crossdock_worker_restarts_total', 'Workers the supervisor started again after they ended.');
    this.metrics.gauge('crossdock_workers_ready', 'Workers that are up and ready, of crossdock_workers.', () => [[{}, this.slots.filter((s) => s.ready).length]]);
    this.metrics.gauge('crossdock_workers', 'Workers the supervisor keeps running (--workers).', () => [[{}, this.slots.length]]);
    this.processMetrics = registerProcessMetrics(this.processRegistry);
    this.slots = Array.from({ length: o.workers }, (_, index) => ({ index, forkedAt: 0, ready: false, quickFailures: 0, restarts: restarts.labels({ worker: String(index) }) }));
  }

  async run(): Promise<number> {
    let stopSignal: NodeJS.Signals = 'SIGTERM';
    const signalled = new Promise<void>((resolve) => {
      watchStopSignals({
        first: (signal) => {
          this.log.info({ signal }, 'signal received');
          stopSignal = signal;
          resolve();
        },
        again: (signal) => {
          // The workers got it too (from the terminal, or from here): they exit at once.
          for (const s of this.slots) s.worker?.process.kill(signal);
          process.stderr.write(`crossdock run: ${signal} again: exiting without waiting for in-flight work\n`);
          process.exit(signalExitCode(signal));
        },
      });
    });
    const gaveUp = new Promise<void>((resolve) => (this.onGiveUp = resolve));
    try {
      await this.startNats();
      await Promise.race([this.startWorkers(), signalled, gaveUp]);
      if (!this.stopping && this.failure === undefined && this.slots.every((s) => s.ready)) {
        this.running = true;
        const http = this.slots[0]?.http;
        writeRuntimeInfo(this.o.dataDir, { pid: process.pid, natsUrl: this.natsUrl, embedded: this.embedded !== undefined, ...(http ? { http } : {}), startedAt: new Date().toISOString(), workers: this.slots.length });
        this.log.info({ workers: this.slots.length, nats: this.natsUrl, ...(http ? { http } : {}) }, 'runner ready');
        await Promise.race([signalled, gaveUp]);
      }
    } catch (err) {
      this.failure ??= (err as Error).message;
    }
    await this.stopAll(stopSignal);
    this.processMetrics.stop();
    if (this.failure !== undefined) throw new GroupFailed(this.failure);
    return this.workerFailed ? 1 : 0;
  }

  private onGiveUp: () => void = () => undefined;

  private giveUp(message: string): void {
    // Workers that end because the group is stopping have not failed.
    if (this.stopping) return;
    this.failure ??= message;
    this.onGiveUp();
  }

  private async startNats(): Promise<void> {
    if (this.o.natsUrl) {
      this.natsUrl = this.o.natsUrl;
      return;
    }
    const store = join(this.o.dataDir, 'nats');
    this.embedded = await startNatsServer({ storeDir: store });
    this.natsUrl = this.embedded.url;
    this.log.info({ nats: this.natsUrl, store }, 'embedded nats-server started');
  }

  /**
   * Worker 0 first: it creates or updates the streams and consumers alone, and a project that
   * cannot start fails once, not N times. Then the others together.
   */
  private async startWorkers(): Promise<void> {
    const [first, ...rest] = this.slots;
    if (!first) return;
    const failure = await this.fork(first);
    if (failure !== undefined) return this.giveUp(failure);
    const failures = await Promise.all(rest.map((s) => this.fork(s)));
    const failed = failures.find((f) => f !== undefined);
    if (failed !== undefined) this.giveUp(failed);
  }

  /** Resolves when this run of the worker is ready (undefined) or ended before it (why). */
  private fork(slot: Slot): Promise<string | undefined> {
    slot.restartTimer = undefined;
    slot.ready = false;
    slot.failure = undefined;
    slot.forkedAt = Date.now();
    const worker = cluster.fork({ [WORKER_ENV]: String(slot.index), [WORKER_NATS_ENV]: this.natsUrl, [SECRET_ENV]: this.consoleSecret });
    slot.worker = worker;
    worker.on('message', (m: unknown) => {
      if (isWorkerMessage(m)) this.onMessage(slot, worker, m);
    });
    worker.once('exit', (code, signal) => this.onExit(slot, worker, code, signal));
    // A send to a worker that has just died fails (EPIPE); its exit is what counts, above.
    worker.on('error', (err) => this.log.debug({ worker: slot.index, err: err.message }, 'ipc to a worker failed'));
    return new Promise((resolve) => (slot.started = resolve));
  }

  private onMessage(slot: Slot, worker: Worker, m: WorkerMessage): void {
    switch (m.t) {
      case 'ready':
        slot.ready = true;
        if (m.http) slot.http = m.http;
        if (this.running) this.log.info({ worker: slot.index, pid: worker.process.pid }, 'worker back');
        slot.started?.(undefined);
        slot.started = undefined;
        return;
      case 'failed':
        slot.failure = m.message;
        return;
      case 'ask':
        void this.answer(worker, m.id, m.what);
        return;
      case 'reported': {
        const c = this.collectors.get(m.id);
        if (!c) return;
        c.got.set(slot.index, m);
        if (c.got.size >= c.expect) c.finish();
        return;
      }
    }
  }

  private onExit(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    const becameReady = slot.ready;
    const ranMs = Date.now() - slot.forkedAt;
    const why = slot.failure ?? `worker ${slot.index} ended (${signal ?? `exit code ${code}`}) before it was ready`;
    slot.worker = undefined;
    slot.ready = false;
    slot.started?.(why);
    slot.started = undefined;
    if (this.stopping) {
      // A worker still starting may die of the passed-on signal before its handlers exist: it
      // had taken no message yet, so that is a clean stop too.
      const stoppedWhileStarting = !becameReady && (signal === 'SIGTERM' || signal === 'SIGINT');
      if (code !== 0 && !stoppedWhileStarting) this.workerFailed = true;
      if (this.slots.every((s) => s.worker === undefined)) this.allExited?.();
      return;
    }
    // During the first start, the start reports a worker that never came up; one that came up
    // and ended before the others fails the start too.
    if (!this.running) {
      if (becameReady) this.giveUp(`worker ${slot.index} ended (${signal ?? `exit code ${code}`}) while the runner was starting`);
      return;
    }
    const decision = afterExit({ becameReady, ranMs, quickFailures: slot.quickFailures });
    if (decision.action === 'give-up') {
      this.log.error({ worker: slot.index, code, signal, failuresInARow: decision.quickFailures }, 'worker keeps failing; stopping the runner');
      this.giveUp(`worker ${slot.index} failed ${decision.quickFailures} times in a row: ${why}`);
      return;
    }
    slot.quickFailures = decision.quickFailures;
    slot.restarts.inc();
    this.log.warn({ worker: slot.index, pid: worker.process.pid, code, signal, restartInMs: decision.delayMs, restarts: slot.restarts.value }, 'worker ended; restarting it');
    slot.restartTimer = setTimeout(() => void this.fork(slot), decision.delayMs);
  }

  /** Every worker's figures, or those that answered within the timeout. */
  private collect(what: AskWhat): Promise<Map<number, Extract<WorkerMessage, { t: 'reported' }>>> {
    const live = this.slots.filter((s) => s.worker?.isConnected());
    const id = this.nextReportId++;
    return new Promise((resolve) => {
      const got = new Map<number, Extract<WorkerMessage, { t: 'reported' }>>();
      const finish = (): void => {
        clearTimeout(timer);
        this.collectors.delete(id);
        resolve(got);
      };
      const timer = setTimeout(finish, REPORT_TIMEOUT_MS);
      this.collectors.set(id, { expect: live.length, got, finish });
      const ask: SupervisorMessage = { t: 'report', id, what };
      for (const s of live) if (s.worker) sendTo(s.worker, ask);
      if (live.length === 0) finish();
    });
  }

  private async answer(asker: Worker, id: number, what: AskWhat): Promise<void> {
    const got = await this.collect(what);
    let reply: SupervisorMessage;
    if (what === 'ready') {
      const workers = this.slots.map((s) => ({ worker: s.index, pid: s.worker?.process.pid ?? null, ...(got.get(s.index)?.ready ?? NOT_REPORTED), ...(s.worker ? {} : { restarting: true }) }));
      const ready = workers.every((w) => w.ready);
      reply = { t: 'answer', id, ready, body: { ready, workers } };
    } else {
      const parts: WorkerMetricsText[] = [...got.entries()].sort(([a], [b]) => a - b).map(([worker, m]) => ({ worker, text: m.metrics ?? '' }));
      parts.push({ worker: 'supervisor', text: await this.processRegistry.scrape() });
      reply = { t: 'answer', id, ready: true, body: null, metrics: mergeWorkerMetrics(parts, this.metrics.render()) };
    }
    sendTo(asker, reply);
  }

  /**
   * Passes the signal on and waits for every worker's own graceful stop (grace, then bounded
   * closing steps), then stops the embedded server. Bounded like a single runner's stop.
   */
  private async stopAll(signal: NodeJS.Signals): Promise<void> {
    this.stopping = true;
    const deadlineMs = this.o.graceMs + STOP_MARGIN_MS + CLOSE_STEP_MS;
    const watchdog = setTimeout(() => {
      process.stderr.write(`crossdock run: the workers did not stop within ${deadlineMs} ms; exiting\n`);
      for (const s of this.slots) s.worker?.process.kill('SIGKILL');
      process.exit(1);
    }, deadlineMs);
    watchdog.unref();
    for (const s of this.slots) clearTimeout(s.restartTimer);
    const exited = new Promise<void>((resolve) => (this.allExited = resolve));
    const live = this.slots.filter((s) => s.worker !== undefined);
    if (live.length > 0) {
      this.log.info({ signal, workers: live.length }, 'stopping the workers');
      for (const s of live) s.worker?.process.kill(signal);
      await exited;
    }
    if (this.embedded) await this.embedded.stop(CLOSE_STEP_MS);
    if (this.running) removeRuntimeInfo(this.o.dataDir, process.pid);
    clearTimeout(watchdog);
    this.log.info({ workers: this.slots.length }, 'stopped');
  }
}

/**
 * A message to a worker that may be dying: a killed worker's channel can break between the
 * isConnected() check and the write, and an error without a callback would end the supervisor.
 */
function sendTo(worker: Worker, message: SupervisorMessage): void {
  if (!worker.isConnected()) return;
  try {
    worker.send(message, undefined, () => undefined);
  } catch {
    // The channel closed under us; the worker's exit is handled by onExit.
  }
}
