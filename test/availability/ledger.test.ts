/** The reservation ledger: running totals, lines, and expiry by stream time through the time-ordered index. */
import { describe, expect, it } from 'vitest';
import { MemoryAvailability } from '../../runtime/availability/memory.ts';
import { POLICY, T0, ev, policyOf } from './helpers.ts';

const MIN = 60_000;

function stocked(clock: () => number = () => T0): MemoryAvailability {
  const a = new MemoryAvailability(policyOf(POLICY), clock);
  a.apply(...ev.position('X', 'B', 1_000_000, 1), T0);
  return a;
}

const atB = (a: MemoryAvailability): number => a.lookup('X').locations!.find((l) => l.location === 'B')!.available;

describe('the reservation ledger', () => {
  it('keeps a location record of the same size however many reservations are open', () => {
    const a = stocked();
    a.apply(...ev.reservation('r-0', [{ sku: 'X', location: 'B', quantity: 1 }], { expiresAt: T0 + 60 * MIN }), T0);
    const one = JSON.stringify(a.store.sku('X')).length;
    for (let i = 1; i < 2000; i++) a.apply(...ev.reservation(`r-${i}`, [{ sku: 'X', location: 'B', quantity: 1 }], i % 2 === 0 ? { expiresAt: T0 + (60 + i) * MIN } : {}), T0);
    expect(JSON.stringify(a.store.sku('X')).length).toBe(one + 3); // reserved 1 → 2000: a wider number, nothing more
    expect(a.store.sku('X')!.locations.B!.reserved).toBe(2000);
    expect(a.store.lines('X', 'B')).toHaveLength(2000);
    expect(atB(a)).toBe(1_000_000 - 2000);
  });

  it('takes expired reservations off by stream time, once, from the start of the expiry index', () => {
    let now = T0;
    const a = stocked(() => now);
    a.apply(...ev.reservation('soon', [{ sku: 'X', location: 'B', quantity: 3 }], { expiresAt: T0 + 5 * MIN }), T0);
    a.apply(...ev.reservation('later', [{ sku: 'X', location: 'B', quantity: 4 }], { expiresAt: T0 + 50 * MIN }), T0);
    a.apply(...ev.reservation('open', [{ sku: 'X', location: 'B', quantity: 5 }]), T0);
    expect(a.store.due(Infinity).map((d) => d.id)).toEqual(['soon', 'later']);
    expect(a.store.sku('X')!.locations.B!.nextExpiry).toBe(T0 + 5 * MIN);
    // The clock passed the first expiry, the stream did not: lookups take it off themselves.
    now = T0 + 6 * MIN;
    expect(atB(a)).toBe(1_000_000 - 9);
    expect(a.store.sku('X')!.locations.B!.reserved).toBe(12);
    // The next event (any SKU) sweeps it: off the totals and the index, the next expiry moves on.
    const applied = a.apply(...ev.position('Y', 'A', 1, 1), now);
    expect(applied.expired).toEqual(['X']);
    expect(a.store.due(Infinity).map((d) => d.id)).toEqual(['later']);
    expect(a.store.sku('X')!.locations.B).toMatchObject({ reserved: 9, nextExpiry: T0 + 50 * MIN });
    expect(atB(a)).toBe(1_000_000 - 9);
    // Released after it expired: nothing more comes off.
    a.apply(...ev.released('soon'), now);
    expect(a.store.sku('X')!.locations.B!.reserved).toBe(9);
    a.apply(...ev.consumed('later'), now);
    expect(a.store.sku('X')!.locations.B).toEqual(expect.not.objectContaining({ nextExpiry: expect.anything() }));
    expect(a.store.due(Infinity)).toEqual([]);
    expect(atB(a)).toBe(1_000_000 - 5);
  });

  it('keeps need-by demand in day buckets, and a decision at stream time sees what expired by then', () => {
    const a = new MemoryAvailability(policyOf(POLICY), () => T0);
    a.apply(...ev.position('X', 'B', 10, 1), T0);
    a.apply(...ev.reservation('d1', [{ sku: 'X', location: 'B', quantity: 2 }], { needBy: '2030-01-09' }), T0);
    a.apply(...ev.reservation('d2', [{ sku: 'X', location: 'B', quantity: 3 }], { needBy: '2030-01-09', expiresAt: T0 + MIN }), T0);
    expect(a.store.sku('X')!.locations.B!.dated).toEqual([[Date.UTC(2030, 0, 9) / 86_400_000, 5]]);
    // Stock 10 at B with 5 needed on the 9th leaves 5 today: a request for 6 does not fit...
    expect(a.apply(...ev.request('q1', 'web', [{ sku: 'X', quantity: 6 }]), T0 + 30_000).decision?.status).toBe('rejected');
    // ...and fits once d2 (3 units) has expired by the request's stream time.
    expect(a.apply(...ev.request('q2', 'web', [{ sku: 'X', quantity: 6 }]), T0 + 2 * MIN).decision?.status).toBe('active');
    expect(a.store.sku('X')!.locations.B!.dated).toEqual([[Date.UTC(2030, 0, 9) / 86_400_000, 2]]);
  });
});
