/**
 * NATS as the runner sees it, in metrics: whether its connection is up, how often it dropped,
 * and how far each pipeline's durable consumer is behind (messages not yet delivered, and
 * delivered but not yet acknowledged). Consumer figures come from JetStream's consumer info,
 * fetched when /metrics is scraped and kept for `CONSUMER_INFO_TTL_MS`, so a burst of scrapes
 * costs the server one request per consumer; nothing here touches the message path.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MetricsRegistry } from '../observability/metrics.ts';
import { ConnectionState } from './connection-state.ts';

/** How long consumer info is reused: a few seconds, well under any scrape interval. */
export const CONSUMER_INFO_TTL_MS = 3000;

export interface ConsumerRef {
  readonly pipeline: string;
  readonly stream: string;
  readonly durable: string;
}

interface ConsumerFigures {
  readonly pending: number;
  readonly ackPending: number;
  /** 0 or below: no limit (the limit's series is left out). */
  readonly maxAckPending: number;
}

export interface NatsMetricsOptions {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  /** The durables to report; empty where another process of the group reports them. */
  readonly consumers: readonly ConsumerRef[];
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export function registerNatsMetrics(registry: MetricsRegistry, o: NatsMetricsOptions): ConsumerLag {
  const state = ConnectionState.of(o.nc);
  registry.gauge('crossdock_nats_connected', 'Whether the runner is connected to NATS now (1) or not (0).', () => [[{}, state.connected ? 1 : 0]]);
  registry.counterFrom('crossdock_nats_disconnects_total', 'Times the NATS connection was lost.', () => [[{}, state.disconnects]]);
  registry.counterFrom('crossdock_nats_reconnects_total', 'Times the NATS connection was re-established after a loss.', () => [[{}, state.reconnects]]);
  const lag = new ConsumerLag(o.jsm, o.consumers, o.ttlMs ?? CONSUMER_INFO_TTL_MS, o.now ?? Date.now);
  registry.onScrape(() => lag.refresh());
  const read = (pick: (f: ConsumerFigures) => number) => () => lag.figures().map(([ref, f]) => [{ ...ref }, pick(f)] as const);
  const limits = () => lag.figures().filter(([, f]) => f.maxAckPending > 0).map(([ref, f]) => [{ ...ref }, f.maxAckPending] as const);
  registry.gauge('crossdock_consumer_pending_messages', 'Messages on the stream a pipeline\'s durable consumer has not delivered yet (its lag).', read((f) => f.pending));
  registry.gauge('crossdock_consumer_ack_pending_messages', 'Messages a pipeline\'s durable consumer delivered that are not acknowledged yet.', read((f) => f.ackPending));
  registry.gauge('crossdock_consumer_max_ack_pending_messages', 'The durable consumer\'s limit on unacknowledged messages (maxAckPending): at it, delivery stops.', limits);
  return lag;
}

/**
 * Consumer info with a time-to-live. One refresh at a time: a scrape that arrives while one is
 * under way waits for it. A consumer whose info cannot be read drops out of the figures (an
 * old number would look current); the NATS connection gauge says why.
 */
export class ConsumerLag {
  private readonly cache = new Map<ConsumerRef, ConsumerFigures>();
  private fetchedAt = -Infinity;
  private inFlight: Promise<void> | undefined;
  private made = 0;

  private readonly jsm: JetStreamManager;
  private readonly consumers: readonly ConsumerRef[];
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(jsm: JetStreamManager, consumers: readonly ConsumerRef[], ttlMs: number, now: () => number) {
    this.jsm = jsm;
    this.consumers = consumers;
    this.ttlMs = ttlMs;
    this.now = now;
  }

  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.consumers.length === 0 || this.now() - this.fetchedAt < this.ttlMs) return Promise.resolve();
    this.inFlight = this.fetch().finally(() => {
      this.fetchedAt = this.now();
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Consumer info requests made so far: what a burst of scrapes cost the server. */
  get requests(): number {
    return this.made;
  }

  figures(): [ConsumerRef, ConsumerFigures][] {
    return [...this.cache];
  }

  private async fetch(): Promise<void> {
    await Promise.all(
      this.consumers.map(async (ref) => {
        this.made++;
        try {
          const info = await this.jsm.consumers.info(ref.stream, ref.durable);
          this.cache.set(ref, { pending: info.num_pending, ackPending: info.num_ack_pending, maxAckPending: info.config.max_ack_pending ?? 0 });
        } catch {
          this.cache.delete(ref);
        }
      }),
    );
  }
}
