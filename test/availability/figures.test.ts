/** The figures of docs/availability.md ("The figures, and Crossdock's choices") on small hand-computed cases: pure fold and figures, no I/O. */
import { describe, expect, it } from 'vitest';
import { MemoryAvailability } from '../../runtime/availability/memory.ts';
import { encodeFast, FastReader } from '../../runtime/availability/fast.ts';
import { calendarFrom } from '../../runtime/availability/fold.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/project.ts';
import { POLICY, T0, DAY, ev, policyOf } from './helpers.ts';

/** The example policy of docs/availability.md ("Policy"), which its worked example of the channel stages uses. */
const README_POLICY = ((): string => {
  const page = readFileSync(join(REPO, 'docs/availability.md'), 'utf8');
  const policy = page.slice(page.indexOf('## Policy'));
  return /```yaml\n(availability:[\s\S]*?)```/.exec(policy)?.[1] ?? 'docs/availability.md has no policy example';
})();

function service(now = T0): { a: MemoryAvailability; clock: { now: number } } {
  const clock = { now };
  const a = new MemoryAvailability(policyOf(POLICY), () => clock.now);
  return { a, clock };
}

/** The same lookup through the in-memory lookup record (fast.ts); undefined when it hands over to the full path. */
function fastFigure(a: MemoryAvailability, sku: string, channel: string, quantity: number, now: number) {
  const ids: string[] = [];
  const index = (id: string): number => (ids.includes(id) ? ids.indexOf(id) : ids.push(id) - 1);
  const rec = encodeFast(a.store.sku(sku)!, index);
  const reader = new FastReader(a.policy, calendarFrom(a.store), (id) => ids.indexOf(id));
  return reader.figure(sku, rec, a.policy.channelByName.get(channel)!, undefined, quantity, now);
}

const avail = (a: MemoryAvailability, sku: string, channel: string, extra: { region?: string; quantity?: number } = {}) => a.lookup(sku, { channel, ...extra }).channels[0]!;
const loc = (a: MemoryAvailability, sku: string, location: string, quantity = 1) => a.lookup(sku, { quantity }).locations!.find((l) => l.location === location)!;

