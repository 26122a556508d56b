/**
 * What to do with a message after an attempt: the one rule every input driver follows, so a
 * JetStream message and a dropped file give up (or retry) after the same number of attempts
 * with the same delays. Pure: the drivers do the acking, nak-ing, renaming and dead-lettering.
 */
import type { FailureKind } from './dead-letter.ts';
import type { Failure } from './process.ts';
import { ClaimCheckError } from '../transport/claim-check.ts';

export type DeliveryFailure = Pick<Failure, 'permanent' | 'retryAfterMs'>;

export interface DeliveryPolicy {
  /** Attempts in all, the first included. */
  readonly maxDeliver: number;
  /** Delay before retry n (1-based) is backoffMs[min(n, length) - 1]; the last value repeats. */
  readonly backoffMs: readonly number[];
}

/** What to do after a failed attempt. */
export type FailureDecision = { readonly action: 'retry'; readonly delayMs: number } | { readonly action: 'dead-letter'; readonly kind: FailureKind };

export type DeliveryDecision = { readonly action: 'ack' } | FailureDecision;

const ACK: DeliveryDecision = { action: 'ack' };

/**
 * The policy of an edge whose sender does the retrying (an HTTP caller): every request is a
 * first delivery, and the sender's later attempts cannot be counted here, so a transient
 * failure is never given up on; the sender is asked to come back after the delay (5 s, or
 * what the failing service asked for, when longer).
 */
export const SENDER_RETRIES: DeliveryPolicy = { maxDeliver: Number.POSITIVE_INFINITY, backoffMs: [5000] };

/** Only used when a policy has no backoff list at all (the schema requires one). */
const DEFAULT_BACKOFF_MS = 1000;

/**
 * `failure` undefined means the attempt succeeded. `deliveryCount` is 1-based: the attempt that
 * just ended. A permanent failure is dead-lettered at once, since repeating it cannot help.
 */
export function decideDelivery(failure: DeliveryFailure | undefined, deliveryCount: number, policy: DeliveryPolicy): DeliveryDecision {
  return failure ? decideFailure(failure, deliveryCount, policy) : ACK;
}

/** decideDelivery for an attempt known to have failed. */
export function decideFailure(failure: DeliveryFailure, deliveryCount: number, policy: DeliveryPolicy): FailureDecision {
  if (failure.permanent) return { action: 'dead-letter', kind: 'permanent' };
  if (deliveryCount >= policy.maxDeliver) return { action: 'dead-letter', kind: 'exhausted' };
  return { action: 'retry', delayMs: backoffDelay(deliveryCount, policy, failure.retryAfterMs) };
}

/** The delay after attempt `deliveryCount`, never shorter than what the failing service asked for. */
export function backoffDelay(deliveryCount: number, policy: Pick<DeliveryPolicy, 'backoffMs'>, retryAfterMs?: number): number {
  const list = policy.backoffMs;
  const base = list[Math.min(Math.max(deliveryCount, 1), list.length) - 1] ?? DEFAULT_BACKOFF_MS;
  return Math.max(base, retryAfterMs ?? 0);
}

/**
 * A publish JetStream (or the server) refused. Too large a message, or one over a stream's
 * `max_msg_size`, fails the same way every time, so it is permanent; anything else (no stream
 * yet, a timeout, the server away) may pass on a later attempt.
 */
export function publishFailure(err: unknown, stepIndex: number): Failure {
  const message = err instanceof Error ? err.message : String(err);
  const permanent = /max_payload|maximum payload|message size exceeds|exceeds maximum/i.test(message) || (err instanceof ClaimCheckError && err.permanent);
  return { permanent, stepIndex, step: 'publish', reason: `publish failed: ${message}` };
}

/** A claim check the input carried that cannot be resolved (see resolveClaimCheck). */
export function claimCheckFailure(err: unknown): Failure {
  const message = err instanceof Error ? err.message : String(err);
  return { permanent: err instanceof ClaimCheckError && err.permanent, stepIndex: 0, step: 'claim-check', reason: message };
}
