/**
 * Where an operator's action (acknowledge, assign, resolve or reopen an exception; replay a
 * dead letter) is recorded for the audit log. The workbench and the dead-letter API call this
 * after an action took effect; the runner hands in the audit log's recorder.
 */
export interface OperatorAction {
  /** The API key's name (HTTP) or --actor / $USER (CLI); never a key. */
  readonly actor: string;
  /** e.g. `exception.ack`, `exception.resolve`, `dlq.replay`. */
  readonly action: string;
  /** What it acted on, e.g. `exception:42`, `dlq:DLQ:7`. */
  readonly target: string;
  readonly note?: string;
  /** Where the request came from: `http` or `cli`. */
  readonly via: 'http' | 'cli';
}

export type OperatorActionLog = (action: OperatorAction) => Promise<void>;

/** Until an audit log is wired in: actions still happen, nothing extra is recorded. */
export const unrecordedOperatorActions: OperatorActionLog = async () => undefined;