describe('physical stock per location', () => {
  it('takes committed, reservations, holds and safety stock off on hand', () => {
    const { a } = service();
    a.apply(...ev.position('X', 'A', 30, 1, { committed: 2 }));
    expect(loc(a, 'X', 'A').available).toBe(27); // 30 − 2 − safety 1
    a.apply(...ev.hold('h1', 'X', 'A', 2));
    a.apply(...ev.reservation('r1', [{ sku: 'X', location: 'A', quantity: 3 }]));
    expect(loc(a, 'X', 'A').available).toBe(22);
    a.apply(...ev.holdReleased('h1'));
    a.apply(...ev.released('r1'));
    expect(loc(a, 'X', 'A').available).toBe(27);
  });

  it('is never negative, and an unknown SKU is 0 and says so', () => {
    const { a } = service();
    a.apply(...ev.position('X', 'B', 3, 1));
    a.apply(...ev.reservation('r1', [{ sku: 'X', location: 'B', quantity: 10 }]));
    expect(loc(a, 'X', 'B').available).toBe(0);
    expect(avail(a, 'X', 'web').available).toBe(0);
    const unknown = a.lookup('NOPE', { channel: 'web' });
    expect(unknown.known).toBe(false);
    expect(unknown.channels[0]!.available).toBe(0);
    expect(unknown.channels[0]!.promiseDate).toBeNull();
  });

  it('knows a SKU once an event has given it stock, demand or supply at a location; a reservation request alone does not', () => {
    const { a } = service();
    a.apply(...ev.request('o1', 'web', [{ sku: 'TYPO', quantity: 1 }]));
    expect(a.reservation('o1')?.status).toBe('rejected');
    expect(a.lookup('TYPO', { channel: 'web' }).known).toBe(false); // a typo in one order does not make it a SKU
    const makesKnown: [string, string, readonly [string, Record<string, unknown>]][] = [
      ['a position, even of 0', 'P', ev.position('P', 'A', 0, 1)],
      ['a reservation made elsewhere', 'R', ev.reservation('r9', [{ sku: 'R', location: 'B', quantity: 1 }])],
      ['a hold', 'H', ev.hold('h9', 'H', 'B', 1)],
      ['an inbound line', 'I', ev.inbound('po9', 'I', 'B', 5, '2030-01-09')],
      ['a receipt', 'C', ev.receipt('rc9', 'C', 'B', 5, T0 - 3_600_000)],
    ];
    for (const [what, sku, [subject, body]] of makesKnown) {
      expect(a.lookup(sku, { channel: 'web' }).known, `before ${what}`).toBe(false);
      a.apply(subject, body);
      expect(a.lookup(sku, { channel: 'web' }).known, what).toBe(true);
    }
    // Once known, always known: releasing what made it known does not forget the SKU.
    a.apply(...ev.released('r9'));
    a.apply(...ev.holdReleased('h9'));
    expect([a.lookup('R').known, a.lookup('H').known]).toEqual([true, true]);
  });

  it('counts receipts newer than the snapshot, until a snapshot counted after them arrives', () => {
    const { a } = service();
    a.apply(...ev.position('X', 'B', 10, 5, { asOf: T0 - DAY }));
    a.apply(...ev.inbound('po1', 'X', 'B', 20, '2030-01-09'));
    a.apply(...ev.receipt('rc1', 'X', 'B', 5, T0 - 3_600_000, 'po1'));
    a.apply(...ev.receipt('rc1', 'X', 'B', 5, T0 - 3_600_000, 'po1')); // a duplicate changes nothing
    const x = a.lookup('X', { channel: 'web', explain: true }).channels[0]!.explain!.perLocation.find((l) => l.location === 'B')!.explain!;
    expect([x.onHand, x.receivedSinceSnapshot, x.inbound]).toEqual([10, 5, 15]);
    a.apply(...ev.position('X', 'B', 15, 4, { asOf: T0 })); // older version: ignored
    a.apply(...ev.position('X', 'B', 15, 6, { asOf: T0 }));
    const y = a.lookup('X', { channel: 'web', explain: true }).channels[0]!.explain!.perLocation.find((l) => l.location === 'B')!.explain!;
    expect([y.onHand, y.receivedSinceSnapshot, y.inbound, y.snapshotVersion]).toEqual([15, 0, 15, 6]);
  });
});

describe('inbound supply over time', () => {
  it('becomes available at ETA + receiving lead time, within the horizon', () => {
    const { a } = service();
    a.apply(...ev.position('X', 'A', 11, 1)); // 10 after safety stock
    a.apply(...ev.inbound('po1', 'X', 'A', 20, '2030-01-09')); // lead 1d: from the 10th
    a.apply(...ev.inbound('po2', 'X', 'A', 50, '2030-01-20')); // the 21st: beyond the 10-day horizon
    const f = loc(a, 'X', 'A', 25);
    expect(f.available).toBe(10);
    expect(f.promiseDate).toBe('2030-01-10');
    expect(loc(a, 'X', 'A', 31).promiseDate).toBeNull();
    expect(loc(a, 'X', 'A', 5).promiseDate).toBe('2030-01-07');
  });

  it('does not count an ASN line twice with the PO line it ships', () => {
    const { a } = service();
    a.apply(...ev.position('X', 'B', 0, 1));
    a.apply(...ev.inbound('po1', 'X', 'B', 20, '2030-01-12'));
    a.apply(...ev.inbound('asn1', 'X', 'B', 8, '2030-01-09', { kind: 'asn', supersedes: 'po1' }));
    const x = a.lookup('X', { explain: true }).locations!.find((l) => l.location === 'B')!.explain!;
    expect(x.inbound).toBe(20);
    expect(x.atpByDay).toEqual([
      { day: '2030-01-07', atp: 0 },
      { day: '2030-01-09', atp: 8 },
      { day: '2030-01-12', atp: 20 },
    ]);
  });

  it('never promises stock a later-dated reservation already holds (backward consumption)', () => {
    const { a } = service();
    a.apply(...ev.position('X', 'B', 10, 1));
    a.apply(...ev.reservation('later', [{ sku: 'X', location: 'B', quantity: 8 }], { needBy: '2030-01-08' }));
    a.apply(...ev.inbound('po1', 'X', 'B', 20, '2030-01-09'));
    const x = a.lookup('X', { explain: true }).locations!.find((l) => l.location === 'B')!.explain!;
    expect(x.atpByDay).toEqual([
      { day: '2030-01-07', atp: 2 },
      { day: '2030-01-08', atp: 2 },
      { day: '2030-01-09', atp: 22 },
    ]);
  });

  it('lets inbound supply make up a backlog before it is promised', () => {
    const { a } = service();
    a.apply(...ev.position('X', 'B', 5, 1));
    a.apply(...ev.reservation('r', [{ sku: 'X', location: 'B', quantity: 8 }]));
    a.apply(...ev.inbound('po1', 'X', 'B', 10, '2030-01-09'));
    const f = loc(a, 'X', 'B', 7);
    expect([f.available, f.promiseDate]).toEqual([0, '2030-01-09']);
    expect(loc(a, 'X', 'B', 8).promiseDate).toBeNull();
    // explain shows the 3 reserved beyond stock as the backlog, and physical as 0.
    const x = a.lookup('X', { explain: true }).locations!.find((l) => l.location === 'B')!.explain!;
    expect([x.physical, x.backlog, x.atpByDay]).toEqual([0, 3, [{ day: '2030-01-07', atp: 0 }, { day: '2030-01-09', atp: 7 }]]);
  });
});

