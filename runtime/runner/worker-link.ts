/**
 * The IPC protocol between the supervisor (node:cluster primary) and its workers, and the
 * worker's end of it. Workers share one listening port, so a /metrics or /readyz request lands
 * on any one of them: that worker asks the supervisor, which asks every worker for its own
 * figures and answers for all (prom-client's AggregatorRegistry does the same).
 */
import type { ReadyReport } from '../http/health.ts';

export type AskWhat = 'ready' | 'metrics';

/** What a worker sends the supervisor. */
export type WorkerMessage =
  | { readonly t: 'ready'; readonly http?: string }
  | { readonly t: 'failed'; readonly message: string }
  | { readonly t: 'ask'; readonly id: number; readonly what: AskWhat }
  | { readonly t: 'reported'; readonly id: number; readonly ready: ReadyReport; readonly metrics?: string };

/** The supervisor's answer to an ask: the cluster-wide readiness or metrics text. */
export interface ClusterAnswer {
  readonly ready: boolean;
  readonly body: unknown;
  readonly metrics?: string;
}

/** What the supervisor sends a worker. */
export type SupervisorMessage =
  | { readonly t: 'report'; readonly id: number; readonly what: AskWhat }
  | ({ readonly t: 'answer'; readonly id: number } & ClusterAnswer);

const KINDS_TO_PRIMARY = new Set(['ready', 'failed', 'ask', 'reported']);
const KINDS_TO_WORKER = new Set(['report', 'answer']);

function hasKind(m: unknown, kinds: ReadonlySet<string>): boolean {
  return typeof m === 'object' && m !== null && kinds.has(String((m as { t?: unknown }).t));
}

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return hasKind(m, KINDS_TO_PRIMARY);
}

export function isSupervisorMessage(m: unknown): m is SupervisorMessage {
  return hasKind(m, KINDS_TO_WORKER);
}

/** The worker's view of this worker, for the supervisor's report requests. */
export interface LocalFigures {
  ready(): ReadyReport;
  metricsText(): string | Promise<string>;
}

const NOT_STARTED: ReadyReport = { ready: false, nats: false, pipelines: [] };
/** A supervisor busy restarting a worker still answers well within this. */
const ASK_TIMEOUT_MS = 5000;

export class WorkerLink {
  readonly index: number;
  private local: LocalFigures | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (a: ClusterAnswer) => void>();

  constructor(index: number) {
    this.index = index;
    process.on('message', (m: unknown) => {
      if (!isSupervisorMessage(m)) return;
      if (m.t === 'report') {
        const local = this.local;
        const ready = local?.ready() ?? NOT_STARTED;
        if (m.what !== 'metrics' || !local) {
          this.send({ t: 'reported', id: m.id, ready });
          return;
        }
        // A scrape may wait for consumer info; an answer without metrics beats no answer.
        void Promise.resolve()
          .then(() => local.metricsText())
          .then(
            (metrics) => this.send({ t: 'reported', id: m.id, ready, metrics }),
            () => this.send({ t: 'reported', id: m.id, ready }),
          );
        return;
      }
      const resolve = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      resolve?.(m);
    });
  }

  /** From now on, report requests are answered with these figures. */
  share(local: LocalFigures): void {
    this.local = local;
  }

  /** The supervisor's answer for every worker; a silent supervisor counts as not ready. */
  ask(what: AskWhat): Promise<ClusterAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ ready: false, body: { ready: false, error: 'the supervisor did not answer' }, metrics: '' });
      }, ASK_TIMEOUT_MS);
      this.waiting.set(id, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
      this.send({ t: 'ask', id, what });
    });
  }

  ready(http?: string): void {
    this.send({ t: 'ready', ...(http ? { http } : {}) });
  }

  /** Resolves once the message is handed to the channel, so the worker may exit after it. */
  failed(message: string): Promise<void> {
    return new Promise((resolve) => {
      if (!process.send || !process.connected) return resolve();
      process.send({ t: 'failed', message } satisfies WorkerMessage, undefined, {}, () => resolve());
    });
  }

  private send(m: WorkerMessage): void {
    if (process.send && process.connected) process.send(m);
  }
}
