/**
 * A business exception as a work item: what it is (from its message on EXCEPTIONS), where it
 * stands (open → acknowledged → resolved, with who, when and a note) and the decision whether
 * an operator's action changes it. Pure: the fold, the HTTP API and the CLI all decide here.
 */
import { EXCEPTIONS_PREFIX, parseExceptionSubject } from '../exception-subjects.ts';

export type ExceptionState = 'open' | 'acknowledged' | 'resolved';
export const STATES: readonly ExceptionState[] = ['open', 'acknowledged', 'resolved'];

export type ActionKind = 'ack' | 'assign' | 'resolve' | 'reopen';
export const ACTIONS: readonly ActionKind[] = ['ack', 'assign', 'resolve', 'reopen'];

/** What an operator asks for; the actor is the API key's name or the CLI's --actor. */
export interface ActionRequest {
  readonly action: ActionKind;
  readonly id: number;
  readonly actor: string;
  readonly note?: string;
  /** assign: who owns it from now on. */
  readonly assignee?: string;
}

/** One applied action, as the item's history shows it. */
export interface HistoryEntry {
  readonly action: ActionKind;
  readonly actor: string;
  /** ISO time the WORKBENCH stream stored the action. */
  readonly at: string;
  readonly seq: number;
  readonly note?: string;
  readonly assignee?: string;
}

export interface WorkItem {
  /** The exception's sequence in the EXCEPTIONS stream. */
  readonly id: number;
  readonly subject: string;
  readonly type: string;
  readonly partner: string;
  readonly channel?: string;
  readonly warehouse?: string;
  readonly documentType?: string;
  readonly keys?: Readonly<Record<string, unknown>>;
  readonly deadline?: string;
  readonly raisedBy?: string;
  readonly correlationId?: string;
  /** The body's `reason`, when it has one (redacted, cut). */
  readonly reason?: string;
  readonly raisedAt: string;
  readonly state: ExceptionState;
  readonly assignee?: string;
  readonly acknowledgedBy?: string;
  readonly acknowledgedAt?: string;
  readonly resolvedBy?: string;
  readonly resolvedAt?: string;
  readonly resolutionNote?: string;
  /** Sequence of the last action on this item in WORKBENCH (0: none): the expected last one for the next. */
  readonly lastActionSeq: number;
  /** The latest actions, oldest first (at most HISTORY_LIMIT). */
  readonly history: readonly HistoryEntry[];
}

/** An item's history is kept to its latest actions: one record never grows without bound. */
export const HISTORY_LIMIT = 50;

/** The filters a list takes (every one optional; all given must match). */
export interface ExceptionFilter {
  readonly type?: string;
  readonly partner?: string;
  readonly channel?: string;
  readonly warehouse?: string;
  readonly state?: ExceptionState;
  readonly assignee?: string;
}
export const FILTER_FIELDS = ['type', 'partner', 'channel', 'warehouse', 'state', 'assignee'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export function matches(item: WorkItem, f: ExceptionFilter): boolean {
  for (const k of FILTER_FIELDS) {
    const want = f[k];
    if (want !== undefined && item[k] !== want) return false;
  }
  return true;
}

export type Decision =
  | { readonly outcome: 'apply' }
  /** Already so: a repeat is harmless and publishes nothing. */
  | { readonly outcome: 'unchanged' }
  | { readonly outcome: 'refused'; readonly error: string };

/** Whether `req` changes `item`; the same answer on every runner, in the fold and before a publish. */
export function decide(item: WorkItem, req: Pick<ActionRequest, 'action' | 'assignee'>): Decision {
  const s = item.state;
  const refused = (why: string): Decision => ({ outcome: 'refused', error: `exception ${item.id} is ${s}${why}` });
  switch (req.action) {
    case 'ack':
      if (s === 'open') return { outcome: 'apply' };
      if (s === 'acknowledged') return { outcome: 'unchanged' };
      return refused('; reopen it first');
    case 'assign':
      if (s === 'resolved') return refused('; reopen it first');
      return req.assignee === item.assignee ? { outcome: 'unchanged' } : { outcome: 'apply' };
    case 'resolve':
      return s === 'resolved' ? { outcome: 'unchanged' } : { outcome: 'apply' };
    case 'reopen':
      if (s === 'resolved') return { outcome: 'apply' };
      if (s === 'open') return { outcome: 'unchanged' };
      return refused(', not resolved');
  }
}

/** The item after an action `decide` allowed, stored at `seq` at time `at` (ISO). */
export function applyAction(item: WorkItem, req: ActionRequest, seq: number, at: string): WorkItem {
  const entry: HistoryEntry = {
    action: req.action,
    actor: req.actor,
    at,
    seq,
    ...(req.note !== undefined ? { note: req.note } : {}),
    ...(req.assignee !== undefined ? { assignee: req.assignee } : {}),
  };
  const history = [...item.history, entry].slice(-HISTORY_LIMIT);
  const base = { ...item, lastActionSeq: seq, history };
  switch (req.action) {
    case 'ack':
      return { ...base, state: 'acknowledged', acknowledgedBy: req.actor, acknowledgedAt: at };
    case 'assign': {
      const { assignee: _, ...rest } = base;
      return req.assignee ? { ...rest, assignee: req.assignee } : rest;
    }
    case 'resolve':
      return { ...base, state: 'resolved', resolvedBy: req.actor, resolvedAt: at, ...(req.note !== undefined ? { resolutionNote: req.note } : {}) };
    case 'reopen': {
      // The resolution stays in the history; the item is open work again.
      const { resolvedBy: _b, resolvedAt: _a, resolutionNote: _n, acknowledgedBy: _ab, acknowledgedAt: _aa, ...rest } = base;
      return { ...rest, state: 'open' };
    }
  }
}

/** Seconds from raised to resolved: what the resolution-time KPI observes. */
export function resolutionSeconds(item: WorkItem, resolvedAt: string): number {
  return Math.max(0, (Date.parse(resolvedAt) - Date.parse(item.raisedAt)) / 1000);
}

/** Type and partner of an exception subject; a subject of another shape keeps what it has. */
export function subjectParts(subject: string): { type: string; partner: string } {
  const parsed = parseExceptionSubject(subject);
  if (parsed) return parsed;
  const parts = subject.split('.');
  const rest = parts[0] === EXCEPTIONS_PREFIX ? parts.slice(1) : parts;
  return { type: rest[0] ?? 'unknown', partner: rest.slice(1).join('.') };
}
