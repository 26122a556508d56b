/**
 * Prometheus metrics without a client library: counters and histograms with labels, rendered
 * in the text exposition format. Children are bound once per label set, so the message path
 * only increments numbers.
 */

export type Labels = Readonly<Record<string, string>>;

/** One sample a gauge or a read-at-scrape counter reports: its labels and its value. */
export type Sample = readonly [Labels, number];

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${escapeLabel(labels[k] as string)}"`).join(',');
}

/** A sample value as the exposition format spells it (`+Inf`, `-Inf`, `NaN`; JavaScript says `Infinity`). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export interface CounterChild {
  inc(n?: number): void;
  readonly value: number;
}

export class Counter {
  readonly name: string;
  readonly help: string;
  private readonly children = new Map<string, { value: number }>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  labels(labels: Labels): CounterChild {
    const key = labelKey(labels);
    let cell = this.children.get(key);
    if (!cell) {
      cell = { value: 0 };
      this.children.set(key, cell);
    }
    const c = cell;
    return {
      inc(n = 1) {
        c.value += n;
      },
      get value() {
        return c.value;
      },
    };
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, cell] of this.children) lines.push(`${this.name}${key ? `{${key}}` : ''} ${cell.value}`);
    return lines.join('\n');
  }
}

export interface HistogramChild {
  observe(seconds: number): void;
  readonly count: number;
}

/** Seconds; from 100 µs to 30 s, the range a message spends in a pipeline. */
export const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  private readonly children = new Map<string, { counts: number[]; sum: number; count: number }>();

  constructor(name: string, help: string, buckets: readonly number[] = LATENCY_BUCKETS) {
    this.name = name;
    this.help = help;
    this.buckets = buckets;
  }

  labels(labels: Labels): HistogramChild {
    const key = labelKey(labels);
    let cell = this.children.get(key);
    if (!cell) {
      cell = { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.children.set(key, cell);
    }
    const c = cell;
    const buckets = this.buckets;
    return {
      observe(seconds: number) {
        c.sum += seconds;
        c.count++;
        // Only the first bucket that holds the value is incremented; render() accumulates.
        for (let i = 0; i < buckets.length; i++) {
          if (seconds <= (buckets[i] as number)) {
            c.counts[i] = (c.counts[i] as number) + 1;
            return;
          }
        }
      },
      get count() {
        return c.count;
      },
    };
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, cell] of this.children) {
      const sep = key ? ',' : '';
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += cell.counts[i] as number;
        lines.push(`${this.name}_bucket{${key}${sep}le="${b}"} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket{${key}${sep}le="+Inf"} ${cell.count}`);
      lines.push(`${this.name}_sum${key ? `{${key}}` : ''} ${formatValue(cell.sum)}`);
      lines.push(`${this.name}_count${key ? `{${key}}` : ''} ${cell.count}`);
    }
    return lines.join('\n');
  }
}

export class Gauge {
  readonly name: string;
  readonly help: string;
  private readonly read: () => readonly Sample[];
  constructor(name: string, help: string, read: () => readonly Sample[]) {
    this.name = name;
    this.help = help;
    this.read = read;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [labels, v] of this.read()) {
      const key = labelKey(labels);
      lines.push(`${this.name}${key ? `{${key}}` : ''} ${formatValue(v)}`);
    }
    return lines.join('\n');
  }
}

/**
 * A counter whose value lives elsewhere (a stats field another module already keeps) and is
 * read at scrape time. The reader must only ever grow within a process: a counter that goes
 * down between two scrapes reads to Prometheus as a restart.
 */
export class CounterFunc {
  readonly name: string;
  readonly help: string;
  private readonly read: () => readonly Sample[];
  constructor(name: string, help: string, read: () => readonly Sample[]) {
    this.name = name;
    this.help = help;
    this.read = read;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [labels, v] of this.read()) {
      const key = labelKey(labels);
      lines.push(`${this.name}${key ? `{${key}}` : ''} ${formatValue(v)}`);
    }
    return lines.join('\n');
  }
}

/** Work a scrape waits for before rendering (e.g. reading consumer info), bounded by `SCRAPE_HOOK_MS`. */
export type ScrapeHook = () => Promise<void> | void;

/**
 * How long a scrape waits for its hooks. A hook that takes longer (NATS unreachable) leaves
 * its figures as they were; the scrape still answers, so the process metrics stay visible.
 */
export const SCRAPE_HOOK_MS = 1000;

export class MetricsRegistry {
  private readonly metrics: { render(): string }[] = [];
  private readonly hooks: ScrapeHook[] = [];

