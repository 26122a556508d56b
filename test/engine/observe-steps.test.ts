/** The engine's step observer: times and counts each step's outcome, and keeps sync steps sync. */
import { describe, expect, it } from 'vitest';
import { observeSteps, type StepOutcome } from '../../runtime/engine/observe-steps.ts';
import { createExchange, isFailure, processExchange } from '../../runtime/engine/process.ts';
import { DROP, StepFailure, type CompiledStep, type Exchange } from '../../runtime/components/types.ts';
import type { CompiledPipeline } from '../../runtime/compile/pipeline.ts';

function pipelineOf(steps: CompiledStep[]): CompiledPipeline {
  return {
    name: 'p',
    file: 'p.yaml',
    description: '',
    owner: '',
    input: { kind: 'jetstream', config: {} as never, format: 'json', origin: { stream: 'S' } },
    steps,
    outputs: [],
    errors: { maxDeliver: 3, backoffMs: [1000], deadLetter: 'dlq.p' },
    expressions: [],
    headerSpellings: new Map(),
  };
}

function exchange(p: CompiledPipeline, body: unknown): Exchange {
  const meta = { pipeline: p.name, subject: 's', stream: 'S', streamSeq: 1, deliveryCount: 1, receivedAt: 0, key: 'S:1' };
  const ex = createExchange(p, { data: new TextEncoder().encode(JSON.stringify(body)), headers: {}, meta }, 'json');
  if (isFailure(ex)) throw new Error(ex.reason);
  return ex;
}

function recorder(): { seen: { position: number; label: string; outcome: StepOutcome; seconds: number }[]; observe: (pipeline: CompiledPipeline) => CompiledPipeline } {
  const seen: { position: number; label: string; outcome: StepOutcome; seconds: number }[] = [];
  return { seen, observe: (p) => observeSteps(p, (_, position, label) => ({ record: (outcome, seconds) => seen.push({ position, label, outcome, seconds }) })) };
}

const step = (label: string, run: CompiledStep['run']): CompiledStep => ({ label, run });

describe('observeSteps', () => {
  it('records each step passed, in order, and keeps a synchronous pipeline synchronous', () => {
    const { seen, observe } = recorder();
    const p = observe(pipelineOf([step('a', (ex) => void (ex.body = { n: 1 })), step('b', () => undefined)]));
    const outcome = processExchange(p, exchange(p, {}));
    expect(outcome).not.toBeInstanceOf(Promise);
    expect(seen.map((s) => [s.position, s.label, s.outcome])).toEqual([[1, 'a', 'passed'], [2, 'b', 'passed']]);
    expect(seen.every((s) => s.seconds >= 0 && s.seconds < 1)).toBe(true);
  });

  it('records a drop, and the steps after it do not run', () => {
    const { seen, observe } = recorder();
    const p = observe(pipelineOf([step('filter', () => DROP), step('never', () => undefined)]));
    expect((processExchange(p, exchange(p, {})) as { kind: string }).kind).toBe('drop');
    expect(seen.map((s) => s.outcome)).toEqual(['dropped']);
  });

  it('tells permanent from transient failures as the message path does', async () => {
    const { seen, observe } = recorder();
    const permanent = observe(pipelineOf([step('validate', () => { throw new StepFailure('bad', { permanent: true }); })]));
    const transient = observe(pipelineOf([step('http', async () => { throw new Error('connection refused'); })]));
    expect((processExchange(permanent, exchange(permanent, {})) as { kind: string }).kind).toBe('fail');
    const t = await processExchange(transient, exchange(transient, {}));
    expect(t.kind === 'fail' && t.failure.permanent).toBe(false);
    expect(seen.map((s) => s.outcome)).toEqual(['failed-permanent', 'failed-transient']);
  });

  it('times an asynchronous step until it settles', async () => {
    const { seen, observe } = recorder();
    const p = observe(pipelineOf([step('slow', () => new Promise((r) => setTimeout(() => r(undefined), 30)))]));
    await processExchange(p, exchange(p, {}));
    expect(seen[0]?.outcome).toBe('passed');
    expect(seen[0]?.seconds).toBeGreaterThanOrEqual(0.025);
  });

  it('keeps the start hook of the step it wraps', async () => {
    let started = false;
    const p = observeSteps(pipelineOf([{ label: 'x', start: () => void (started = true), run: () => undefined }]), () => ({ record: () => undefined }));
    await p.steps[0]?.start?.({ http: { request: async () => ({ status: 200, headers: {}, body: new Uint8Array() }) } });
    expect(started).toBe(true);
  });
});