describe('channel figures', () => {
  function stocked(): MemoryAvailability {
    const { a } = service();
    a.apply(...ev.position('X', 'A', 30, 1, { committed: 2 })); // A: 27
    a.apply(...ev.position('X', 'B', 10, 1)); // B: 10
    return a;
  }

  it('pools the locations serving the channel and region, less what other channels ring-fence there', () => {
    const a = stocked();
    expect(avail(a, 'X', 'web').available).toBe(32); // 37 − b2b's 5 at A
    expect(avail(a, 'X', 'web', { region: 'EU' }).available).toBe(0); // only C
    expect(avail(a, 'X', 'web', { region: 'US' }).available).toBe(32); // no US list: the default one
    expect(avail(a, 'X', 'b2b').available).toBe(27); // its own ring-fence is its to sell
  });

  it('applies allocation share, cap and the safety buffer', () => {
    const a = stocked();
    const m = a.lookup('X', { channel: 'market', explain: true }).channels[0]!;
    expect(m.explain).toMatchObject({ pool: 37, ringFencedForOthers: 5, afterRingFences: 32, share: 50, afterShare: 16, cap: 40, afterCap: 16, buffer: 1 });
    expect(m.available).toBe(15); // floor(50% × (37 − 5)) − 1
  });

  it('takes the share of what the ring-fences leave, then the buffer (the README worked example)', () => {
    const a = new MemoryAvailability(policyOf(README_POLICY), () => T0);
    // ATP 26 and 20 after the policy's safety stock of 2 at each.
    a.apply(...ev.position('X', 'DC-EAST', 28, 1));
    a.apply(...ev.position('X', 'DC-WEST', 22, 1));
    const amazon = a.lookup('X', { channel: 'amazon', explain: true }).channels[0]!;
    // Pool 46; b2b-portal fences 20 of the 46 at the locations they share; 80% of 26 is 20.8.
    expect(amazon.explain).toMatchObject({ pool: 46, ringFencedForOthers: 20, afterRingFences: 26, share: 80, afterShare: 20, cap: 500, afterCap: 20, buffer: 2 });
    expect(amazon.available).toBe(18); // ⌊0.8 × 26⌋ − 2, not min(26, ⌊0.8 × 46⌋) − 2 = 24
    expect(fastFigure(a, 'X', 'amazon', 1, T0)?.available).toBe(18); // the lookup record's path too
  });

  it('rounds a percentage share down and a percentage ring-fence and buffer up', () => {
    const policy = policyOf(`availability:
  locations: { L: {}, M: {} }
  channels:
    shop: { locations: [L, M], share: { percent: 55 }, buffer: { percent: 10 } }
    fenced: { locations: [L], ringFence: { percent: 15 } }
`);
    const a = new MemoryAvailability(policy, () => T0);
    a.apply(...ev.position('X', 'L', 11, 1));
    a.apply(...ev.position('X', 'M', 20, 1));
    const shop = a.lookup('X', { channel: 'shop', explain: true }).channels[0]!;
    // fence ⌈15% × 11⌉ = 2; share ⌊55% × 29⌋ = 15; buffer ⌈10% × 15⌉ = 2.
    expect(shop.explain).toMatchObject({ pool: 31, ringFencedForOthers: 2, afterRingFences: 29, afterShare: 15, afterCap: 15, buffer: 2 });
    expect(shop.available).toBe(13);
  });

  it('dates a quantity the pool has only later, and ships from the locations it allocates', () => {
    const a = stocked();
    a.apply(...ev.inbound('po1', 'X', 'B', 20, '2030-01-09')); // B has no lead time
    const f = avail(a, 'X', 'web', { quantity: 40 });
    expect([f.available, f.promiseDate, f.shipDate]).toEqual([32, '2030-01-09', '2030-01-09']);
  });
});

