/**
 * W3C trace context for messages, and spans over OpenTelemetry when configured.
 *
 * Every pipeline run of a message is one span. The message's `traceparent` header names its
 * parent (the span of the pipeline that published it); the header written on the message's
 * outputs names this run's span. A message arriving without one (a webhook, a file, a publish
 * from outside) starts a trace. Without an OTLP endpoint no span objects exist: the ids are
 * made here, one random fill per message, so tracing costs nothing worth measuring when off.
 */
import { randomFillSync } from 'node:crypto';

export const TRACEPARENT = 'traceparent';

export interface SpanFacts {
  readonly pipeline: string;
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
}

export type SpanOutcome = 'delivered' | 'dropped' | 'dead-lettered' | 'retry' | 'failed';

/** One pipeline run of one message. */
export interface MessageSpan {
  /** What the run's outputs carry as their `traceparent`. */
  readonly traceparent: string;
  end(outcome: SpanOutcome): void;
}

export interface Tracing {
  /** Starts the run's span under `inbound` (a `traceparent` value), or a new trace when it is missing or malformed. */
  begin(inbound: string | undefined, facts: SpanFacts): MessageSpan;
  /** Sends what is still buffered (OTLP) and stops. */
  shutdown(): Promise<void>;
}

export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly flags: string;
}

const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The parts of a version-00 `traceparent`, or undefined when it is malformed or all-zero (W3C: then start anew). */
export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  if (value === undefined) return undefined;
  const m = TRACEPARENT_RE.exec(value.trim().toLowerCase());
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, flags: m[3]! };
}

export function formatTraceparent(c: TraceContext): string {
  return `00-${c.traceId}-${c.spanId}-${c.flags}`;
}

// Ids come from a pool refilled 4 KiB at a time: one syscall per few hundred messages.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const s = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return s;
}

export function newSpanId(): string {
  let id = randomHex(8);
  while (id === ZERO_SPAN) id = randomHex(8);
  return id;
}

export function newTraceId(): string {
  let id = randomHex(16);
  while (id === ZERO_TRACE) id = randomHex(16);
  return id;
}

const ENDED: MessageSpan['end'] = () => undefined;

/** Propagation only: the header moves on with a new span id, and nothing is recorded. */
export const propagateOnly: Tracing = {
  begin(inbound) {
    const parent = parseTraceparent(inbound);
    return { traceparent: `00-${parent?.traceId ?? newTraceId()}-${newSpanId()}-${parent?.flags ?? '01'}`, end: ENDED };
  },
  shutdown: () => Promise.resolve(),
};
