/**
 * One hop of a document: a message as it was stored in a stream, reduced to what a journey
 * needs (where, when, who made it from what, how it ended, and its business keys). Made from
 * the stored message's headers alone, so folding the stream again gives the same hop.
 */
import { CORRELATION_ID, DLQ, DUPLICATE_OF, MSG_ID, PRODUCED_BY, SOURCE_KEY, TRACE_KEYS } from '../../components/header-names.ts';
import { parseTraceparent, TRACEPARENT } from '../../observability/tracing.ts';
import { readTraceKeys } from '../../components/trace-keys-header.ts';

/** How the hop ended: a normal output, a dead letter, a business exception, or a reported duplicate. */
export type HopOutcome = 'delivered' | 'dead-lettered' | 'exception' | 'duplicate';

export interface Hop {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  /** When the stream stored it (epoch ms, with the stream's sub-millisecond part: hops a pipeline makes within one ms keep their order). */
  readonly time: number;
  readonly outcome: HopOutcome;
  /** The pipeline that published it; absent for messages from outside Crossdock. */
  readonly pipeline?: string;
  /** The message it was made from: `STREAM:SEQ`, or an edge's delivery key (`http:…`, `file:…`). */
  readonly source?: string;
  /** A reported duplicate: the stored original (`STREAM:SEQ`). */
  readonly duplicateOf?: string;
  readonly correlationId?: string;
  readonly msgId?: string;
  readonly traceId?: string;
  /** Business keys found on it, field → value. */
  readonly keys: Readonly<Record<string, string>>;
  /** Dead letters: the failing step and the reason (already free of secrets when written). */
  readonly step?: string;
  readonly reason?: string;
}

/** A stored message as the index receives it: headers only. */
export interface StoredMessage {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly time: number;
  readonly headers: (name: string) => string | undefined;
}

/** The streams whose subjects mean exceptions and dead letters (see pipelines/streams.yaml). */
export interface HopRules {
  /** Business key fields (compile/trace-keys.ts), as outputs name them in Crossdock-Trace-Keys. */
  readonly keyFields: ReadonlySet<string>;
  readonly exceptionsPrefix: string;
  readonly deadLetterPrefix: string;
}


export function hopOf(m: StoredMessage, rules: HopRules): Hop {
  const h = m.headers;
  const deadLetter = m.subject.startsWith(rules.deadLetterPrefix);
  const dlSourceStream = deadLetter ? h(DLQ.sourceStream) : undefined;
  const dlSourceSeq = deadLetter ? h(DLQ.sourceSeq) : undefined;
  // A dead letter's source is the message that failed; its own Source-Key (if the failed
  // message carried one) names the hop before that.
  const source = dlSourceStream && dlSourceSeq && dlSourceSeq !== '0' ? `${dlSourceStream}:${dlSourceSeq}` : deadLetter ? undefined : h(SOURCE_KEY);
  const duplicateOf = h(DUPLICATE_OF);
  const outcome: HopOutcome = deadLetter ? 'dead-lettered' : duplicateOf !== undefined ? 'duplicate' : m.subject.startsWith(rules.exceptionsPrefix) ? 'exception' : 'delivered';
  // Our outputs name their body's keys in a header: the index reads headers only, never a body.
  const keys = keysFromHeader(h(TRACE_KEYS), rules) ?? {};
  const trace = parseTraceparent(h(TRACEPARENT));
  return compact({
    stream: m.stream,
    seq: m.seq,
    subject: m.subject,
    time: m.time,
    outcome,
    pipeline: h(PRODUCED_BY),
    source,
    duplicateOf,
    correlationId: h(CORRELATION_ID),
    msgId: h(MSG_ID),
    traceId: trace?.traceId,
    keys,
    step: deadLetter ? h(DLQ.step) : undefined,
    reason: deadLetter ? h(DLQ.reason) : undefined,
  });
}

function keysFromHeader(text: string | undefined, rules: HopRules): Record<string, string> | undefined {
  const named = readTraceKeys(text);
  if (named === undefined) return undefined;
  const keys: Record<string, string> = {};
  for (const field of rules.keyFields) {
    const v = named[field];
    if (v !== undefined) keys[field] = v;
  }
  return keys;
}

function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** The values a hop is found by: its business keys, its correlation id and its message id. */
export function lookupValues(hop: Hop): string[] {
  const out = new Set<string>(Object.values(hop.keys));
  if (hop.correlationId) out.add(hop.correlationId);
  if (hop.msgId) out.add(hop.msgId);
  return [...out];
}

/** `STREAM:SEQ` of a hop's source, when it is a stream message. */
export function sourceRef(source: string | undefined): { stream: string; seq: number } | undefined {
  if (!source) return undefined;
  const i = source.lastIndexOf(':');
  if (i <= 0) return undefined;
  const seq = Number(source.slice(i + 1));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  return { stream: source.slice(0, i), seq };
}
