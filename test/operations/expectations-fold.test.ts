/**
 * The expectation fold and deadlines, pure: opens, closes, late, fired once, the order the
 * documents are read in does not change the outcome, and business calendars skip weekends,
 * holidays and closed hours (across a DST change).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyFired, applySighting, isDue, statusOf, type ExpectationRecord, type Sighting } from '../../runtime/operations/expectations/state.ts';
import { deadlineOf } from '../../runtime/operations/expectations/deadline.ts';
import { calendarOf } from '../../runtime/availability/calendar.ts';
import type { BusinessCalendar } from '../../runtime/compile/expectations.ts';
import { keyOf, tokenOf } from '../../runtime/operations/expectations/documents.ts';

const HOUR = 3_600_000;
const when = (at: number, within = HOUR): Sighting => ({ role: 'when', at, deadline: at + within, keys: { poNumber: 'PO1' }, labels: { partner: 'acme' } });
const exp = (at: number): Sighting => ({ role: 'expect', at, keys: { poNumber: 'PO1' }, labels: {} });

describe('expectation records', () => {
  it('opens on the when document and is due until the expected one comes', () => {
    const r = applySighting(undefined, when(1000));
    expect(statusOf(r)).toBe('open');
    expect(isDue(r)).toBe(true);
    expect(r.deadline).toBe(1000 + HOUR);
  });

  it('closes in time when the expected document is not after the deadline (the deadline itself counts)', () => {
    const r = applySighting(applySighting(undefined, when(1000)), exp(1000 + HOUR));
    expect(statusOf(r)).toBe('closed');
    expect(isDue(r)).toBe(false);
  });

  it('is late when the expected document comes after the deadline, and stays due until its exception is raised', () => {
    const r = applySighting(applySighting(undefined, when(1000)), exp(1001 + HOUR));
    expect(statusOf(r)).toBe('late');
    expect(isDue(r)).toBe(true);
    const fired = applyFired(r, 2000 + HOUR);
    expect(isDue(fired)).toBe(false);
    expect(statusOf(fired)).toBe('late');
  });

  it('an expected document that comes first closes the expectation when it opens', () => {
    const r = applySighting(applySighting(undefined, exp(500)), when(1000));
    expect(statusOf(r)).toBe('closed');
    expect(r.keys).toEqual({ poNumber: 'PO1' });
    expect(r.labels).toEqual({ partner: 'acme' });
  });

  it('a waiting record (expect only) is not due', () => {
    expect(isDue(applySighting(undefined, exp(5)))).toBe(false);
    expect(statusOf(applySighting(undefined, exp(5)))).toBe('waiting');
  });

  it('fires once: a raised exception read before the when document still keeps it from being due', () => {
    const r = applySighting(applyFired(undefined, 9000), when(1000));
    expect(isDue(r)).toBe(false);
    expect(statusOf(r)).toBe('late');
    // Read again (a redelivery): nothing changes, the same object comes back.
    expect(applyFired(r, 9000)).toBe(r);
    expect(applySighting(r, when(1000))).toBe(r);
  });

  it('any order and any repetition of the same documents gives the same record', () => {
    const event = fc.oneof(
      fc.integer({ min: 0, max: 10_000 }).map((t) => ({ kind: 'when' as const, t })),
      fc.integer({ min: 0, max: 20_000 }).map((t) => ({ kind: 'expect' as const, t })),
      fc.integer({ min: 0, max: 20_000 }).map((t) => ({ kind: 'fired' as const, t })),
    );
    const fold = (events: readonly { kind: 'when' | 'expect' | 'fired'; t: number }[]): ExpectationRecord | undefined =>
      events.reduce<ExpectationRecord | undefined>((r, e) => (e.kind === 'fired' ? applyFired(r, e.t) : applySighting(r, e.kind === 'when' ? when(e.t, 5000) : exp(e.t))), undefined);
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 12 }), fc.integer(), (events, seed) => {
        const shuffled = [...events, ...events.slice(0, 3)].map((e, i) => ({ e, k: (i * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k).map((x) => x.e);
        expect(fold(shuffled)).toEqual(fold(events));
      }),
      { numRuns: 300 },
    );
  });
});

describe('keys and labels', () => {
  it('an object key joins its values in order; a scalar is its own key', () => {
    expect(keyOf({ channel: 'shopify', externalId: '820001' })).toEqual({ key: 'shopify:820001', keys: { channel: 'shopify', externalId: '820001' } });
    expect(keyOf('PO1')).toEqual({ key: 'PO1', keys: { key: 'PO1' } });
    expect(keyOf(undefined)).toBeUndefined();
    expect(keyOf({ a: null })).toBeUndefined();
    expect(keyOf('')).toBeUndefined();
  });
  it('a partner becomes a subject token', () => {
    expect(tokenOf('Widget Works.US')).toBe('Widget_Works_US');
    expect(tokenOf(42)).toBe('42');
    expect(tokenOf({})).toBeUndefined();
  });
});

const cal = (over: Partial<{ workingDays: string[]; holidays: string[]; hours: [number, number] }>): BusinessCalendar => ({
  ...calendarOf({ timeZone: 'America/New_York', ...(over.workingDays ? { workingDays: over.workingDays } : {}), ...(over.holidays ? { holidays: over.holidays } : {}) }),
  name: 'test',
  openMinute: over.hours?.[0] ?? 0,
  closeMinute: over.hours?.[1] ?? 1440,
});
const at = (iso: string): number => Date.parse(iso);

describe('deadlines', () => {
  it('without a calendar: wall-clock time', () => {
    expect(deadlineOf(at('2026-12-05T10:00:00Z'), 2 * 24 * HOUR)).toBe(at('2026-12-07T10:00:00Z'));
  });

  it('working days skip a weekend: Friday 16:00 plus 2 days is Tuesday 16:00 (New York)', () => {
    expect(new Date(deadlineOf(at('2026-12-04T21:00:00Z'), 48 * HOUR, cal({})))).toEqual(new Date('2026-12-08T21:00:00Z'));
  });

  it('a document arriving on a Saturday starts counting on Monday', () => {
    expect(new Date(deadlineOf(at('2026-12-05T15:00:00Z'), 24 * HOUR, cal({})))).toEqual(new Date('2026-12-08T05:00:00Z'));
  });

  it('holidays do not count: Thursday 24 December 12:00 plus 2 days is Tuesday 29 December 12:00', () => {
    expect(new Date(deadlineOf(at('2026-12-24T17:00:00Z'), 48 * HOUR, cal({ holidays: ['2026-12-25'] })))).toEqual(new Date('2026-12-29T17:00:00Z'));
  });

  it('business hours: Saturday 21:00 plus 4 shift hours (06:00-22:00, Monday to Saturday) is Monday 09:00', () => {
    const shifts = cal({ workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], hours: [360, 1320] });
    expect(new Date(deadlineOf(at('2026-12-06T02:00:00Z'), 4 * HOUR, shifts))).toEqual(new Date('2026-12-07T14:00:00Z'));
  });

  it('before opening time the count starts at opening, to the second', () => {
    const shifts = cal({ hours: [360, 1320] });
    expect(new Date(deadlineOf(at('2026-12-07T08:00:00Z'), 90_500, shifts))).toEqual(new Date('2026-12-07T11:01:30.500Z'));
  });

  it('across the change to daylight saving time the local hour is kept', () => {
    // Friday 12 March 2027 12:00 EST plus one working day: Monday 15 March 12:00 EDT (UTC-4).
    expect(new Date(deadlineOf(at('2027-03-12T17:00:00Z'), 24 * HOUR, cal({})))).toEqual(new Date('2027-03-15T16:00:00Z'));
  });
});
