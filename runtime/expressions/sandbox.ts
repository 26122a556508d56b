/**
 * Where expressions run when they may not run on the event loop: a small pool of worker
 * threads that can be terminated.
 *
 * The runner's event loop carries health checks, acknowledgements, publishes and every other
 * message; a user expression that loops must not hold it. Compiled expressions run inline
 * under a small time budget and move here when they overrun it; the reference evaluator
 * (which has no guardrail of its own, and which jsonata 2.2.2 can send into an endless loop)
 * always runs here. Each evaluation has a hard deadline: a worker that has not answered by
 * then is terminated and replaced, and the evaluation fails with D1012.
 *
 * Workers start on first use (a worker costs ~0.5 s and ~10 MB to start), are unreferenced
 * while idle so they never keep a command alive, and are shared by every expression of a
 * process.
 */
import { Worker } from 'node:worker_threads';
import { threadBoot } from '../config/thread-boot.ts';
import { ExpressionError } from './errors.ts';
import { frozenInstant } from './clock.ts';

export type SandboxEngine = 'compiled' | 'reference';

export interface SandboxTask {
  readonly source: string;
  readonly engine: SandboxEngine;
  readonly input: unknown;
  readonly bindings: Readonly<Record<string, unknown>> | undefined;
  /** Wall-clock budget of the evaluation in the worker; the worker is terminated a little after. */
  readonly timeoutMs: number;
}

/** What a worker sends back for one task. */
export type SandboxReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string; readonly position?: number; readonly token?: string };

export interface SandboxOptions {
  /** Worker threads at most; they start as work arrives. */
  readonly workers?: number;
  /** Extra time past a task's own budget before its worker is terminated. */
  readonly graceMs?: number;
}

interface Pending {
  readonly id: number;
  /** The caller's frozen clock (fixture runs), which the worker applies too. */
  readonly frozenAt: number | undefined;
  readonly task: SandboxTask;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Told when an evaluation leaves the event loop for a worker. The engine runs a message's
 * steps inside `whenOffloaded(hook, ...)` (again after each asynchronous step) so that a
 * message waiting on a worker can give its pull slot to the next message instead of stalling
 * the pipeline. A plain variable, not AsyncLocalStorage: that would slow every promise in the
 * process, and an evaluation hands itself to the sandbox synchronously, inside the scope.
 */
let offloadHook: (() => void) | undefined;

export function whenOffloaded<T>(hook: (() => void) | undefined, fn: () => T): T {
  const previous = offloadHook;
  offloadHook = hook;
  try {
    return fn();
  } finally {
    offloadHook = previous;
  }
}

// Lowest priority for this thread from its first instruction: booting and runaways yield the
// cores to the event loop and nats-server.
const BOOT = (entry: string, tsx: string): string => threadBoot(entry, tsx, { nice: 19 });

export class ExpressionSandbox {
  private readonly size: number;
  private readonly graceMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Evaluations that ran out of time and had their worker terminated, since start. */
  terminated = 0;
  /** Evaluations handed to the sandbox, since start. */
  evaluations = 0;

  constructor(options: SandboxOptions = {}) {
    this.size = Math.max(1, options.workers ?? 1);
    this.graceMs = options.graceMs ?? 250;
  }

  evaluate(task: SandboxTask): Promise<unknown> {
    if (this.closed) return Promise.reject(new ExpressionError('X0002', 'expression sandbox is closed'));
    this.evaluations++;
    offloadHook?.();
    return new Promise<unknown>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, frozenAt: frozenInstant(), task, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Starts the workers now rather than at the first evaluation that needs one (a worker takes
   * ~0.5 s of CPU to load; a runner does this once, at low priority, after it is ready).
   */
  warm(): void {
    while (!this.closed && this.slots.length < this.size) this.spawn();
  }

  /**
   * Terminates every worker (queued and running evaluations fail); the next evaluation starts
   * a new one. A runner calls this once its pipelines have stopped, so no thread outlives it.
   */
  async stop(): Promise<void> {
    const reason = new ExpressionError('X0002', 'expression sandbox stopped');
    for (const p of this.queue.splice(0)) p.reject(reason);
    await Promise.all(this.slots.splice(0).map((s) => this.retire(s, reason)));
  }

  /** stop(), and no evaluation is taken afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.busy);
      if (!slot) {
        if (this.slots.length < this.size) this.spawn();
        break;
      }
      this.run(slot, this.queue.shift()!);
    }
    // A worker keeps the process alive exactly while an evaluation waits on the sandbox: a
    // command awaiting one must not exit under it, and an idle worker must not hold it open.
    const waiting = this.queue.length > 0;
    for (const s of this.slots) {
      if (waiting || s.busy) s.worker.ref();
      else s.worker.unref();
    }
  }

  private run(slot: Slot, p: Pending): void {
    slot.busy = p;
    const { source, engine, input, bindings, timeoutMs } = p.task;
    try {
      slot.worker.postMessage({ id: p.id, source, engine, input, bindings, timeoutMs, frozenAt: p.frozenAt });
    } catch (err) {
      // Input or bindings that cannot be copied to a thread (a function, say).
      slot.busy = undefined;
      p.reject(new ExpressionError('X0003', `expression input cannot be moved off the event loop: ${(err as Error).message}`));
      this.dispatch();
      return;
    }
    slot.timer = setTimeout(() => {
      this.terminated++;
      void this.retire(slot, new ExpressionError('D1012', `Evaluation timeout after ${timeoutMs} milliseconds. Check for infinite loop`));
      this.dispatch();
    }, timeoutMs + this.graceMs);
  }

  private spawn(): void {
    const entry = new URL('./sandbox-worker.ts', import.meta.url).href;
    const worker = new Worker(BOOT(entry, import.meta.resolve('tsx/esm/api')), { eval: true });
    const slot: Slot = { worker, ready: false, busy: undefined, timer: undefined };
    this.slots.push(slot);
    worker.on('message', (msg: SandboxReply | 'ready') => {
      if (msg === 'ready') {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const p = slot.busy;
      if (!p || p.id !== msg.id) return;
      clearTimeout(slot.timer);
      slot.timer = undefined;
      slot.busy = undefined;
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new ExpressionError(msg.code, msg.message, msg.position, msg.token));
      this.dispatch();
    });
    worker.on('error', (err: Error) => {
      void this.retire(slot, new ExpressionError('X0004', `expression worker failed: ${err.message}`));
      this.dispatch();
    });
    worker.on('exit', () => {
      if (this.slots.includes(slot)) void this.retire(slot, new ExpressionError('X0004', 'expression worker exited'));
      this.dispatch();
    });
    // After the listeners (adding a 'message' listener refs a worker again).
    if (this.queue.length === 0) worker.unref();
  }

  private async retire(slot: Slot, reason: ExpressionError): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    const p = slot.busy;
    slot.busy = undefined;
    p?.reject(reason);
    await slot.worker.terminate();
  }
}

let shared: ExpressionSandbox | undefined;

/** The process-wide sandbox every guarded expression uses. */
export function sharedSandbox(): ExpressionSandbox {
  shared ??= new ExpressionSandbox();
  return shared;
}
