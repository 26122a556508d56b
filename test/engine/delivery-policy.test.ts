import { describe, expect, it } from 'vitest';
import { backoffDelay, decideDelivery } from '../../runtime/engine/delivery-policy.ts';

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

  it('falls back to one second with no backoff list', () => {
    expect(backoffDelay(1, { backoffMs: [] })).toBe(1000);
    expect(backoffDelay(0, policy)).toBe(1000);
  });
});
