/**
 * Every step observed without doing anything itself: the engine wraps each compiled step so
 * its time and its outcome (passed, dropped, failed permanently or transiently) are recorded
 * per pipeline and step, as Benthos wraps every processor. Steps stay unaware of metrics, and
 * a new step kind is observed from its first message.
 *
 * The wrapper keeps a synchronous step synchronous (the pure message path depends on it).
 */
import { isPromiseLike } from '../expressions/jsonata.ts';
import { DROP, type CompiledStep, type StepResult } from '../components/types.ts';
import { isPermanent } from './process.ts';
import type { CompiledPipeline } from '../compile/pipeline.ts';

export type StepOutcome = 'passed' | 'dropped' | 'failed-permanent' | 'failed-transient';

/** Where a step's observations go: one per step, resolved once, so recording costs no lookups. */
export interface StepObserver {
  record(outcome: StepOutcome, seconds: number): void;
}

/** Gives the observer of step `position` (1-based) labelled `label` in `pipeline`. */
export type StepObservers = (pipeline: string, position: number, label: string) => StepObserver;

/** The pipeline with each step timed and counted; nothing else about it changes. */
export function observeSteps(pipeline: CompiledPipeline, observers: StepObservers): CompiledPipeline {
  return { ...pipeline, steps: pipeline.steps.map((step, i) => observed(step, observers(pipeline.name, i + 1, step.label))) };
}

function observed(step: CompiledStep, observer: StepObserver): CompiledStep {
  const run = (ex: Parameters<CompiledStep['run']>[0]): StepResult | Promise<StepResult> => {
    const started = performance.now();
    const done = (outcome: StepOutcome): void => observer.record(outcome, (performance.now() - started) / 1000);
    let r: StepResult | Promise<StepResult>;
    try {
      r = step.run(ex);
    } catch (err) {
      done(failure(err));
      throw err;
    }
    if (!isPromiseLike(r)) {
      done(r === DROP ? 'dropped' : 'passed');
      return r;
    }
    return (r as Promise<StepResult>).then(
      (v) => {
        done(v === DROP ? 'dropped' : 'passed');
        return v;
      },
      (err: unknown) => {
        done(failure(err));
        throw err;
      },
    );
  };
  return { label: step.label, ...(step.start ? { start: step.start.bind(step) } : {}), run };
}

// The message path's rule, so the counts agree with what is dead-lettered and what retried.
function failure(err: unknown): StepOutcome {
  return isPermanent(err) ? 'failed-permanent' : 'failed-transient';
}
