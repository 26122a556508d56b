/**
 * Who did what by hand: dead-letter replays, exception acknowledgments and resolutions, and any
 * other operator action, each one block of one record in the audit chain. Callers pass the actor they have
 * authenticated (an API key's Principal.name, or the CLI user), never a key or a secret.
 */
import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { publishAcksFor } from '../../transport/publish-acks.ts';
import { AuditChain } from './chain.ts';
import type { AuditBlock } from './entry.ts';

export interface OperatorAction {
  /** Principal.name of the API key, or the CLI user. */
  readonly actor: string;
  /** What was done, dotted: `dlq.replay`, `exception.acknowledge`, `exception.resolve`, `exception.assign`. */
  readonly action: string;
  /** What it was done to: `DLQ:42`, `exception:EXCEPTIONS:17`. */
  readonly target: string;
  readonly note?: string;
  /** Partner, channel or warehouse concerned, when known (what `crossdock audit --partner` finds). */
  readonly partner?: string;
  /** Business keys concerned, when known (what `crossdock audit --key` finds). */
  readonly keys?: readonly string[];
  /** When it was done; default now. */
  readonly time?: Date;
}

const ACTION_TEXT = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** The sealed block (its one record is the action); throws when the audit log cannot be written (the caller says so to its user). */
export async function recordOperatorAction(target: NatsConnection | AuditChain, action: OperatorAction): Promise<AuditBlock> {
  if (action.actor.trim() === '') throw new Error('an operator action needs an actor');
  if (!ACTION_TEXT.test(action.action)) throw new Error(`operator action '${action.action}' must be dotted lower-case words (e.g. dlq.replay)`);
  const chain = target instanceof AuditChain ? target : new AuditChain(publishAcksFor(target).publish, await jetstreamManager(target));
  // One id per action: a retry after a lost acknowledgment is the same entry, not a second one.
  const msgId = `audit:action:${randomUUID()}`;
  const record = {
    kind: 'operator-action' as const,
    ...(action.partner === undefined ? {} : { partner: action.partner }),
    keys: [...(action.keys ?? [])],
    time: (action.time ?? new Date()).toISOString(),
    actor: action.actor,
    action: action.action,
    target: action.target,
    ...(action.note === undefined ? {} : { note: action.note }),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const out = await chain.append(() => ({ records: [record], msgId }));
      if (out.status === 'appended') return out.entry;
      // A duplicate: the first attempt was stored though its acknowledgment was lost.
      if (out.status === 'duplicate') {
        const stored = await chain.stored(out.seq);
        if (stored?.v === 2) return stored;
      }
    } catch (err) {
      if (attempt === 2 || !/timeout/i.test((err as Error).message)) throw new Error(`the audit log could not record ${action.action} by ${action.actor}: ${(err as Error).message}`);
    }
  }
  throw new Error(`the audit log could not record ${action.action} by ${action.actor}`);
}
