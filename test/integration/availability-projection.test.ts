/**
 * The availability view on a real nats-server and real LMDB files: events applied in stream
 * order, resumed after a restart without applying anything twice, the same figures from a
 * rebuild, and change events only when a channel's figure changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { startTestNats, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { ensureTestStreams, publishAll, quietLogger, startReplica, type Replica } from '../availability/live.ts';
import { POLICY, T0, ev, policyOf } from '../availability/helpers.ts';
import { rebuildView } from '../../runtime/availability/rebuild.ts';
import { AtpDb } from '../../runtime/availability/lmdb-store.ts';
import type { ChangeEvent } from '../../runtime/availability/changes.ts';
import type { AvailabilityOptions } from '../../runtime/availability/service.ts';
import { ChangeThread } from '../../runtime/availability/change-thread.ts';
import { CHANGE_THREAD_ENTRY_URL } from '../../runtime/runner/runner.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let nats: TestNats;
const policy = policyOf(POLICY.replace('availability:\n', 'availability:\n  changes: { debounce: 20ms }\n'));

/** The enclosing describe gets a nats-server of its own, with the test streams. */
function onItsOwnNats(): void {
  beforeAll(async () => {
    nats = await startTestNats();
    await ensureTestStreams(nats.jsm);
  });
  afterAll(async () => {
    await nats.close();
  });
}

function collect(subject: string): { events: ChangeEvent[]; ids: string[]; sub: Subscription } {
  const events: ChangeEvent[] = [];
  const ids: string[] = [];
  const sub = nats.nc.subscribe(subject, {
    callback: (_e, m: Msg) => {
      events.push(m.json<ChangeEvent>());
      ids.push(m.headers?.get('Nats-Msg-Id') ?? '');
    },
  });
  return { events, ids, sub };
}

const web = (r: Replica, sku: string): number => r.service.lookup(sku, { channel: 'web' }).channels[0]!.available;