  counter(name: string, help: string): Counter {
    const c = new Counter(name, help);
    this.metrics.push(c);
    return c;
  }

  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    const h = new Histogram(name, help, buckets);
    this.metrics.push(h);
    return h;
  }

  gauge(name: string, help: string, read: () => readonly Sample[]): Gauge {
    const g = new Gauge(name, help, read);
    this.metrics.push(g);
    return g;
  }

  counterFrom(name: string, help: string, read: () => readonly Sample[]): CounterFunc {
    const c = new CounterFunc(name, help, read);
    this.metrics.push(c);
    return c;
  }

  /** Runs before every `scrape()`; for figures that must be fetched or sampled, never on the message path. */
  onScrape(hook: ScrapeHook): void {
    this.hooks.push(hook);
  }

  /** Families rendered by their owner, e.g. from totals it stores (the exceptions workbench). */
  add(metric: { render(): string }): void {
    this.metrics.push(metric);
  }

  /** Renders what is there now, without running the scrape hooks (figures may be a scrape old). */
  render(): string {
    return this.metrics.map((m) => m.render()).join('\n') + '\n';
  }

  /** What /metrics answers: the hooks run (each bounded by `SCRAPE_HOOK_MS`), then the text. */
  async scrape(): Promise<string> {
    if (this.hooks.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((r) => (timer = setTimeout(r, SCRAPE_HOOK_MS)));
      const work = Promise.allSettled(this.hooks.map(async (h) => h()));
      try {
        await Promise.race([work, bound]);
      } finally {
        clearTimeout(timer);
      }
    }
    return this.render();
  }
}

/** The per-pipeline instruments the runner updates. */
export interface PipelineMetrics {
  readonly received: CounterChild;
  readonly published: CounterChild;
  readonly deadLettered: CounterChild;
  readonly retried: CounterChild;
  readonly dropped: CounterChild;
  /** Messages whose expression overran the inline budget and finished in a worker thread. */
  readonly offloaded: CounterChild;
  readonly processing: HistogramChild;
  /** The instruments of one step (1-based position), for the engine's step observer. */
  step(position: number, label: string): { record(outcome: string, seconds: number): void };
}

export class RunnerMetrics {
  readonly registry = new MetricsRegistry();
  private readonly received = this.registry.counter('crossdock_messages_in_total', 'Messages received by a pipeline.');
  private readonly published = this.registry.counter('crossdock_messages_out_total', 'Messages published by a pipeline to its outputs (acknowledged by JetStream).');
  private readonly deadLettered = this.registry.counter('crossdock_messages_dead_lettered_total', 'Messages sent to the dead-letter subject.');
  private readonly retried = this.registry.counter('crossdock_messages_retried_total', 'Transient failures handed back for redelivery with backoff.');
  private readonly dropped = this.registry.counter('crossdock_messages_dropped_total', 'Messages removed on purpose by a filter step.');
  private readonly offloaded = this.registry.counter('crossdock_messages_offloaded_total', 'Messages whose expression evaluation left the event loop for a worker thread (over the inline budget, or on the reference engine).');
  private readonly processing = this.registry.histogram('crossdock_processing_seconds', 'Time from receipt to acknowledgement of a message, in seconds.');

  private readonly stepSeconds = this.registry.histogram('crossdock_step_seconds', 'Time one step took for one message, in seconds (every step is timed by the engine).');
  private readonly stepOutcomes = this.registry.counter('crossdock_step_outcomes_total', 'Messages through a step, by outcome: passed, dropped, failed-permanent, failed-transient.');

  /**
   * The instruments of step `position` (1-based) of `pipeline`, resolved once. The outcome
   * counters are kept apart so recording is one increment and one observation.
   */
  forStep(pipeline: string, position: number, label: string): { record(outcome: string, seconds: number): void } {
    const l = { pipeline, position: String(position), step: label };
    const seconds = this.stepSeconds.labels(l);
    const outcomes = new Map<string, CounterChild>();
    return {
      record: (outcome, s) => {
        let c = outcomes.get(outcome);
        if (!c) outcomes.set(outcome, (c = this.stepOutcomes.labels({ ...l, outcome })));
        c.inc();
        seconds.observe(s);
      },
    };
  }

  forPipeline(pipeline: string): PipelineMetrics {
    const l = { pipeline };
    return {
      received: this.received.labels(l),
      published: this.published.labels(l),
      deadLettered: this.deadLettered.labels(l),
      retried: this.retried.labels(l),
      dropped: this.dropped.labels(l),
      offloaded: this.offloaded.labels(l),
      processing: this.processing.labels(l),
      step: (position, label) => this.forStep(pipeline, position, label),
    };
  }
}
