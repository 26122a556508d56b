/**
 * Dead letters over HTTP, with the filters of `crossdock dlq`:
 *
 *   GET  /v1/dlq?pipeline=&partner=&channel=&reason=&limit=&cursor=   (viewer)
 *   GET  /v1/dlq/:id?maxBody=                                        (viewer; the body for an operator)
 *   POST /v1/dlq/replay  {"ids": [..]} | {"all": true, filters…}, "keep"?  (operator)
 *
 * A dead letter's body is a partner's payload as it arrived, never redacted (replay needs it
 * byte for byte) and possibly personal data: a viewer sees its headers and size, an operator,
 * who can replay it anyway, also its body on the single-item route.
 */
import type { ServerResponse } from 'node:http';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { sendJson, type HttpServer } from '../http/server.ts';
import type { Access } from '../http/access.ts';
import { DLQ } from '../components/header-names.ts';
import { redactText } from '../config/redact.ts';
import { DEAD_LETTER_FILTERS, deadLetterFilter, deadLetterMatches, deadLetterPartner, readDeadLetters, replayDeadLetter, shownHeaders, type DeadLetterEntry, type DeadLetterFilter } from './dead-letters.ts';
import type { OperatorActionLog } from './operator-actions.ts';
import { intParam, isBad, jsonObjectBody, queryOf, unknownField, type BadInput } from './http-input.ts';

export interface DeadLetterRoutesOptions {
  readonly access: Access;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** The stream capturing `dlq.>`. */
  readonly stream: string;
  readonly recordAction: OperatorActionLog;
  readonly logger: Logger;
}

