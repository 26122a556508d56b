/**
 * Expectations (business SLA timers) in a runner: every stream an expectation reads, and the
 * exceptions stream, folded into the LMDB view; one deadline timer; the exception raised at
 * a deadline; metrics; and the read side for the API and the CLI. Every runner runs all of it
 * over its own view, so any runner can answer, and any runner left alive raises on time.
 */
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { ExpectationSet, Expectation } from '../../compile/expectations.ts';
import { streamOf } from '../../compile/expectations.ts';
import type { StreamDeclaration } from '../../compile/streams.ts';
import type { MetricsRegistry } from '../../observability/metrics.ts';
import { EXCEPTION, MSG_ID } from '../../components/header-names.ts';
import { exceptionSubject } from '../exception-subjects.ts';
import { ExpectationStore, type Entry, type Transition } from './store.ts';
import { StreamReader } from './reader.ts';
import { publishAcksFor } from '../../transport/publish-acks.ts';
import { DeadlineFirer } from './firer.ts';
import { matchesOf, readDocument } from './documents.ts';
import { deadlineOf } from './deadline.ts';
import { statusOf, type Sighting } from './state.ts';

export const RAISED_BY_PREFIX = 'expectation:';
/** Exceptions of expectations carry `expectation:<name>:<key>` as their Nats-Msg-Id. */
export const messageIdOf = (name: string, key: string): string => `${RAISED_BY_PREFIX}${name}:${key}`;

