/**
 * Dead letters (technical failures on `dlq.>`) for people: the filters `crossdock dlq` and
 * `GET /v1/dlq` share, reading them in stream order, and replaying one to where it came from.
 * They are not business exceptions and have no workflow: a dead letter is fixed by replaying
 * it (or left, and ages out of the stream).
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { readStored, type StoredEntry } from './stream-read.ts';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DLQ } from '../components/header-names.ts';
import { replayOf } from '../engine/dead-letter.ts';
import { redactHeader, redactText } from '../config/redact.ts';
import { ClaimCheck, claimReference } from '../transport/claim-check.ts';

export interface DeadLetterFilter {
  readonly pipeline?: string;
  /** X-Partner, else X-Channel, else the partner token of an `edi.` source subject. */
  readonly partner?: string;
  readonly channel?: string;
  /** Case-insensitive text the reason contains. */
  readonly reason?: string;
}
export const DEAD_LETTER_FILTERS = ['pipeline', 'partner', 'channel', 'reason'] as const;

export type DeadLetterEntry = StoredEntry;

const MAX_FILTER = 200;

/** The filter from named values (query parameters, CLI options); an error names the bad one. */
export function deadLetterFilter(value: (name: string) => string | undefined): { filter: DeadLetterFilter } | { field: string; error: string } {
  const filter: Record<string, string> = {};
  for (const name of DEAD_LETTER_FILTERS) {
    const v = value(name);
    if (v === undefined) continue;
    if (v === '' || v.length > MAX_FILTER) return { field: name, error: `${name} must be 1-${MAX_FILTER} characters` };
    filter[name] = v;
  }
  return { filter };
}

/** The partner a dead letter belongs to, where its headers or source subject tell. */
export function deadLetterPartner(headers: Readonly<Record<string, string>>): string | undefined {
  const source = headers[DLQ.sourceSubject] ?? '';
  const edi = /^edi\.(?:in|out)\.[^.]+\.([^.]+)$/.exec(source);
  return headers['X-Partner'] ?? headers['X-Channel'] ?? edi?.[1];
}

export function deadLetterMatches(f: DeadLetterFilter, headers: Readonly<Record<string, string>>): boolean {
  if (f.pipeline !== undefined && headers[DLQ.pipeline] !== f.pipeline) return false;
  if (f.partner !== undefined && deadLetterPartner(headers) !== f.partner) return false;
  if (f.channel !== undefined && headers['X-Channel'] !== f.channel) return false;
  if (f.reason !== undefined && !(headers[DLQ.reason] ?? '').toLowerCase().includes(f.reason.toLowerCase())) return false;
  return true;
}

/** Dead letters on `subject` from sequence `from` on, oldest first (see readStored). */
export function readDeadLetters(js: JetStreamClient, jsm: JetStreamManager, stream: string, subject: string, from = 1): AsyncGenerator<DeadLetterEntry> {
  return readStored(js, jsm, stream, subject, from);
}

/**
 * Header values as shown: a dead letter keeps the headers it arrived with (an `Authorization`
 * or `X-Api-Key` a partner sent), and a reason written before reasons were redacted may still
 * hold a credential.
 */
export function shownHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, redactHeader(k, v)]));
}

export type ReplayResult = { readonly ok: true; readonly subject: string } | { readonly ok: false; readonly error: string };

/**
 * Replays dead letter `seq` of a stream source to its original subject (headers restored, a
 * fresh message id) and removes it unless `keep`. A dead letter of a drop-folder file is not
 * replayed here: it goes back into a folder (`crossdock dlq replay --to-dir`).
 */
export async function replayDeadLetter(js: JetStreamClient, jsm: JetStreamManager, stream: string, seq: number, keep: boolean): Promise<ReplayResult> {
  const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
  if (!m) return { ok: false, error: 'not found' };
  const headers: Record<string, string> = {};
  if (m.header) for (const [k, v] of m.header) headers[k] = v.join(', ');
  const plan = replayOf({ stream, seq, headers, data: m.data });
  if (!plan) return { ok: false, error: `has no ${DLQ.sourceSubject} header` };
  if (headers[DLQ.sourceStream] === 'files') return { ok: false, error: 'is a file from a drop folder: replay it with `crossdock dlq replay --to-dir DIR`' };
  try {
    // A claim-checked dead letter is replayed as its reference: the body must still be stored.
    const ref = claimReference(plan.headers);
    if (ref && !(await new ClaimCheck(js).stat(ref))) throw new Error(`its body (claim check ${ref.bucket}/${ref.object}) is no longer stored`);
    const h = natsHeaders();
    for (const [k, v] of Object.entries(plan.headers)) h.set(k, v);
    await js.publish(plan.subject, plan.data, { msgID: plan.msgId, headers: h });
    if (!keep) await jsm.streams.deleteMessage(stream, seq, false);
    return { ok: true, subject: plan.subject };
  } catch (err) {
    return { ok: false, error: `replay to ${plan.subject} failed: ${redactText((err as Error).message)}` };
  }
}
