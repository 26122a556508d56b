/**
 * Which input driver runs which input kind. The runner chooses, being above both the engine
 * (the JetStream driver) and the edges (HTTP ingress, drop folders), which build on the engine.
 */
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { DriverDeps, DriverFactory, InputDriver } from '../engine/drivers.ts';
import { observeSteps } from '../engine/observe-steps.ts';
import { JetStreamDriver } from '../engine/jetstream-driver.ts';
import { HttpIngress } from '../edges/http-ingress.ts';
import { FileDrop } from '../edges/file-drop.ts';

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