export function parseMessageId(id: string): { name: string; key: string } | undefined {
  if (!id.startsWith(RAISED_BY_PREFIX)) return undefined;
  const rest = id.slice(RAISED_BY_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon <= 0 ? undefined : { name: rest.slice(0, colon), key: rest.slice(colon + 1) };
}

/** How long a deadline round waits for the view to catch up before trying again. */
const CATCH_UP_MS = 5000;
/** Finished expectations older than the retention are forgotten this often, and once at start. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** Index entries per prune transaction: short write transactions between the folds. */
const PRUNE_CHUNK = 2000;

export interface ExpectationServiceOptions {
  readonly nc: NatsConnection;
  readonly set: ExpectationSet;
  readonly streams: readonly StreamDeclaration[];
  readonly dataDir: string;
  readonly logger: Logger;
  readonly metrics?: MetricsRegistry;
  /** Injectable for tests; Date.now by default. Deadlines are compared with it. */
  readonly clock?: () => number;
  /** Who raises, for the exception's headers (`expectation:<name>` is always there). */
  readonly runner?: string;
}

export interface ExpectationItem {
  readonly expectation: string;
  readonly key: string;
  readonly keys: Readonly<Record<string, unknown>>;
  readonly state: 'open' | 'closed' | 'late' | 'waiting';
  readonly partner?: string;
  readonly channel?: string;
  readonly warehouse?: string;
  readonly openedAt?: string;
  readonly deadline?: string;
  readonly closedAt?: string;
  readonly raisedAt?: string;
}

export interface ExpectationSummary {
  readonly name: string;
  readonly description: string;
  readonly within: string;
  readonly calendar?: string;
  readonly open: number;
  readonly closedInTime: number;
  readonly late: number;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function itemOf(e: Entry): ExpectationItem {
  const r = e.record;
  const out: Record<string, unknown> = { expectation: e.name, key: e.key, keys: r.keys, state: statusOf(r), ...r.labels };
  if (r.whenAt !== undefined) out.openedAt = iso(r.whenAt);
  if (r.deadline !== undefined) out.deadline = iso(r.deadline);
  if (r.expectAt !== undefined) out.closedAt = iso(r.expectAt);
  if (r.firedAt !== undefined) out.raisedAt = iso(r.firedAt);
  return out as unknown as ExpectationItem;
}

export class ExpectationService {
  readonly store: ExpectationStore;
  private readonly o: ExpectationServiceOptions;
  private readonly readers: StreamReader[] = [];
  private readonly firer: DeadlineFirer;
  private readonly byName: ReadonlyMap<string, Expectation>;
  private readonly exceptionsStream: string | undefined;
  private readonly clock: () => number;
  private readonly instruments: Instruments | undefined;
  private failure: Error | undefined;
  private started: Promise<void> | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private pruning: Promise<number> | undefined;
  private stopping = false;
  private readersStarted = false;

  private constructor(o: ExpectationServiceOptions) {
    this.o = o;
    this.clock = o.clock ?? Date.now;
    this.store = ExpectationStore.open(o.dataDir);
    this.byName = new Map(o.set.expectations.map((e) => [e.name, e]));
    this.exceptionsStream = streamOf('exceptions.x.y', o.streams)?.name;
    this.instruments = o.metrics ? instrumentsOf(o.metrics, o.set, this.store) : undefined;
    this.firer = new DeadlineFirer({
      clock: this.clock,
      nextDeadline: () => this.store.nextDeadline(),
      dueBy: (now, limit) => this.store.dueBy(now, limit),
      catchUp: () => this.catchUp(CATCH_UP_MS),
      raise: (e) => this.raise(e),
      onError: (err, e) => o.logger.warn({ err: err.message, expectation: e?.name, key: e?.key }, 'expectation exception not raised yet; retrying'),
    });
  }

  /** Opens the view and starts reading; the timer is armed once the view has caught up. */
  static async start(o: ExpectationServiceOptions): Promise<ExpectationService> {
    const s = new ExpectationService(o);
    await s.startReaders();
    return s;
  }

  /** Resolves once the view has folded what the streams held at start (then deadlines fire). */
  get ready(): Promise<void> {
    return this.started ?? Promise.resolve();
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** `<stream> <subject>` the view reads, with the last sequence folded from each. */
  positions(): Record<string, number> {
    return Object.fromEntries(this.readers.map((r) => [`${r.stream} ${r.subject}`, r.folded]));
  }

  summary(): ExpectationSummary[] {
    return this.o.set.expectations.map((e) => {
      const t = this.store.totals(e.name);
      return { name: e.name, description: e.description, within: e.within, ...(e.calendar ? { calendar: e.calendar.name } : {}), open: t.open, closedInTime: t.closed, late: t.late };
    });
  }

  list(state: 'open' | 'late', name: string | undefined, limit: number): ExpectationItem[] {
    return this.store.list(state, name, limit).map(itemOf);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Runs a deadline round now (tests with a controlled clock). */
  fireDue(): Promise<void> {
    return this.firer.fireNow();
  }

  /**
   * Forgets finished expectations whose last instant is older than the retention, a chunk per
   * transaction; resolves with how many records went. Without it the view (and every deadline
   * round's index) would grow with every order ever taken.
   */
  pruneNow(): Promise<number> {
    this.pruning ??= (async () => {
      const cutoff = this.clock() - this.o.set.retentionMs;
      let removed = 0;
      for (;;) {
        if (this.stopping) break;
        const r = this.store.prune(cutoff, PRUNE_CHUNK);
        removed += r.removed;
        if (!r.more) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.instruments?.pruned(removed);
      if (removed > 0) this.o.logger.info({ removed, before: new Date(cutoff).toISOString() }, 'finished expectations past their retention forgotten');
      return removed;
    })().finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pruneTimer);
    await this.pruning?.catch(() => undefined);
    await this.firer.stop();
    await Promise.all(this.readers.map((r) => r.stop()));
    await this.store.close();
  }

  private async startReaders(): Promise<void> {
    // One reader per subject pattern an expectation names, and one per exception type raised.
    const reads = new Map<string, string>();
    for (const e of this.o.set.expectations) {
      for (const rule of [...e.when, ...e.expect]) {
        const s = streamOf(rule.subject, this.o.streams);
        if (s) reads.set(rule.subject, s.name);
      }
      if (this.exceptionsStream) reads.set(`exceptions.${e.raise.type}.*`, this.exceptionsStream);
    }
    const js = jetstream(this.o.nc);
    for (const [subject, stream] of [...reads].sort(([a], [b]) => a.localeCompare(b))) {
      const position = `${stream} ${subject}`;
      const reader = new StreamReader({
        js,
        stream,
        subject,
        after: this.store.seqOf(position),
        handle: (msgs) => this.fold(stream, subject, msgs),
        onError: (err) => {
          this.failure = new Error(`the expectations view could not fold ${stream} ${subject}: ${err.message}`);
          this.o.logger.error({ err: err.message, stream, subject }, 'expectations view stopped');
        },
      });
      await reader.start();
      this.readers.push(reader);
    }
    this.readersStarted = true;
    this.started = (async () => {
      while (!(await this.catchUp(60_000))) {
        if (this.failure) return;
        this.o.logger.warn('expectations view still catching up with its streams');
      }
      this.firer.poke();
      if (this.stopping) return;
      const prune = (): void => void this.pruneNow().catch((err: Error) => this.o.logger.warn({ err: err.message }, 'pruning the expectations view failed; next round in 10 minutes'));
      prune();
      this.pruneTimer = setInterval(prune, PRUNE_EVERY_MS).unref();
    })();
  }

  /** True once every reader has folded what its subject held when this was called (polled: one consumer info each per try). */
  private async catchUp(ms: number): Promise<boolean> {
    // Until every reader exists, "the readers so far are caught up" says nothing of the others:
    // a view folding its opening documents before the reader of their answers had started
    // raised late exceptions for expectations closed in time long ago.
    if (!this.readersStarted) return false;
    const until = Date.now() + ms;
    for (;;) {
      const states = await Promise.all(this.readers.map((r) => r.caughtUp().catch(() => false)));
      if (states.every(Boolean)) return true;
      if (Date.now() >= until || this.failure) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async fold(stream: string, subject: string, msgs: readonly JsMsg[]): Promise<void> {
    const sightings: { name: string; key: string; s: Sighting }[] = [];
    const fired: { name: string; key: string; at: number }[] = [];
    for (const m of msgs) {
      const at = Math.floor(m.info.timestampNanos / 1e6);
      if (stream === this.exceptionsStream && subject.startsWith('exceptions.')) {
        const id = m.headers?.get(MSG_ID);
        const p = id ? parseMessageId(id) : undefined;
        if (p && this.byName.has(p.name)) fired.push({ ...p, at });
      }
      // Only this reader's rules: a message another pattern also matches is folded by that reader.
      const matches = matchesOf(this.o.set.expectations, m.subject).filter((x) => x.rule.subject === subject);
      if (matches.length === 0) continue;
      let body: unknown;
      try {
        body = m.json();
      } catch {
        continue; // not JSON: no key to read
      }
      const headers: Record<string, string> = {};
      for (const k of m.headers?.keys() ?? []) headers[k] = m.headers?.get(k) ?? '';
      const bindings = { subject: m.subject, headers };
      for (const { expectation: e, role, rule } of matches) {
        const d = await readDocument(rule, body, bindings);
        if (!d) continue;
        const s: Sighting = { role, at, keys: d.keys, labels: d.labels, ...(role === 'when' ? { deadline: deadlineOf(at, e.withinMs, e.calendar) } : {}) };
        sightings.push({ name: e.name, key: d.key, s });
      }
    }
    const last = (msgs[msgs.length - 1] as JsMsg).seq;
    const transitions = this.store.transact((b) => {
      for (const { name, key, s } of sightings) b.sight(name, key, s);
      for (const f of fired) b.fired(f.name, f.key, f.at);
      const position = `${stream} ${subject}`;
      b.folded(position, Math.max(last, b.seqOf(position)));
    });
    for (const f of fired) this.firer.seen(f.name, f.key);
    this.instruments?.record(transitions);
    this.firer.poke();
  }

  private async raise(e: Entry): Promise<void> {
    const x = this.byName.get(e.name);
    const r = e.record;
    if (!x || r.deadline === undefined || r.whenAt === undefined) return;
    const partner = r.labels.partner ?? 'unknown';
    const deadline = new Date(r.deadline).toISOString();
    const body = {
      expectation: x.name,
      description: x.description,
      type: x.raise.type,
      partner,
      ...(r.labels.channel ? { channel: r.labels.channel } : {}),
      ...(r.labels.warehouse ? { warehouse: r.labels.warehouse } : {}),
      ...(x.raise.documentType ? { documentType: x.raise.documentType } : {}),
      key: e.key,
      keys: r.keys,
      openedAt: new Date(r.whenAt).toISOString(),
      deadline,
      within: x.within,
      ...(x.calendar ? { calendar: x.calendar.name } : {}),
      ...(r.expectAt !== undefined ? { arrivedAt: new Date(r.expectAt).toISOString() } : {}),
    };
    const h = natsHeaders();
    h.set(EXCEPTION.raisedBy, `${RAISED_BY_PREFIX}${x.name}`);
    h.set(EXCEPTION.keys, JSON.stringify(r.keys));
    h.set(EXCEPTION.deadline, deadline);
    if (r.labels.channel) h.set(EXCEPTION.channel, r.labels.channel);
    if (r.labels.warehouse) h.set(EXCEPTION.warehouse, r.labels.warehouse);
    if (x.raise.documentType) h.set(EXCEPTION.documentType, x.raise.documentType);
    const ack = await publishAcksFor(this.o.nc).publish(exceptionSubject(x.raise.type, partner), new TextEncoder().encode(JSON.stringify(body)), { msgID: messageIdOf(x.name, e.key), headers: h });
    this.instruments?.raised(x.name, ack.duplicate);
    this.o.logger.info({ expectation: x.name, key: e.key, deadline, duplicate: ack.duplicate, runner: this.o.runner }, ack.duplicate ? 'expectation late (already raised by another runner)' : 'expectation late: exception raised');
  }
}

interface Instruments {
  record(transitions: readonly Transition[]): void;
  pruned(n: number): void;
  raised(name: string, duplicate: boolean): void;
}

/** Seconds: from one second to a week (SLAs run from minutes to days). */
const CLOSE_BUCKETS = [1, 10, 60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800];

function instrumentsOf(registry: MetricsRegistry, set: ExpectationSet, store: ExpectationStore): Instruments {
  registry.gauge('crossdock_expectations_open', 'Expectations opened and neither closed in time nor raised yet, by expectation (from the view).', () =>
    set.expectations.map((e) => [{ expectation: e.name }, store.totals(e.name).open] as const),
  );
  const closed = registry.counter('crossdock_expectation_closed_in_time_total', 'Expectations this runner saw close in time (the expected document by the deadline).');
  const late = registry.counter('crossdock_expectation_late_total', 'Expectations this runner saw become late (raised, or closed after the deadline).');
  const published = registry.counter('crossdock_expectation_exceptions_published_total', 'Late exceptions this runner published, by whether JetStream already had them from another runner.');
  const pruned = registry.counter('crossdock_expectations_pruned_total', 'Finished expectations forgotten by this runner\'s view once past the retention (expectations.yaml `retention`).').labels({});
  const seconds = registry.histogram('crossdock_expectation_close_seconds', 'Time from the opening document to the expected one, for expectations closed in time, in seconds.', CLOSE_BUCKETS);
  return {
    record(transitions) {
      for (const t of transitions) {
        if (t.to === 'late') late.labels({ expectation: t.name }).inc();
        else {
          closed.labels({ expectation: t.name }).inc();
          seconds.labels({ expectation: t.name }).observe(t.seconds ?? 0);
        }
      }
    },
    pruned(n) {
      if (n > 0) pruned.inc(n);
    },
    raised(name, duplicate) {
      published.labels({ expectation: name, duplicate: String(duplicate) }).inc();
    },
  };
}
