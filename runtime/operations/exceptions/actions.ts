/**
 * An operator's action on a work item, the same way from the HTTP API and the CLI: decided
 * against the current item, then published to `workbench.exceptions.<id>` expecting the
 * item's last action to still be the last one on that subject. Two operators acting at once
 * on two runners cannot both win: the second publish is refused by JetStream, its view catches
 * up, and the action is decided again (a repeat becomes a harmless no-op).
 */
import { createHash } from 'node:crypto';
import { JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { applyAction, decide, type ActionKind, type ActionRequest, type WorkItem } from './model.ts';
import { encodeAction, workbenchSubject } from './fold.ts';
import type { Positions } from './store.ts';
import type { OperatorActionLog } from '../operator-actions.ts';
import { isBad, textField, unknownField, type BadInput } from '../http-input.ts';

const MAX_NOTE = 2000;
const MAX_NAME = 100;
/** What each action's body may hold. */
const BODY_FIELDS: Readonly<Record<ActionKind, readonly string[]>> = { ack: ['note'], assign: ['assignee', 'note'], resolve: ['note'], reopen: ['note'] };

/** What an action reads: the current items, and a way to let them catch up. */
export interface ItemSource {
  get(id: number): WorkItem | undefined;
  readonly positions: Positions;
  /** Brings the items up to (at least) `want`; false when that did not happen in time. */
  catchUp(want: Partial<Positions>): Promise<boolean>;
}

export type ActionOutcome =
  /** `changed` false: the item already was so, nothing was published. */
  | { readonly status: 200; readonly changed: boolean; readonly item: WorkItem }
  /** Published, but this view had not folded it in time: `item` is the expected result. */
  | { readonly status: 202; readonly changed: true; readonly item: WorkItem }
  | { readonly status: 404 | 409 | 503; readonly error: string };

const WRONG_LAST_SEQUENCE = 10071;
const ATTEMPTS = 4;

export interface ActionContext {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly exceptionsStream: string;
  readonly workbenchStream: string;
  readonly items: ItemSource;
}

export async function performAction(ctx: ActionContext, req: ActionRequest): Promise<ActionOutcome> {
  const subject = workbenchSubject(req.id);
  const data = encodeAction(req);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let item = ctx.items.get(req.id);
    // An id past this view is waited for only if the stream holds it (a 404 answers at once).
    if (!item && req.id > ctx.items.positions.exceptionsSeq && (await ctx.jsm.streams.getMessage(ctx.exceptionsStream, { seq: req.id }).catch(() => null))) {
      await ctx.items.catchUp({ exceptionsSeq: req.id });
      item = ctx.items.get(req.id);
    }
    if (!item) return { status: 404, error: `no exception ${req.id}` };
    const d = decide(item, req);
    if (d.outcome === 'unchanged') return { status: 200, changed: false, item };
    if (d.outcome === 'refused') return { status: 409, error: d.error };
    // The same action from the same predecessor has the same id: a retried request is stored once.
    const msgID = `wb:${req.id}:${item.lastActionSeq}:${createHash('sha256').update(data).digest('hex').slice(0, 16)}`;
    try {
      const ack = await ctx.js.publish(subject, data, { msgID, expect: { lastSubjectSequence: item.lastActionSeq, streamName: ctx.workbenchStream } });
      if (await ctx.items.catchUp({ workbenchSeq: ack.seq })) {
        const now = ctx.items.get(req.id);
        if (now) return { status: 200, changed: true, item: now };
      }
      return { status: 202, changed: true, item: applyAction(item, req, ack.seq, new Date().toISOString()) };
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.code !== WRONG_LAST_SEQUENCE) throw err;
      // Someone acted first: catch up with their action and decide again.
      const last = await ctx.jsm.streams.getMessage(ctx.workbenchStream, { last_by_subj: subject }).catch(() => null);
      if (last) await ctx.items.catchUp({ workbenchSeq: last.seq });
    }
  }
  return { status: 503, error: `exception ${req.id} kept changing; try again` };
}

/** The audit log's name of each action. */
export const AUDIT_ACTION: Readonly<Record<ActionKind, string>> = { ack: 'exception.acknowledge', assign: 'exception.assign', resolve: 'exception.resolve', reopen: 'exception.reopen' };

/** Records a taken action in the audit log; the reason it could not, or undefined. */
export async function recordExceptionAction(record: OperatorActionLog, actor: string, action: ActionKind, stream: string, item: WorkItem, note: string | undefined): Promise<string | undefined> {
  try {
    await record({
      actor,
      action: AUDIT_ACTION[action],
      target: `exception:${stream}:${item.id}`,
      ...(note ? { note } : {}),
      ...(item.partner ? { partner: item.partner } : {}),
      ...(item.keys ? { keys: Object.values(item.keys).map(String) } : {}),
    });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** An action's request from its body; the first mistake names its field. */
export function actionRequest(action: ActionKind, id: number, actor: string, body: Record<string, unknown>): ActionRequest | BadInput {
  const unknown = unknownField(body, BODY_FIELDS[action]);
  if (unknown) return unknown;
  const note = textField(body, 'note', MAX_NOTE, action === 'resolve');
  if (isBad(note)) return note;
  let assignee: string | undefined;
  if (action === 'assign') {
    const a = textField(body, 'assignee', MAX_NAME, true);
    if (isBad(a)) return a;
    assignee = a;
  }
  return { action, id, actor, ...(note ? { note } : {}), ...(assignee ? { assignee } : {}) };
}
