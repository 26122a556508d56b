/**
 * GET /v1/trace/:key — the journey of a document, for viewers. Hops carry their headers'
 * facts and business keys, never a body: a trace must not show one partner another's payload.
 * A hop that is itself a document of the operations API says under which id: a dead letter
 * (`deadLetterId`, for GET /v1/dlq/{id}) or a business exception (`exceptionId`, for GET
 * /v1/exceptions/{id}); both ids are the message's sequence in its stream.
 */
import type { HttpServer } from '../../http/server.ts';
import { sendJson } from '../../http/server.ts';
import type { Access } from '../../http/access.ts';
import { parseExceptionSubject } from '../exception-subjects.ts';
import type { Journey, JourneyHop } from './journey.ts';

export const MAX_KEY_LENGTH = 200;

export interface AnsweredHop extends JourneyHop {
  readonly deadLetterId?: number;
  readonly exceptionId?: number;
}

export interface AnsweredJourney extends Journey {
  readonly hops: readonly AnsweredHop[];
}

/** The journey with each hop's document id, where it is a dead letter or an exception. */
export function withDocumentIds(j: Journey): AnsweredJourney {
  return {
    ...j,
    hops: j.hops.map((h) => {
      if (h.outcome === 'dead-lettered') return { ...h, deadLetterId: h.seq };
      // A reported duplicate is raised as an exception too (exceptions.duplicate-order.<channel>).
      if (parseExceptionSubject(h.subject)) return { ...h, exceptionId: h.seq };
      return h;
    }),
  };
}

export function registerTraceRoutes(http: HttpServer, access: Access, journey: (key: string) => Journey): void {
  http.route('GET', '/v1/trace/:key', (req, res, params) => {
    if (!access.require(req, res, 'viewer')) return;
    const key = (params.key ?? '').trim();
    if (key === '' || key.length > MAX_KEY_LENGTH) {
      sendJson(res, 400, { error: `key: give a business key, correlation id or message id of 1 to ${MAX_KEY_LENGTH} characters`, field: 'key' });
      return;
    }
    const j = journey(key);
    if (j.hops.length === 0) {
      sendJson(res, 404, { error: `no hop is indexed under '${key}'`, key });
      return;
    }
    sendJson(res, 200, withDocumentIds(j));
  });
}
