/**
 * An input driver runs one pipeline for one input kind: it receives messages (from a pull
 * consumer, an HTTP request, a file), runs them through the compiled pipeline and delivers
 * the result. Each input kind has one driver, registered here by kind.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';
import type { HttpServer } from '../http/server.ts';
import type { RuntimeServices } from '../components/services.ts';
import { observeSteps } from './observe-steps.ts';
import { JetStreamDriver } from './jetstream-driver.ts';
import { HttpIngress } from '../edges/http-ingress.ts';
import { FileDrop } from '../edges/file-drop.ts';

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

const drivers = new Map<string, DriverFactory>([
  ['jetstream', (p, d) => new JetStreamDriver(p, d)],
  ['http', (p, d) => new HttpIngress(p, d)],
  ['files', (p, d) => new FileDrop(p, d)],
]);

export function driverFor(pipeline: CompiledPipeline, deps: DriverDeps): InputDriver {
  const factory = drivers.get(pipeline.input.kind);
  if (!factory) throw new Error(`pipeline ${pipeline.name}: no driver for input kind '${pipeline.input.kind}'`);
  // Every driver runs the pipeline with each step timed and counted by the engine.
  return factory(observeSteps(pipeline, (_, position, label) => deps.metrics.step(position, label)), deps);
}

/** Starts every step's `start` hook with the runner's services. */
export async function startSteps(pipeline: CompiledPipeline, services: RuntimeServices): Promise<void> {
  for (const step of pipeline.steps) await step.start?.(services);
}