describe('dates in the location calendar', () => {
  it("promises a channel's quantity on a date of the locations it is taken from, never before their today", () => {
    const policy = policyOf(`availability:
  locations: { WEST: {}, EAST: {} }
  channels:
    web: { locations: [WEST, EAST] }
`);
    const a = new MemoryAvailability(policy, () => T0); // Monday 10:00 UTC: Sunday 22:00 at UTC−12
    a.apply(...ev.location('WEST', 'Etc/GMT+12'));
    a.apply(...ev.location('EAST', 'UTC'));
    a.apply(...ev.position('X', 'WEST', 3, 1));
    a.apply(...ev.position('X', 'EAST', 10, 1));
    const today = (quantity: number) => {
      const f = a.lookup('X', { channel: 'web', quantity }).channels[0]!;
      expect(fastFigure(a, 'X', 'web', quantity, T0), 'the lookup record path').toEqual({ available: f.available, promiseDate: f.promiseDate, shipDate: f.shipDate });
      return [f.promiseDate, f.shipDate];
    };
    expect(today(2)).toEqual(['2030-01-06', '2030-01-07']); // all from WEST, where it is still Sunday
    expect(today(8)).toEqual(['2030-01-07', '2030-01-07']); // 3 from WEST, 5 from EAST, where it is Monday
    a.apply(...ev.position('X', 'WEST', 0, 2));
    expect(today(2)).toEqual(['2030-01-07', '2030-01-07']); // only EAST: not "yesterday" there
  });

  it('ships the next working day after the local cut-off', () => {
    const { a, clock } = service();
    a.apply(...ev.location('B', 'America/New_York', { cutOff: '09:00' }));
    a.apply(...ev.position('X', 'B', 10, 1));
    expect(loc(a, 'X', 'B').shipDate).toBe('2030-01-07'); // 05:00 in New York
    clock.now = T0 + 5 * 3_600_000; // 10:00 in New York
    expect(loc(a, 'X', 'B').shipDate).toBe('2030-01-08');
    clock.now = T0 + 4 * DAY + 5 * 3_600_000; // Friday after cut-off
    expect(loc(a, 'X', 'B').shipDate).toBe('2030-01-14');
  });

  it('skips holidays and non-working days, and uses the local date', () => {
    const { a, clock } = service();
    a.apply(...ev.location('B', 'Pacific/Kiritimati', { workingDays: ['mon', 'tue', 'wed'], holidays: ['2030-01-08'] }));
    a.apply(...ev.position('X', 'B', 10, 1));
    clock.now = T0 + 11 * 3_600_000; // Monday 21:00 UTC: already Tuesday the 8th at UTC+14
    const f = loc(a, 'X', 'B');
    expect([f.promiseDate, f.shipDate]).toEqual(['2030-01-08', '2030-01-09']);
  });
});

describe('reservations that expire', () => {
  it('stop counting at their expiry', () => {
    const { a, clock } = service();
    a.apply(...ev.position('X', 'B', 10, 1));
    a.apply(...ev.reservation('cart', [{ sku: 'X', location: 'B', quantity: 4 }], { expiresAt: T0 + 60_000 }));
    expect(loc(a, 'X', 'B').available).toBe(6);
    clock.now = T0 + 60_000;
    expect(loc(a, 'X', 'B').available).toBe(10);
  });
});
