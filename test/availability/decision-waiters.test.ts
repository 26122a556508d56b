/** Reservation calls waiting for their decision: woken by the commit that decides them, without timers. */
import { afterEach, expect, it, vi } from 'vitest';
import { DecisionWaiters } from '../../runtime/availability/decision-waiters.ts';
import type { ReservationRecord } from '../../runtime/availability/state.ts';

const accepted = (id: string, seq: number): ReservationRecord => ({ id, status: 'active', origin: 'request', channel: 'web', lines: [{ sku: 'A', location: 'D1', quantity: 2 }], seq });

afterEach(() => {
  vi.useRealTimers();
});

/** Whether a promise has settled once the microtasks queued so far have run (timers frozen). */
async function settled<T>(p: Promise<T>): Promise<{ done: boolean; value?: T }> {
  let out: { done: boolean; value?: T } = { done: false };
  void p.then((value) => (out = { done: true, value }));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return out;
}

it('wakes the waiter with its decision when the commit deciding it is handed over, with no timer running', async () => {
  vi.useFakeTimers();
  const waiters = new DecisionWaiters();
  const a = waiters.wait('order-1');
  const b = waiters.wait('order-2');
  expect((await settled(a.decided)).done).toBe(false);
  waiters.settle([accepted('order-1', 7), accepted('other', 8)]);
  expect(vi.getTimerCount()).toBe(0);
  const got = await settled(a.decided);
  expect(got.done).toBe(true);
  expect(got.value).toMatchObject({ id: 'order-1', status: 'accepted', seq: 7, lines: [{ sku: 'A', quantity: 2 }] });
  // Another id's decision does not wake it, and nothing is left behind for a decided id.
  expect((await settled(b.decided)).done).toBe(false);
  expect(waiters.size).toBe(1);
});

it('wakes every caller waiting on the same id, and forgets cancelled ones', async () => {
  const waiters = new DecisionWaiters();
  const first = waiters.wait('order-1');
  const second = waiters.wait('order-1');
  const gone = waiters.wait('order-9');
  gone.cancel();
  expect(waiters.size).toBe(1);
  waiters.settle([accepted('order-1', 3)]);
  expect((await settled(first.decided)).value?.seq).toBe(3);
  expect((await settled(second.decided)).value?.seq).toBe(3);
  expect(waiters.size).toBe(0);
});

it('leaves a record with nothing to tell (closed before its request was seen) to the sequence path', async () => {
  const waiters = new DecisionWaiters();
  const w = waiters.wait('order-1');
  waiters.settle([{ ...accepted('order-1', 4), status: 'closed-unseen', lines: [] }]);
  expect((await settled(w.decided)).done).toBe(false);
  expect(waiters.size).toBe(1);
});
