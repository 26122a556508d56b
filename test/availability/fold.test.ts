/** The fold: idempotency, ordering rules and reservation decisions, on plain maps. */
import { describe, expect, it } from 'vitest';
import { MemoryAvailability } from '../../runtime/availability/memory.ts';
import { InvalidEvent } from '../../runtime/availability/events.ts';
import { POLICY, T0, ev, policyOf } from './helpers.ts';

function stocked(): MemoryAvailability {
  const a = new MemoryAvailability(policyOf(POLICY), () => T0);
  a.apply(...ev.position('X', 'A', 11, 1)); // 10 after safety stock
  a.apply(...ev.position('X', 'B', 10, 1));
  a.apply(...ev.position('Y', 'B', 3, 1));
  return a;
}

const atB = (a: MemoryAvailability, sku: string) => a.lookup(sku).locations!.find((l) => l.location === 'B')!.available;

describe('applying events', () => {
  it('applies a snapshot only when its version is newer', () => {
    const a = stocked();
    a.apply(...ev.position('X', 'B', 50, 3));
    a.apply(...ev.position('X', 'B', 20, 2));
    a.apply(...ev.position('X', 'B', 70, 3));
    expect(atB(a, 'X')).toBe(50);
  });

  it('applies a reservation once, whatever the number of copies', () => {
    const a = stocked();
    for (let i = 0; i < 3; i++) a.apply(...ev.reservation('r1', [{ sku: 'X', location: 'B', quantity: 4 }]));
    expect(atB(a, 'X')).toBe(6);
    a.apply(...ev.consumed('r1'));
    a.apply(...ev.released('r1'));
    expect(atB(a, 'X')).toBe(10);
    expect(a.reservation('r1')!.status).toBe('consumed');
  });

  it('never counts a reservation or hold whose release came first', () => {
    const a = stocked();
    a.apply(...ev.released('r1'));
    a.apply(...ev.reservation('r1', [{ sku: 'X', location: 'B', quantity: 4 }]));
    a.apply(...ev.holdReleased('h1'));
    a.apply(...ev.hold('h1', 'X', 'B', 3));
    expect(atB(a, 'X')).toBe(10);
    expect(a.reservation('r1')!.status).toBe('released');
  });

  it('replaces an inbound line by id and moves it when its location is corrected', () => {
    const a = stocked();
    a.apply(...ev.inbound('po1', 'X', 'A', 5, '2030-01-07'));
    a.apply(...ev.inbound('po1', 'X', 'B', 7, '2030-01-07'));
    const x = a.lookup('X', { explain: true }).locations!;
    expect(x.find((l) => l.location === 'A')!.explain!.inbound).toBe(0);
    expect(x.find((l) => l.location === 'B')!.explain!.inbound).toBe(7);
  });

  it('rejects events that do not match their canonical schema', () => {
    const a = stocked();
    expect(() => a.apply('inventory.position.B', { schemaVersion: 1, sku: 'X', location: 'B', onHand: -1, version: 9, asOf: '2030-01-01T00:00:00Z' })).toThrow(InvalidEvent);
    expect(() => a.apply('inventory.nonsense', {})).toThrow(/no inventory event/);
    expect(atB(a, 'X')).toBe(10);
  });
});

describe('reservation requests, decided in stream order', () => {
  it('accepts every line when each fits, allocating to the channel locations', async () => {
    const a = stocked();
    const d = await a.reserve({ id: 'o1', channel: 'web', lines: [{ sku: 'X', quantity: 12 }, { sku: 'Y', quantity: 1 }] });
    expect(d.status).toBe('accepted');
    // web's default list is [A, B]; A is shared with b2b's ring-fence, so B is used first.
    expect(d.lines).toEqual([
      { sku: 'X', quantity: 12, allocations: [{ location: 'B', quantity: 10 }, { location: 'A', quantity: 2 }] },
      { sku: 'Y', quantity: 1, allocations: [{ location: 'B', quantity: 1 }] },
    ]);
    expect(a.lookup('X', { channel: 'web' }).channels[0]!.available).toBe(3); // 20 − 12 − 5 fenced
  });

  it('rejects the whole order with the shortage per SKU when one line does not fit', async () => {
    const a = stocked();
    const d = await a.reserve({ id: 'o1', channel: 'web', lines: [{ sku: 'X', quantity: 2 }, { sku: 'Y', quantity: 2 }, { sku: 'Y', quantity: 2 }] });
    expect(d.status).toBe('rejected');
    expect(d.shortages).toEqual([{ sku: 'Y', requested: 4, available: 3 }]);
    expect(atB(a, 'X')).toBe(10);
  });

  it('keeps the first decision for an id', async () => {
    const a = stocked();
    const first = await a.reserve({ id: 'o1', channel: 'web', lines: [{ sku: 'Y', quantity: 3 }] });
    a.apply(...ev.request('o1', 'web', [{ sku: 'Y', quantity: 3 }]));
    const again = await a.reserve({ id: 'o1', channel: 'web', lines: [{ sku: 'Y', quantity: 3 }] });
    expect(again).toEqual(first);
    expect(atB(a, 'Y')).toBe(0);
    const other = await a.reserve({ id: 'o2', channel: 'web', lines: [{ sku: 'Y', quantity: 1 }] });
    expect(other.shortages).toEqual([{ sku: 'Y', requested: 1, available: 0 }]);
  });

  it('rejects a request for a channel the policy does not have', () => {
    const a = stocked();
    a.apply(...ev.request('o9', 'fax', [{ sku: 'X', quantity: 1 }]));
    expect(a.reservation('o9')).toMatchObject({ status: 'rejected', reason: "unknown channel 'fax'" });
  });

  it('decides against the need-by day when one is given', () => {
    const a = stocked();
    a.apply(...ev.inbound('po1', 'Y', 'B', 10, '2030-01-09'));
    a.apply(...ev.request('now', 'web', [{ sku: 'Y', quantity: 5 }]));
    a.apply(...ev.request('later', 'web', [{ sku: 'Y', quantity: 5 }], { needBy: '2030-01-09' }));
    expect(a.reservation('now')!.status).toBe('rejected');
    expect(a.reservation('later')!.status).toBe('accepted');
    expect(atB(a, 'Y')).toBe(3); // the backorder holds stock that arrives on the 9th
  });

  it('refuses a malformed request before it reaches the stream', async () => {
    const a = stocked();
    await expect(a.reserve({ id: 'o1', channel: 'web', lines: [] })).rejects.toThrow(RangeError);
  });
});
