import { describe, expect, it } from 'vitest';
import { backoffDelay, claimCheckFailure, decideDelivery, decideFailure, publishFailure, SENDER_RETRIES } from '../../runtime/engine/delivery-policy.ts';
import { ClaimCheckError } from '../../runtime/transport/claim-check.ts';

const policy = { maxDeliver: 4, backoffMs: [1000, 10_000, 60_000] };
const transient = { permanent: false };

describe('delivery policy', () => {
  it('acknowledges a message whose attempt succeeded, whatever its delivery count', () => {
    expect(decideDelivery(undefined, 1, policy)).toEqual({ action: 'ack' });
    expect(decideDelivery(undefined, 99, policy)).toEqual({ action: 'ack' });
  });

  it('dead-letters a permanent failure on the first attempt', () => {
    expect(decideDelivery({ permanent: true }, 1, policy)).toEqual({ action: 'dead-letter', kind: 'permanent' });
  });

  it('retries a transient failure with the backoff of its attempt, the last value repeating', () => {
    expect(decideDelivery(transient, 1, policy)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(decideDelivery(transient, 2, policy)).toEqual({ action: 'retry', delayMs: 10_000 });
    expect(decideDelivery(transient, 3, policy)).toEqual({ action: 'retry', delayMs: 60_000 });
    expect(decideDelivery(transient, 3, { maxDeliver: 10, backoffMs: [5] })).toEqual({ action: 'retry', delayMs: 5 });
  });

  it('gives up after maxDeliver attempts, and past it', () => {
    expect(decideDelivery(transient, 4, policy)).toEqual({ action: 'dead-letter', kind: 'exhausted' });
    expect(decideDelivery(transient, 7, policy)).toEqual({ action: 'dead-letter', kind: 'exhausted' });
    expect(decideDelivery(transient, 1, { maxDeliver: 1, backoffMs: [1000] })).toEqual({ action: 'dead-letter', kind: 'exhausted' });
  });

  it('waits at least as long as the failing service asked', () => {
    expect(decideDelivery({ permanent: false, retryAfterMs: 30_000 }, 1, policy)).toEqual({ action: 'retry', delayMs: 30_000 });
    expect(decideDelivery({ permanent: false, retryAfterMs: 5 }, 2, policy)).toEqual({ action: 'retry', delayMs: 10_000 });
  });

  it('decides a failed attempt as decideDelivery does, never as an ack', () => {
    for (const [failure, count] of [[transient, 1], [transient, 4], [{ permanent: true }, 1], [{ permanent: false, retryAfterMs: 30_000 }, 2]] as const) {
      expect(decideFailure(failure, count, policy)).toEqual(decideDelivery(failure, count, policy));
    }
  });

  it('never gives up on a transient failure when the sender does the retrying, and dead-letters a permanent one', () => {
    expect(decideFailure(transient, 1, SENDER_RETRIES)).toEqual({ action: 'retry', delayMs: 5000 });
    expect(decideFailure(transient, 1_000_000, SENDER_RETRIES).action).toBe('retry');
    expect(decideFailure({ permanent: true }, 1, SENDER_RETRIES)).toEqual({ action: 'dead-letter', kind: 'permanent' });
  });

  it('falls back to one second with no backoff list', () => {
    expect(backoffDelay(1, { backoffMs: [] })).toBe(1000);
    expect(backoffDelay(0, policy)).toBe(1000);
  });
});

describe('publish and claim-check failures', () => {
  it('count a message too large for the server or its stream as permanent, anything else as transient', () => {
    expect(publishFailure(new Error('max_payload size exceeded'), 4)).toEqual({ permanent: true, stepIndex: 4, step: 'publish', reason: 'publish failed: max_payload size exceeded' });
    expect(publishFailure(new Error('message size exceeds maximum allowed'), 2).permanent).toBe(true);
    expect(publishFailure(new Error('503'), 2).permanent).toBe(false);
    expect(publishFailure(new ClaimCheckError('claim check b/o: no such object', true), 2).permanent).toBe(true);
    expect(publishFailure(new ClaimCheckError('claim check b/o: timeout', false), 2).permanent).toBe(false);
  });

  it('give an unresolvable claim check the step claim-check, permanent only when the object is gone or wrong', () => {
    expect(claimCheckFailure(new ClaimCheckError('claim check b/o: no such object', true))).toEqual({ permanent: true, stepIndex: 0, step: 'claim-check', reason: 'claim check b/o: no such object' });
    expect(claimCheckFailure(new Error('TIMEOUT')).permanent).toBe(false);
  });
});