// Change events are announced in process (tests, tools) or from a thread of their own (the
// runner): every promise below holds for both, each on a nats-server of its own.
describe.each([
  ['announcing changes in process', false],
  ['announcing changes from the change-event thread', true],
])('the availability view, %s', (_label, onThread) => {
  let replica: Replica;
  const start = (options: Partial<AvailabilityOptions> & { dataDir?: string } = {}): Promise<Replica> =>
    startReplica(nats.url, policy, { ...(onThread ? { changesThread: { natsUrl: nats.url, logLevel: 'silent', entry: CHANGE_THREAD_ENTRY_URL } } : {}), ...options });

  onItsOwnNats();

  it('applies events in order and answers lookups from LMDB', async () => {
    replica = await start();
    const seq = await publishAll(nats.js, [
      ev.position('P1', 'A', 31, 1), // 30 after safety stock
      ev.position('P1', 'B', 10, 1),
      ev.hold('h1', 'P1', 'B', 4),
      ev.reservation('r1', [{ sku: 'P1', location: 'B', quantity: 1 }]),
      ev.reservation('r1', [{ sku: 'P1', location: 'B', quantity: 1 }]),
    ]);
    await replica.service.waitForSeq(seq);
    expect(replica.service.seq).toBe(seq);
    expect(web(replica, 'P1')).toBe(30); // A 30 + B 5 − 5 ring-fenced for b2b at A
    const explain = replica.service.lookup('P1', { channel: 'web', explain: true }).channels[0]!.explain!;
    expect(explain.perLocation.find((l) => l.location === 'B')!.explain!.sources.map((s) => [s.kind, s.seq])).toEqual([
      ['position', 2],
      ['reservation', 4],
      ['hold', 3],
    ]);
  });

  it('publishes a change event only when the figure a channel sees changes, once per burst', async () => {
    const { events, ids, sub } = collect('availability.*.P2');
    await publishAll(nats.js, [ev.position('P2', 'B', 5, 1)]);
    await waitFor('the first change events (web and market; b2b sells only from A)', () => events.length >= 2);
    // Replicas publishing the same change must store it once: the id is channel:sku:seq.
    expect(ids.slice(0, 2).sort()).toEqual(events.slice(0, 2).map((e) => `${e.channel}:P2:${e.seq}`).sort());
    const again = await nats.js.publish(`availability.${events[0]!.channel}.P2`, JSON.stringify(events[0]), { msgID: ids[0] });
    expect(again.duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    events.length = 0;
    // 20 snapshots in a burst, then two that change nothing a channel sees.
    await Promise.all(Array.from({ length: 20 }, (_, i) => nats.js.publish('inventory.position.B', JSON.stringify(ev.position('P2', 'B', 6 + i, 2 + i)[1]))));
    await publishAll(nats.js, [ev.position('P2', 'B', 25, 1), ev.position('P2', 'C', 0, 1)]);
    await waitFor('the figure of the burst', () => events.some((e) => e.channel === 'web' && e.available === 25));
    await new Promise((r) => setTimeout(r, 300));
    sub.unsubscribe();
    const webEvents = events.filter((e) => e.channel === 'web');
    expect(webEvents.length).toBeGreaterThanOrEqual(1);
    expect(webEvents.length).toBeLessThan(20);
    expect(webEvents.at(-1)!.available).toBe(25);
    expect(events.find((e) => e.channel === 'web')!.regions).toEqual({ EU: 0 });
    // market: ⌊50% × (25 − 0 fenced)⌋ − 1; b2b sells only from A.
    expect(events.filter((e) => e.channel === 'market').at(-1)!.available).toBe(11);
    expect(events.filter((e) => e.channel === 'b2b')).toEqual([]);
  });

  it('publishes when a reservation expires, with no event behind it, under an id marked with the time of the check', async () => {
    const { events, ids, sub } = collect('availability.web.P3');
    await publishAll(nats.js, [ev.position('P3', 'B', 10, 1)]);
    await waitFor('the first figure', () => events.some((e) => e.available === 10));
    await publishAll(nats.js, [ev.reservation('cart-1', [{ sku: 'P3', location: 'B', quantity: 4 }], { expiresAt: Date.now() + 1500 })]);
    await waitFor('the reservation counted', () => events.some((e) => e.available === 6));
    const before = Date.now();
    await waitFor('the reservation expired', () => events.at(-1)!.available === 10, 10_000);
    sub.unsubscribe();
    expect(web(replica, 'P3')).toBe(10);
    // No new event is behind an expiry: its id is `<channel>:<sku>:<seq>:t<Unix seconds of the check>`.
    const expiry = events.at(-1)!;
    const m = /^web:P3:(\d+):t(\d+)$/.exec(ids.at(-1)!);
    expect(m, ids.at(-1)).not.toBeNull();
    expect(Number(m![1])).toBe(expiry.seq);
    expect(Number(m![2])).toBeGreaterThanOrEqual(Math.floor(before / 1000) - 1);
    expect(Number(m![2])).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    // The change that counted the reservation came from an event: its id has no suffix.
    expect(ids[events.findIndex((e) => e.available === 6)]).toMatch(/^web:P3:\d+$/);
  });

  it('resumes after the last applied sequence when restarted', async () => {
    await replica.stop();
    const before = AtpDb.open(replica.dataDir, { readOnly: true });
    const stoppedAt = before.lastSeq;
    await before.close();
    const last = await publishAll(nats.js, [ev.position('P1', 'B', 20, 2), ev.receipt('rc1', 'P1', 'B', 3, T0), ev.receipt('rc1', 'P1', 'B', 3, T0)]);
    replica = await start({ dataDir: replica.dataDir });
    expect(replica.service.seq).toBe(last);
    expect(replica.service.projection.stats.applied).toBe(last - stoppedAt);
    expect(web(replica, 'P1')).toBe(30 + 20 - 4 - 1 + 3 - 5);
  });

  it('announces nothing a channel already has after a restart: what it announced was written to the view', async () => {
    expect(replica.service.changes instanceof ChangeThread).toBe(onThread);
    const { events, sub } = collect('availability.*.P4');
    await publishAll(nats.js, [ev.position('P4', 'B', 12, 1)]);
    await waitFor('the first figures', () => events.some((e) => e.channel === 'web' && e.available === 12));
    await replica.stop();
    replica = await start({ dataDir: replica.dataDir });
    events.length = 0;
    // An event for the SKU that changes nothing a channel sees: compared, not announced.
    const seq = await publishAll(nats.js, [ev.position('P4', 'C', 0, 1)]);
    await replica.service.waitForSeq(seq);
    await new Promise((r) => setTimeout(r, 300));
    sub.unsubscribe();
    expect(events).toEqual([]);
    expect(replica.service.changes?.stats.compared ?? 0).toBeGreaterThan(0);
  });

  it('gives the same figures and decisions from a clean rebuild', async () => {
    await publishAll(nats.js, [
      ev.request('o1', 'web', [{ sku: 'P1', quantity: 40 }]),
      ev.request('o2', 'web', [{ sku: 'P1', quantity: 9 }]),
      ev.inbound('po1', 'P2', 'B', 7, '2031-01-01'),
    ]);
    await waitFor('the requests decided', () => replica.service.reservation('o2') !== undefined);
    const dir = tempDir('atp-rebuild');
    const result = await rebuildView({ nc: nats.nc, policy, dataDir: dir, logger: quietLogger });
    expect(result.lastSeq).toBe(replica.service.seq);
    const rebuilt = await startReplica(nats.url, policy, { dataDir: dir, changes: false });
    expect(rebuilt.service.projection.stats.applied).toBe(0);
    for (const sku of ['P1', 'P2', 'P3']) expect(rebuilt.service.lookup(sku, { explain: true })).toEqual(replica.service.lookup(sku, { explain: true }));
    for (const id of ['o1', 'o2', 'r1', 'cart-1']) expect(rebuilt.service.reservation(id)).toEqual(replica.service.reservation(id));
    expect(replica.service.reservation('o1')!.status).toBe('accepted');
    expect(replica.service.reservation('o2')).toMatchObject({ status: 'rejected', shortages: [{ sku: 'P1', requested: 9, available: 3 }] });
    await rebuilt.stop();
    await replica.stop();
  });
});

describe('a change-event thread that cannot start', () => {
  onItsOwnNats();

  it('leaves the view announcing changes on its own loop, not the runner unstarted', async () => {
    const dir = tempDir('atp-thread-fails');
    const entry = join(dir, 'broken-entry.mjs');
    writeFileSync(entry, "throw new Error('this thread cannot start');\n");
    const replica = await startReplica(nats.url, policy, { changesThread: { natsUrl: nats.url, logLevel: 'silent', entry: pathToFileURL(entry).href } });
    try {
      expect(replica.service.changes).toBeDefined();
      expect(replica.service.changes instanceof ChangeThread).toBe(false);
      const { events, sub } = collect('availability.web.P9');
      await publishAll(nats.js, [ev.position('P9', 'B', 7, 1)]);
      await waitFor('a change announced in process', () => events.some((e) => e.available === 7));
      sub.unsubscribe();
    } finally {
      await replica.stop();
    }
  });
});
