/**
 * A dead letter is the original message, byte for byte, with its original headers and the
 * story of its failure added as `Crossdock-*` headers. `dlq replay` reverses this exactly.
 */
import type { MessageMeta } from '../components/types.ts';
import { CORRELATION_ID, DLQ, DLQ_HEADER_NAMES, MSG_ID, REPLAYED_FROM } from '../components/header-names.ts';
import type { Failure } from './process.ts';
import { redactText } from '../config/redact.ts';

export type FailureKind = 'permanent' | 'exhausted';

export interface DeadLetter {
  readonly subject: string;
  /** Deduplicates a dead letter written twice for the same delivery (a crash after publish, before ack). */
  readonly msgId: string;
  readonly headers: Record<string, string>;
  readonly data: Uint8Array;
}

export function deadLetter(
  subject: string,
  pipeline: string,
  meta: MessageMeta,
  original: { readonly data: Uint8Array; readonly headers: Readonly<Record<string, string>> },
  correlationId: string,
  failure: Failure,
  kind: FailureKind,
  now: Date = new Date(),
): DeadLetter {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(original.headers)) {
    if (k === MSG_ID) headers[DLQ.sourceMsgId] = v;
    else if (k !== 'Nats-Expected-Stream') headers[k] = v;
  }
  headers[CORRELATION_ID] = correlationId;
  headers[DLQ.pipeline] = pipeline;
  headers[DLQ.step] = failure.stepIndex > 0 ? `${failure.stepIndex}: ${failure.step}` : failure.step;
  headers[DLQ.reason] = oneLine(failure.reason);
  if (failure.field) headers[DLQ.field] = failure.field;
  headers[DLQ.kind] = kind;
  headers[DLQ.deliveries] = String(meta.deliveryCount);
  headers[DLQ.failedAt] = now.toISOString();
  headers[DLQ.sourceSubject] = meta.subject;
  headers[DLQ.sourceStream] = meta.stream;
  headers[DLQ.sourceSeq] = String(meta.streamSeq);
  return {
    subject,
    msgId: `dlq:${pipeline}:${meta.key}`,
    headers,
    data: original.data,
  };
}

/**
 * Header values cannot hold newlines; long reasons are cut (the body is intact anyway). A reason
 * may quote a URL, a service's answer or a `${VAR}` value, and dead letters are read by anyone
 * with access to the stream, so it is redacted before it is cut.
 */
function oneLine(s: string): string {
  const flat = redactText(s).replace(/\s*[\r\n]+\s*/g, ' ');
  return flat.length > 2000 ? flat.slice(0, 1997) + '...' : flat;
}

/** What a replay publishes: the original subject and headers, with a fresh message id. */
export function replayOf(
  dlq: { readonly stream: string; readonly seq: number; readonly headers: Readonly<Record<string, string>>; readonly data: Uint8Array },
): { subject: string; msgId: string; headers: Record<string, string>; data: Uint8Array } | undefined {
  const subject = dlq.headers[DLQ.sourceSubject];
  if (!subject) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(dlq.headers)) {
    if (!DLQ_HEADER_NAMES.includes(k) && k !== MSG_ID) headers[k] = v;
  }
  headers[REPLAYED_FROM] = `${dlq.stream}:${dlq.seq}`;
  // A new id, or the stream would drop the replay as a duplicate of the original.
  return { subject, msgId: `replay:${dlq.stream}:${dlq.seq}`, headers, data: dlq.data };
}
