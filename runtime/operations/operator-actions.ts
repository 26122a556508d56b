/**
 * Where the workbench and the dead-letter API record an operator's action (acknowledge, assign,
 * resolve or reopen an exception; replay a dead letter) once it took effect: the audit log's
 * chain when the project declares a stream for `audit.>`, else nowhere.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { AuditChain } from './audit/chain.ts';
import { recordOperatorAction, type OperatorAction } from './audit/operator-actions.ts';

export type { OperatorAction } from './audit/operator-actions.ts';

export type OperatorActionLog = (action: OperatorAction) => Promise<void>;

/** Without an audit stream: actions still happen, nothing extra is recorded. */
export const unrecordedOperatorActions: OperatorActionLog = async () => undefined;

/** Records into the audit chain on `stream` (one chain object: it keeps the head between entries). */
export function auditedOperatorActions(js: JetStreamClient, jsm: JetStreamManager, stream: string): OperatorActionLog {
  // Operator actions are few: js.publish serves them as well as a publisher of their own would.
  const chain = new AuditChain((subject, data, opts) => js.publish(subject, data, opts), jsm, stream);
  return async (action) => {
    await recordOperatorAction(chain, action);
  };
}
