/**
 * The pure heart of the runner: one inbound message through a pipeline's steps to the
 * emissions its outputs would send, or to a drop or a failure. No I/O happens here, so the
 * live runner and the offline fixture tests (`crossdock test`) share exactly this code.
 */
import { randomUUID } from 'node:crypto';
import { isPromiseLike } from '../expressions/jsonata.ts';
import { whenOffloaded } from '../expressions/sandbox.ts';
import { DROP, StepFailure, type CompiledOutput, type DegenerateId, type Emission, type Exchange, type MessageMeta, type StepResult } from '../components/types.ts';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import { CORRELATION_ID } from '../components/header-names.ts';
import { respell } from '../compile/header-spellings.ts';
import { TRACEPARENT } from '../observability/tracing.ts';

export interface Inbound {
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly meta: MessageMeta;
  /** This run's `traceparent` (observability/tracing.ts), which its outputs carry. */
  readonly traceparent?: string;
  /** Called when one of the message's evaluations moves to an expression worker. */
  readonly onOffload?: () => void;
}

export interface Failure {
  readonly permanent: boolean;
  /** 1-based step number, 0 for decoding, steps.length + 1 for outputs. */
  readonly stepIndex: number;
  readonly step: string;
  readonly reason: string;
  readonly field?: string;
  /** Least delay before a retry, when the failing service asked for one. */
  readonly retryAfterMs?: number;
  /** An output's message id was refused as one unrelated messages would share. */
  readonly degenerateId?: DegenerateId;
}

export type Outcome =
  | { readonly kind: 'emit'; readonly emissions: readonly Emission[]; readonly exchange: Exchange }
  | { readonly kind: 'drop'; readonly step: string; readonly exchange: Exchange }
  | { readonly kind: 'fail'; readonly failure: Failure; readonly exchange: Exchange | undefined };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Builds the exchange for an inbound message; a payload that cannot be decoded is a permanent failure. */
export function createExchange(pipeline: CompiledPipeline, inbound: Inbound, format: 'json' | 'text'): Exchange | Failure {
  let text: string;
  try {
    text = decoder.decode(inbound.data);
  } catch {
    return decodeFailure('payload is not valid UTF-8');
  }
  let body: unknown = text;
  if (format === 'json') {
    try {
      body = JSON.parse(text);
    } catch (err) {
      return decodeFailure(`payload is not JSON: ${(err as Error).message}`);
    }
  }
  // Header names are case-insensitive: each is kept under the pipeline's own spelling, so a
  // lookup finds it however the sender (or Node's HTTP server, or a fixture) spelled it.
  const headers = respell(inbound.headers, pipeline.headerSpellings);
  const correlationId = headers[CORRELATION_ID] || randomUUID();
  headers[CORRELATION_ID] = correlationId;
  if (inbound.traceparent !== undefined) headers[TRACEPARENT] = inbound.traceparent;
  // Transport headers describe the inbound hop; they must not leak onto outputs.
  delete headers['Nats-Msg-Id'];
  delete headers['Nats-Expected-Stream'];
  return {
    body,
    headers,
    route: undefined,
    correlationId,
    meta: inbound.meta,
    raw: inbound.data,
    original: body,
    onOffload: inbound.onOffload,
    bindings: { headers, subject: inbound.meta.subject, meta: inbound.meta, pipeline: pipeline.name },
  };
}

function decodeFailure(reason: string): Failure {
  return { permanent: true, stepIndex: 0, step: 'decode', reason };
}

export function isFailure(x: Exchange | Failure): x is Failure {
  return 'stepIndex' in x;
}

/** Runs the steps and prepares the emissions. Synchronous when every step is. */
export function processExchange(pipeline: CompiledPipeline, ex: Exchange): Outcome | Promise<Outcome> {
  return ex.onOffload ? whenOffloaded(ex.onOffload, () => runFrom(pipeline, ex, 0)) : runFrom(pipeline, ex, 0);
}

function runFrom(pipeline: CompiledPipeline, ex: Exchange, start: number): Outcome | Promise<Outcome> {
  const steps = pipeline.steps;
  for (let i = start; i < steps.length; i++) {
    const step = steps[i]!;
    let r: StepResult | Promise<StepResult>;
    try {
      r = step.run(ex);
    } catch (err) {
      return failed(err, i, step.label, ex);
    }
    if (isPromiseLike(r)) {
      return (r as Promise<StepResult>).then(
        (v) => (v === DROP ? dropped(step.label, ex) : whenOffloaded(ex.onOffload, () => runFrom(pipeline, ex, i + 1))),
        (err: unknown) => failed(err, i, step.label, ex),
      );
    }
    if (r === DROP) return dropped(step.label, ex);
  }
  return emit(pipeline, ex);
}

function dropped(step: string, exchange: Exchange): Outcome {
  return { kind: 'drop', step, exchange };
}

function failed(err: unknown, index: number, label: string, exchange: Exchange): Outcome {
  const sf = err instanceof StepFailure ? err : undefined;
  const overflow = isStackOverflow(err);
  const failure: Failure = {
    permanent: isPermanent(err),
    stepIndex: index + 1,
    step: label,
    reason: sf ? sf.message : overflow ? `the message is nested too deeply to process (${(err as Error).message})` : `unexpected error: ${(err as Error)?.message ?? String(err)}`,
    ...(sf?.field === undefined ? {} : { field: sf.field }),
    ...(sf?.retryAfterMs === undefined ? {} : { retryAfterMs: sf.retryAfterMs }),
    ...(sf?.degenerateId === undefined ? {} : { degenerateId: sf.degenerateId }),
  };
  return { kind: 'fail', failure, exchange };
}

/**
 * Whether a step's error will happen again on redelivery. A StepFailure says so itself;
 * anything else is a bug or an environment problem, worth a retry, except running out of
 * stack: the same message exhausts it the same way every time.
 */
export function isPermanent(err: unknown): boolean {
  return err instanceof StepFailure ? err.permanent : isStackOverflow(err);
}

function isStackOverflow(err: unknown): boolean {
  return !(err instanceof StepFailure) && err instanceof RangeError && /call stack/i.test(err.message);
}

function emit(pipeline: CompiledPipeline, ex: Exchange): Outcome | Promise<Outcome> {
  const targets = selectOutputs(pipeline.outputs, ex.route);
  const emissions: (Emission | readonly Emission[] | Promise<Emission | readonly Emission[]>)[] = [];
  let async = false;
  const outputStep = pipeline.steps.length;
  for (let i = 0; i < targets.length; i++) {
    const out = targets[i]!;
    try {
      const e = out.prepare(ex, 0);
      if (isPromiseLike(e)) async = true;
      emissions.push(e);
    } catch (err) {
      return failed(err, outputStep, `output ${out.name}`, ex);
    }
  }
  if (!async) return { kind: 'emit', emissions: flat(emissions as (Emission | readonly Emission[])[]), exchange: ex };
  return Promise.all(emissions).then(
    (list) => ({ kind: 'emit' as const, emissions: flat(list), exchange: ex }),
    (err: unknown) => failed(err, outputStep, 'output', ex),
  );
}

function flat(list: readonly (Emission | readonly Emission[])[]): Emission[] {
  const out: Emission[] = [];
  for (const e of list) {
    if (Array.isArray(e)) out.push(...(e as readonly Emission[]));
    else out.push(e as Emission);
  }
  return out;
}

function selectOutputs(outputs: readonly CompiledOutput[], route: readonly string[] | undefined): readonly CompiledOutput[] {
  if (route === undefined) return outputs;
  return outputs.filter((o) => route.includes(o.name));
}
