/**
 * Reservations for the last units, many at once, through two replicas (two views, two
 * connections: two runners scaled out). Each request is decided in stream order, so no unit
 * is sold twice, the units reserved add up to what was available, and both replicas reach the
 * same decision for every order.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestNats, type TestNats } from '../support/nats.ts';
import { ensureTestStreams, publishAll, startReplica, type Replica } from '../availability/live.ts';
import { POLICY, ev, policyOf } from '../availability/helpers.ts';
import type { ReservationDecision } from '../../runtime/availability/api.ts';

let nats: TestNats;
let replicas: Replica[];
const policy = policyOf(POLICY.replace('availability:\n', 'availability:\n  changes: { enabled: false }\n'));

beforeAll(async () => {
  nats = await startTestNats();
  await ensureTestStreams(nats.jsm);
  replicas = [await startReplica(nats.url, policy), await startReplica(nats.url, policy)];
});
afterAll(async () => {
  for (const r of replicas) await r.stop();
  await nats.close();
});

const web = (r: Replica, sku: string): number => r.service.lookup(sku, { channel: 'web' }).channels[0]!.available;

it('sells each of the last 10 units once, whichever replica takes the order', { timeout: 60_000 }, async () => {
  const seq = await publishAll(nats.js, [ev.position('LAST', 'B', 10, 1)]);
  await Promise.all(replicas.map((r) => r.service.waitForSeq(seq)));
  expect(web(replicas[0]!, 'LAST')).toBe(10);
  const orders = Array.from({ length: 80 }, (_, i) => replicas[i % 2]!.service.reserve({ id: `last-${i}`, channel: 'web', lines: [{ sku: 'LAST', quantity: 1 }] }));
  const decisions = await Promise.all(orders);
  const accepted = decisions.filter((d) => d.status === 'accepted');
  expect(accepted.length).toBe(10);
  expect(accepted.reduce((n, d) => n + d.lines[0]!.quantity, 0)).toBe(10);
  for (const d of decisions.filter((x) => x.status === 'rejected')) expect(d.shortages).toEqual([{ sku: 'LAST', requested: 1, available: 0 }]);
  await Promise.all(replicas.map((r) => r.service.waitForSeq(Math.max(...decisions.map((d) => d.seq)))));
  for (const r of replicas) {
    expect(web(r, 'LAST')).toBe(0);
    for (const d of decisions) expect(r.service.reservation(d.id)).toEqual(d);
  }
});

it('never oversells with mixed quantities and multi-line orders, all lines or none', { timeout: 60_000 }, async () => {
  const seq = await publishAll(nats.js, [ev.position('M1', 'B', 25, 1), ev.position('M2', 'B', 12, 1)]);
  await Promise.all(replicas.map((r) => r.service.waitForSeq(seq)));
  const decisions: ReservationDecision[] = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      replicas[i % 2]!.service.reserve({
        id: `mixed-${i}`,
        channel: 'web',
        lines: [{ sku: 'M1', quantity: 1 + (i % 4) }, ...(i % 3 === 0 ? [{ sku: 'M2', quantity: 2 }] : [])],
      }),
    ),
  );
  const reserved = (sku: string): number => decisions.filter((d) => d.status === 'accepted').flatMap((d) => d.lines).filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0);
  expect(reserved('M1')).toBeLessThanOrEqual(25);
  expect(reserved('M2')).toBeLessThanOrEqual(12);
  await Promise.all(replicas.map((r) => r.service.waitForSeq(Math.max(...decisions.map((d) => d.seq)))));
  for (const r of replicas) {
    expect(web(r, 'M1')).toBe(25 - reserved('M1'));
    expect(web(r, 'M2')).toBe(12 - reserved('M2'));
  }
  // Every rejected order was short on some line at the moment it was decided.
  for (const d of decisions.filter((x) => x.status === 'rejected')) for (const s of d.shortages) expect(s.available).toBeLessThan(s.requested);
  // The figure left is smaller than the smallest rejected order of M1: nothing that fit was turned away at the end.
  expect(web(replicas[0]!, 'M1')).toBeLessThan(4);
});

it('decides an order once however often it is sent, from any replica', async () => {
  const seq = await publishAll(nats.js, [ev.position('ONCE', 'B', 5, 1)]);
  await Promise.all(replicas.map((r) => r.service.waitForSeq(seq)));
  const decisions = await Promise.all(Array.from({ length: 6 }, (_, i) => replicas[i % 2]!.service.reserve({ id: 'order-42', channel: 'web', lines: [{ sku: 'ONCE', quantity: 3 }] })));
  expect(new Set(decisions.map((d) => JSON.stringify(d))).size).toBe(1);
  expect(decisions[0]!.status).toBe('accepted');
  for (const r of replicas) expect(web(r, 'ONCE')).toBe(2);
});