const SUBJECT = 'dlq.>';
const MAX_LIMIT = 500;
const MAX_REPLAY = 1000;
/** NATS's largest message (max_payload): a `maxBody` above it cuts nothing. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const fail = (res: ServerResponse, b: BadInput): void => sendJson(res, b.status, { error: b.error, field: b.field });

export function registerDeadLetterRoutes(http: HttpServer, o: DeadLetterRoutesOptions): void {
  http.route('GET', '/v1/dlq', async (req, res) => {
    if (!o.access.require(req, res, 'viewer')) return;
    const q = queryOf(req, [...DEAD_LETTER_FILTERS, 'limit', 'cursor']);
    if (isBad(q)) return fail(res, q);
    const f = deadLetterFilter((name) => q.get(name));
    if ('error' in f) return fail(res, { status: 400, field: f.field, error: f.error });
    const limit = intParam(q.get('limit'), 'limit', 1, MAX_LIMIT, 50);
    if (isBad(limit)) return fail(res, limit);
    const cursor = intParam(q.get('cursor'), 'cursor', 1, Number.MAX_SAFE_INTEGER, 1);
    if (isBad(cursor)) return fail(res, cursor);
    // Oldest first from the cursor: the stream is read in order, only as far as one page needs.
    const items: ReturnType<typeof row>[] = [];
    let next: number | undefined;
    for await (const e of readDeadLetters(o.js, o.jsm, o.stream, SUBJECT, cursor)) {
      if (!deadLetterMatches(f.filter, e.headers)) continue;
      if (items.length === limit) {
        next = e.seq;
        break;
      }
      items.push(row(e));
    }
    sendJson(res, 200, { items, ...(next ? { next } : {}) });
  });

  http.route('GET', '/v1/dlq/:id', async (req, res, params) => {
    const who = o.access.require(req, res, 'viewer');
    if (!who) return;
    const id = intParam(params.id ?? '', 'id', 1, Number.MAX_SAFE_INTEGER);
    if (isBad(id) || id === undefined) return fail(res, { status: 400, field: 'id', error: 'id must be a whole number from 1' });
    const q = queryOf(req, ['maxBody']);
    if (isBad(q)) return fail(res, q);
    const maxBody = intParam(q.get('maxBody'), 'maxBody', 1, MAX_MESSAGE_BYTES);
    if (isBad(maxBody)) return fail(res, maxBody);
    const m = await o.jsm.streams.getMessage(o.stream, { seq: id }).catch(() => null);
    if (!m || !m.subject.startsWith('dlq.')) return sendJson(res, 404, { error: `no dead letter ${id}` });
    const headers: Record<string, string> = {};
    if (m.header) for (const [k, v] of m.header) headers[k] = v.join(', ');
    const entry = row({ seq: m.seq, time: m.time, subject: m.subject, headers, data: m.data });
    sendJson(res, 200, who.role === 'operator' ? { ...entry, ...bodyOf(m.data, maxBody) } : entry);
  });

  http.route('POST', '/v1/dlq/replay', async (req, res) => {
    const who = o.access.require(req, res, 'operator');
    if (!who) return;
    const body = await jsonObjectBody(req);
    if (isBad(body)) return fail(res, body);
    const unknown = unknownField(body, ['ids', 'all', 'keep', ...DEAD_LETTER_FILTERS]);
    if (unknown) return fail(res, unknown);
    const ids = body.ids;
    const all = body.all;
    if (all !== undefined && typeof all !== 'boolean') return fail(res, { status: 400, field: 'all', error: 'all must be true or false' });
    if (body.keep !== undefined && typeof body.keep !== 'boolean') return fail(res, { status: 400, field: 'keep', error: 'keep must be true or false' });
    const f = deadLetterFilter((name) => (typeof body[name] === 'string' ? (body[name] as string) : body[name] === undefined ? undefined : ''));
    if ('error' in f) return fail(res, { status: 400, field: f.field, error: f.error });
    const filtered = Object.keys(f.filter).length > 0;
    let targets: number[];
    if (all === true) {
      if (ids !== undefined) return fail(res, { status: 400, field: 'ids', error: 'give ids or all, not both' });
      targets = await matching(o, f.filter);
    } else {
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_REPLAY || !ids.every((n) => Number.isSafeInteger(n) && (n as number) > 0)) {
        return fail(res, { status: 400, field: 'ids', error: `ids must be a list of 1-${MAX_REPLAY} dead-letter ids (or give "all": true)` });
      }
      if (filtered) return fail(res, { status: 400, field: Object.keys(f.filter)[0] as string, error: 'filters choose dead letters for "all"; with ids, give no filters' });
      targets = ids as number[];
    }
    const replayed: number[] = [];
    const failed: { id: number; error: string }[] = [];
    const auditErrors: { id: number; error: string }[] = [];
    for (const seq of targets.slice(0, MAX_REPLAY)) {
      const r = await replayDeadLetter(o.js, o.jsm, o.stream, seq, body.keep === true);
      if (!r.ok) {
        failed.push({ id: seq, error: r.error });
        continue;
      }
      replayed.push(seq);
      try {
        await o.recordAction({ actor: who.name, action: 'dlq.replay', target: `${o.stream}:${seq}`, note: `to ${r.subject}` });
      } catch (err) {
        auditErrors.push({ id: seq, error: (err as Error).message });
        o.logger.error({ actor: who.name, deadLetter: seq, reason: (err as Error).message }, 'dead letter replayed but not recorded in the audit log');
      }
    }
    o.logger.info({ actor: who.name, replayed: replayed.length, failed: failed.length }, 'dead letters replayed');
    sendJson(res, 200, { replayed, failed, ...(auditErrors.length ? { auditErrors } : {}), ...(targets.length > MAX_REPLAY ? { more: targets.length - MAX_REPLAY } : {}) });
  });
}

async function matching(o: DeadLetterRoutesOptions, filter: DeadLetterFilter): Promise<number[]> {
  const out: number[] = [];
  for await (const e of readDeadLetters(o.js, o.jsm, o.stream, SUBJECT)) if (deadLetterMatches(filter, e.headers)) out.push(e.seq);
  return out;
}

/**
 * The body as text, its first `maxBody` bytes when it is longer (a console shows a large body
 * in part; `size` says how large it is). A character cut in two at the end is dropped.
 */
function bodyOf(data: Uint8Array, maxBody: number | undefined): { body: string; bodyTruncated?: true } {
  if (maxBody === undefined || data.length <= maxBody) return { body: new TextDecoder().decode(data) };
  return { body: new TextDecoder().decode(data.subarray(0, maxBody)).replace(/\uFFFD$/, ''), bodyTruncated: true };
}

/** A dead letter as listed: what failed where, headers redacted, the body's size only. */
function row(e: DeadLetterEntry): Record<string, unknown> {
  const h = e.headers;
  const partner = deadLetterPartner(h);
  const reason = h[DLQ.reason];
  return {
    id: e.seq,
    time: e.time.toISOString(),
    subject: e.subject,
    pipeline: h[DLQ.pipeline],
    step: h[DLQ.step],
    kind: h[DLQ.kind],
    ...(reason === undefined ? {} : { reason: redactText(reason) }),
    ...(partner ? { partner } : {}),
    ...(h['X-Channel'] ? { channel: h['X-Channel'] } : {}),
    size: e.data.length,
    headers: shownHeaders(h),
  };
}
