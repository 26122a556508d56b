/**
 * The runner's own health on /metrics: the process and runtime families, NATS connection and
 * consumer lag, and whether each pipeline is taking messages. The runner calls this once it
 * has a connection and its pipelines; the figures are read at scrape time.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { InputDriver } from '../engine/drivers.ts';
import type { MetricsRegistry } from '../observability/metrics.ts';
import { registerProcessMetrics } from '../observability/process-metrics.ts';
import { registerNatsMetrics, type ConsumerLag, type ConsumerRef } from '../transport/nats-metrics.ts';

export interface RunnerHealthOptions {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly pipelines: readonly CompiledPipeline[];
  readonly drivers: readonly InputDriver[];
  /**
   * Whether this process reports consumer lag. A durable's lag is one figure for the whole
   * group, so in `--workers N` worker 0 reports it; N copies would add up to N times the lag.
   */
  readonly reportConsumers: boolean;
}

export interface RunnerHealth {
  readonly consumerLag: ConsumerLag;
  stop(): void;
}

/** The durable consumers of the pipelines that read a stream. */
export function pipelineConsumers(pipelines: readonly CompiledPipeline[]): ConsumerRef[] {
  return pipelines.flatMap((p) => (p.input.kind === 'jetstream' ? [{ pipeline: p.name, stream: p.input.config.stream, durable: p.input.config.durable }] : []));
}

export function registerRunnerHealth(registry: MetricsRegistry, o: RunnerHealthOptions): RunnerHealth {
  const own = registerProcessMetrics(registry);
  const consumerLag = registerNatsMetrics(registry, { nc: o.nc, jsm: o.jsm, consumers: o.reportConsumers ? pipelineConsumers(o.pipelines) : [] });
  registry.gauge('crossdock_pipeline_ready', 'Whether a pipeline is taking messages (1) or not (0): bound to its consumer, route or folder.', () => o.drivers.map((d) => [{ pipeline: d.pipeline.name }, d.ready ? 1 : 0]));
  return { consumerLag, stop: () => own.stop() };
}
