/**
 * An operator's action on a work item, the same way from the HTTP API and the CLI: decided
 * against the current item, then published to `workbench.exceptions.<id>` expecting the
 * item's last action to still be the last one on that subject. Two operators acting at once
 * on two runners cannot both win: the second publish is refused by JetStream, its view catches
 * up, and the action is decided again (a repeat becomes a harmless no-op).
 */
import { createHash } from 'node:crypto';
import { JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { applyAction, decide, type ActionRequest, type WorkItem } from './model.ts';
import { encodeAction, workbenchSubject } from './fold.ts';
import type { Positions } from './store.ts';

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
