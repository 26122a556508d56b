/** Expiry timers: every reservation's SKU is marked once its expiry has passed, in order. */
import { expect, it } from 'vitest';
import { ExpiryTimer } from '../../runtime/availability/timers.ts';

it('fires for every expiry, earliest first, and not before it', async () => {
  const fired: { sku: string; at: number }[] = [];
  const start = Date.now();
  const expiries = Array.from({ length: 500 }, (_, i) => ({ sku: `S${i}`, at: start + 20 + ((i * 7919) % 200) }));
  const timer = new ExpiryTimer(Date.now, (skus) => skus.forEach((sku) => fired.push({ sku, at: Date.now() })));
  for (const e of expiries) timer.add(e.at, e.sku);
  timer.add(start - 1, 'PAST'); // already expired: nothing to announce
  // The last is due 220 ms from start; a loaded machine may run the timers late, never early.
  for (const until = Date.now() + 10_000; fired.length < expiries.length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
  timer.stop();
  expect(fired.map((f) => f.sku).sort()).toEqual(expiries.map((e) => e.sku).sort());
  const due = new Map(expiries.map((e) => [e.sku, e.at]));
  for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(due.get(f.sku) as number);
  const order = fired.map((f) => due.get(f.sku) as number);
  expect(order).toEqual([...order].sort((a, b) => a - b));
});
