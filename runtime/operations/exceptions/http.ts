/**
 * The workbench over HTTP, on the runner's server:
 *
 *   GET  /v1/exceptions?type=&partner=&channel=&warehouse=&state=&assignee=&limit=&cursor=   (viewer)
 *   GET  /v1/exceptions/:id                                                               (viewer)
 *   POST /v1/exceptions/:id/ack | assign | resolve | reopen                               (operator)
 *
 * Lists come newest first from the runner's LMDB view; `next` is the cursor of the next page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { sendJson, type HttpServer } from '../../http/server.ts';
import type { Access } from '../../http/access.ts';
import { redactText } from '../../config/redact.ts';
import { ACTIONS, FILTER_FIELDS, STATES, type ExceptionFilter, type ExceptionState, type WorkItem } from './model.ts';
import { actionRequest, performAction, recordExceptionAction, type ItemSource } from './actions.ts';
import type { WorkbenchView } from './view.ts';
import type { OperatorActionLog } from '../operator-actions.ts';
import { intParam, isBad, jsonObjectBody, queryOf, type BadInput } from '../http-input.ts';

export interface ExceptionRoutesOptions {
  readonly view: WorkbenchView;
  readonly access: Access;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly exceptionsStream: string;
  readonly workbenchStream: string;
  readonly recordAction: OperatorActionLog;
  readonly logger: Logger;
}

const MAX_LIMIT = 500;
const MAX_NAME = 100;
/** How long an action waits for this runner's view to fold it before answering 202. */
const FOLD_WAIT_MS = 5000;

const fail = (res: ServerResponse, b: BadInput): void => sendJson(res, b.status, { error: b.error, field: b.field });

export function registerExceptionRoutes(http: HttpServer, o: ExceptionRoutesOptions): void {
  const items: ItemSource = {
    get: (id) => o.view.get(id),
    get positions() {
      return o.view.positions;
    },
    catchUp: (want) => o.view.waitFor(want, FOLD_WAIT_MS),
  };

  http.route('GET', '/v1/exceptions', (req, res) => {
    if (!o.access.require(req, res, 'viewer')) return;
    const q = queryOf(req, [...FILTER_FIELDS, 'limit', 'cursor']);
    if (isBad(q)) return fail(res, q);
    const filter: Record<string, string> = {};
    for (const f of FILTER_FIELDS) {
      const v = q.get(f);
      if (v === undefined) continue;
      if (v === '' || v.length > MAX_NAME) return fail(res, { status: 400, field: f, error: `${f} must be 1-${MAX_NAME} characters` });
      filter[f] = v;
    }
    if (filter.state !== undefined && !STATES.includes(filter.state as ExceptionState)) return fail(res, { status: 400, field: 'state', error: `state must be one of ${STATES.join(', ')}` });
    const limit = intParam(q.get('limit'), 'limit', 1, MAX_LIMIT, 50);
    if (isBad(limit)) return fail(res, limit);
    const cursor = intParam(q.get('cursor'), 'cursor', 1, Number.MAX_SAFE_INTEGER);
    if (isBad(cursor)) return fail(res, cursor);
    const page = o.view.list(filter as ExceptionFilter, limit as number, cursor);
    const last = page[page.length - 1];
    sendJson(res, 200, { items: page.map(summary), ...(page.length === limit && last ? { next: last.id } : {}) });
  });

  http.route('GET', '/v1/exceptions/:id', async (req, res, params) => {
    if (!o.access.require(req, res, 'viewer')) return;
    const id = idOf(params.id);
    if (isBad(id)) return fail(res, id);
    const item = o.view.get(id);
    if (!item) return sendJson(res, 404, { error: `no exception ${id}` });
    const stored = await o.jsm.streams.getMessage(o.exceptionsStream, { seq: id }).catch(() => null);
    sendJson(res, 200, { ...item, ...(stored ? { body: bodyOf(stored.data) } : {}) });
  });

  for (const action of ACTIONS) {
    http.route('POST', `/v1/exceptions/:id/${action}`, async (req, res, params) => {
      const who = o.access.require(req, res, 'operator');
      if (!who) return;
      const id = idOf(params.id);
      if (isBad(id)) {
        req.resume();
        return fail(res, id);
      }
      const body = await jsonObjectBody(req);
      if (isBad(body)) return fail(res, body);
      const request = actionRequest(action, id, who.name, body);
      if (isBad(request)) return fail(res, request);
      const out = await performAction({ js: o.js, jsm: o.jsm, exceptionsStream: o.exceptionsStream, workbenchStream: o.workbenchStream, items }, request);
      if (out.status === 200 || out.status === 202) {
        let auditError: string | undefined;
        if (out.changed) {
          o.logger.info({ actor: who.name, action, exception: id }, 'exception workbench action');
          auditError = await recordExceptionAction(o.recordAction, who.name, action, o.exceptionsStream, out.item, request.note);
          if (auditError) o.logger.error({ actor: who.name, action, exception: id, reason: auditError }, 'exception action taken but not recorded in the audit log');
        }
        return sendJson(res, out.status, { changed: out.changed, item: out.item, ...(auditError ? { auditError } : {}) });
      }
      sendJson(res, out.status, { error: out.error, ...(out.status === 409 ? { state: o.view.get(id)?.state } : {}) });
    });
  }
}

function idOf(text: string | undefined): number | BadInput {
  const n = intParam(text ?? '', 'id', 1, Number.MAX_SAFE_INTEGER);
  return n === undefined ? { status: 400, field: 'id', error: 'id must be a whole number from 1' } : n;
}

/** A list row: the item without its history. */
function summary(item: WorkItem): Omit<WorkItem, 'history'> {
  const { history: _h, ...rest } = item;
  return rest;
}

/** The exception's own body (ours, so shown), with anything that looks like a credential redacted. */
function bodyOf(data: Uint8Array): unknown {
  const text = redactText(new TextDecoder().decode(data));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
