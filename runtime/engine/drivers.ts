/**
 * An input driver runs one pipeline for one input kind: it receives messages (from a pull
 * consumer, an HTTP request, a file), runs them through the compiled pipeline and delivers
 * the result. Each input kind has one driver; the runner chooses it by kind
 * (runner/input-drivers.ts), since the drivers of the edges build on this module.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';
import type { Tracing } from '../observability/tracing.ts';
import type { HttpServer } from '../http/server.ts';
import type { RuntimeServices } from '../components/services.ts';

export interface DriverDeps {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  /** The runner's HTTP server (routes can be added until it listens); absent with --http off. */
  readonly http?: HttpServer;
  /** The runner's data folder, for drivers that keep local state. */
  readonly dataDir: string;
  readonly services: RuntimeServices;
  /** Spans per message (observability/tracing.ts); absent: the traceparent is passed on, nothing is recorded. */
  readonly tracing?: Tracing;
}

export interface InputDriver {
  readonly pipeline: CompiledPipeline;
  /** True while the driver is taking messages. */
  readonly ready: boolean;
  start(): Promise<void>;
  /** Stops taking new messages and lets in-flight ones finish for up to `graceMs`. */
  stop(graceMs: number): Promise<{ unfinished: number }>;
}

export type DriverFactory = (pipeline: CompiledPipeline, deps: DriverDeps) => InputDriver;

/** Starts every step's `start` hook with the runner's services. */
export async function startSteps(pipeline: CompiledPipeline, services: RuntimeServices): Promise<void> {
  for (const step of pipeline.steps) await step.start?.(services);
}
