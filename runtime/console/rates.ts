/**
 * Throughput per pipeline for the console's charts: the runner's message counters sampled
 * once per interval (whatever the number of open consoles), turned into per-second rates and
 * kept for 15 minutes in a ring buffer, so a console that connects draws its charts at once.
 *
 * The sampler keeps running while no console is connected: it reads four numbers per
 * pipeline every 2 s, and without it a console opened after a quiet spell would start blank.
 */
import type { RunnerMetrics } from '../observability/metrics.ts';

/** Per second, in this order: received, published, dead-lettered, failed (transient, handed back for retry). */
export type Rates = readonly [inPerSec: number, outPerSec: number, deadLetteredPerSec: number, failedPerSec: number];

export interface RateSample {
  /** Epoch milliseconds at the end of the interval. */
  readonly t: number;
  /** Pipelines with any traffic in the interval; a pipeline missing here had none. */
  readonly p: Readonly<Record<string, Rates>>;
}

/** The four running totals of each pipeline, read now. */
export type TotalsReader = () => ReadonlyMap<string, Rates>;

export const SAMPLE_MS = 2000;
export const HISTORY_MS = 15 * 60_000;

/** Reads the RunnerMetrics counters of these pipelines (bound once; a read is four field reads each). */
export function metricsTotals(metrics: RunnerMetrics, pipelines: readonly string[]): TotalsReader {
  const bound = pipelines.map((name) => [name, metrics.forPipeline(name)] as const);
  return () => new Map(bound.map(([name, m]) => [name, [m.received.value, m.published.value, m.deadLettered.value, m.retried.value] as const]));
}

export class RateSampler {
  private readonly read: TotalsReader;
  private readonly intervalMs: number;
  private readonly ring: (RateSample | undefined)[];
  private next = 0;
  private last: { at: number; totals: ReadonlyMap<string, Rates> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ((s: RateSample) => void)[] = [];
  private readonly now: () => number;

  constructor(read: TotalsReader, o: { intervalMs?: number; historyMs?: number; now?: () => number } = {}) {
    this.read = read;
    this.intervalMs = o.intervalMs ?? SAMPLE_MS;
    this.ring = new Array<RateSample | undefined>(Math.max(1, Math.ceil((o.historyMs ?? HISTORY_MS) / this.intervalMs))).fill(undefined);
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.last = { at: this.now(), totals: this.read() };
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // Never what keeps a stopping runner alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onSample(listener: (s: RateSample) => void): void {
    this.listeners.push(listener);
  }

  /** Oldest first, at most the history's length. */
  history(): RateSample[] {
    const out: RateSample[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const s = this.ring[(this.next + i) % this.ring.length];
      if (s) out.push(s);
    }
    return out;
  }

  /** Takes one sample now (the timer calls this; tests may too). */
  sample(): RateSample {
    const at = this.now();
    const totals = this.read();
    const before = this.last;
    this.last = { at, totals };
    const seconds = before ? Math.max(0.001, (at - before.at) / 1000) : 1;
    const p: Record<string, Rates> = {};
    for (const [name, now] of totals) {
      const was = before?.totals.get(name) ?? now;
      const r = now.map((v, i) => round(Math.max(0, v - (was[i] as number)) / seconds)) as unknown as Rates;
      if (r.some((v) => v > 0)) p[name] = r;
    }
    const s: RateSample = { t: at, p };
    this.ring[this.next] = s;
    this.next = (this.next + 1) % this.ring.length;
    for (const l of this.listeners) l(s);
    return s;
  }
}

const round = (v: number): number => Math.round(v * 100) / 100;
