/**
 * The fold of EXCEPTIONS and WORKBENCH into work items. Each stream is read in order; the two
 * are read side by side, so an action can arrive before the exception it names is folded: it
 * is parked under the exception's id and applied the moment that exception arrives. Every
 * event costs a constant number of record reads and writes, whatever the history.
 */
import { CORRELATION_ID, EXCEPTION } from '../../components/header-names.ts';
import { redactText } from '../../config/redact.ts';
import { ACTIONS, applyAction, decide, resolutionSeconds, subjectParts, type ActionRequest, type WorkItem } from './model.ts';

/** Subject of the actions on exception `id`: one subject per item, so JetStream can order its actions. */
export const WORKBENCH_PREFIX = 'workbench.exceptions';
export const workbenchSubject = (id: number): string => `${WORKBENCH_PREFIX}.${id}`;

/** A stored message, as both streams deliver it. */
export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  /** Milliseconds since the epoch, the stream's own timestamp. */
  readonly time: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: Uint8Array;
}

export interface ParkedAction {
  readonly seq: number;
  readonly at: string;
  readonly request: ActionRequest;
}

/** Where the fold keeps items; the LMDB store and the CLI's in-memory view both are one. */
export interface Tables {
  get(id: number): WorkItem | undefined;
  /** Writes `after`, moving its index entries and open counts from `before`. */
  put(after: WorkItem, before: WorkItem | undefined): void;
  park(id: number, action: ParkedAction): void;
  /** Removes and returns every parked action for ids up to `id`, by id then sequence. */
  unpark(id: number): { id: number; action: ParkedAction }[];
  /** Counts one resolution of an exception of `type` that took `seconds`. */
  resolved(type: string, seconds: number): void;
}

const decoder = new TextDecoder();
const MAX_REASON = 500;

/** The item an exception message opens. */
export function itemFromException(m: StoredMessage): WorkItem {
  const h = m.headers;
  const { type, partner } = subjectParts(m.subject);
  let keys: Record<string, unknown> | undefined;
  if (h[EXCEPTION.keys]) {
    try {
      const v: unknown = JSON.parse(h[EXCEPTION.keys] as string);
      if (v && typeof v === 'object' && !Array.isArray(v)) keys = v as Record<string, unknown>;
    } catch {
      // A keys header that is not JSON is shown nowhere rather than failing the fold.
    }
  }
  const reason = reasonOf(m.data);
  const opt = (name: string, v: string | undefined): Record<string, string> => (v ? { [name]: v } : {});
  return {
    id: m.seq,
    subject: m.subject,
    type,
    partner,
    ...opt('channel', h[EXCEPTION.channel]),
    ...opt('warehouse', h[EXCEPTION.warehouse]),
    ...opt('documentType', h[EXCEPTION.documentType]),
    ...(keys ? { keys } : {}),
    ...opt('deadline', h[EXCEPTION.deadline]),
    ...opt('raisedBy', h[EXCEPTION.raisedBy]),
    ...opt('correlationId', h[CORRELATION_ID]),
    ...(reason ? { reason } : {}),
    raisedAt: new Date(m.time).toISOString(),
    state: 'open',
    lastActionSeq: 0,
    history: [],
  };
}

/** The body's `reason` (the shipped exception bodies carry one), redacted and cut. */
function reasonOf(data: Uint8Array): string | undefined {
  if (data.length === 0 || data[0] !== 0x7b) return undefined;
  try {
    const v = JSON.parse(decoder.decode(data)) as { reason?: unknown };
    if (typeof v.reason !== 'string') return undefined;
    const r = redactText(v.reason);
    return r.length > MAX_REASON ? r.slice(0, MAX_REASON - 3) + '...' : r;
  } catch {
    return undefined;
  }
}

/** An action message, or undefined when it is not one (the fold skips it, on every runner alike). */
export function parseAction(m: StoredMessage): ActionRequest | undefined {
  const id = Number(m.subject.slice(WORKBENCH_PREFIX.length + 1));
  if (!m.subject.startsWith(WORKBENCH_PREFIX + '.') || !Number.isInteger(id) || id < 1) return undefined;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(decoder.decode(m.data)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || !ACTIONS.includes(v.action as never) || typeof v.actor !== 'string') return undefined;
  const text = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
  const note = text(v.note);
  const assignee = text(v.assignee);
  return { action: v.action as ActionRequest['action'], id, actor: v.actor, ...(note ? { note } : {}), ...(assignee ? { assignee } : {}) };
}

/** The action message body (the id is in the subject). */
export function encodeAction(req: ActionRequest): Uint8Array {
  const { id: _id, ...rest } = req;
  return new TextEncoder().encode(JSON.stringify(rest));
}

export type FoldOutcome = 'opened' | 'applied' | 'unchanged' | 'refused' | 'parked' | 'orphaned' | 'invalid';

/** Folds one exception; actions parked for it are applied now, those for older ids (gone) dropped. */
export function foldException(t: Tables, m: StoredMessage): FoldOutcome {
  let item = itemFromException(m);
  t.put(item, undefined);
  for (const p of t.unpark(m.seq)) {
    if (p.id !== m.seq) continue;
    const before = item;
    const after = step(t, before, p.action.request, p.action.seq, p.action.at);
    if (after !== before) t.put(after, before);
    item = after;
  }
  return 'opened';
}

/**
 * Folds one action. `exceptionsSeq` is how far EXCEPTIONS is folded: an action on a later id
 * waits for it. An action `decide` refuses (published around the API's checks) changes nothing.
 */
export function foldAction(t: Tables, m: StoredMessage, exceptionsSeq: number): FoldOutcome {
  const req = parseAction(m);
  if (!req) return 'invalid';
  const at = new Date(m.time).toISOString();
  if (req.id > exceptionsSeq) {
    t.park(req.id, { seq: m.seq, at, request: req });
    return 'parked';
  }
  const before = t.get(req.id);
  if (!before) return 'orphaned';
  const d = decide(before, req);
  if (d.outcome !== 'apply') return d.outcome;
  t.put(step(t, before, req, m.seq, at), before);
  return 'applied';
}

function step(t: Tables, item: WorkItem, req: ActionRequest, seq: number, at: string): WorkItem {
  if (decide(item, req).outcome !== 'apply') return item;
  if (req.action === 'resolve') t.resolved(item.type, resolutionSeconds(item, at));
  return applyAction(item, req, seq, at);
}
