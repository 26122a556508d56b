/**
 * Crash consistency: `crossdock run` is killed with SIGKILL at random moments while inventory
 * events (duplicates, out-of-order snapshot versions, releases, requests to decide) pour in,
 * and started again on the same data folder each time. Once it has caught up, every record of
 * its LMDB view equals, byte for byte as values, a clean rebuild made by `crossdock atp
 * rebuild` from the same stream: nothing applied twice, nothing skipped, the same decisions.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestNats, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { tempProject } from '../support/project.ts';
import { runCli } from '../support/runner-process.ts';
import { STREAMS_YAML, runnerIn } from '../availability/live.ts';
import { POLICY, T0, DAY, ev } from '../availability/helpers.ts';
import { AtpDb } from '../../runtime/availability/lmdb-store.ts';

const project = tempProject({
  'pipelines/streams.yaml': STREAMS_YAML,
  'pipelines/availability.yaml': POLICY,
  'pipelines/relay.yaml': `pipeline: relay
description: A pipeline for the runner to run besides the availability view.
owner: test
input: { jetstream: { stream: CHANNELS, subject: channel.x } }
outputs: { erp: { jetstream: { subject: "'erp.x'" } } }
`,
});

let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.close();
});

/** Some reservations expire while the runners apply the stream (by stream time), so sweeps of the expiry index crash too. */
const STARTED = Date.now();

/** A reproducible stream of every kind of inventory event, with repeats. */
function events(count: number, seed: number): (readonly [string, unknown])[] {
  const sku = fc.constantFrom('K1', 'K2', 'K3', 'K4', 'K5');
  const loc = fc.constantFrom('A', 'B', 'C');
  const n = (max: number) => fc.integer({ min: 0, max });
  const one = fc.oneof(
    fc.tuple(sku, loc, n(80), n(30)).map(([s, l, q, v]) => ev.position(s, l, q, v, { asOf: T0 - DAY + v * 60_000 })),
    fc.tuple(n(40), sku, loc, fc.integer({ min: 1, max: 5 })).map(([i, s, l, q]) => ev.reservation(`r${i}`, [{ sku: s, location: l, quantity: q }], i % 3 === 0 ? { expiresAt: T0 + i * 1000 } : i % 3 === 1 ? { expiresAt: STARTED + i * 300 } : {})),
    n(40).map((i) => ev.released(`r${i}`)),
    fc.tuple(n(200), sku, fc.integer({ min: 1, max: 6 }), fc.constantFrom('web', 'market', 'b2b')).map(([i, s, q, c]) => ev.request(`o${i}`, c, [{ sku: s, quantity: q }])),
    fc.tuple(n(10), sku, loc, fc.integer({ min: 1, max: 4 })).map(([i, s, l, q]) => ev.hold(`h${i}`, s, l, q)),
    n(10).map((i) => ev.holdReleased(`h${i}`)),
    fc.tuple(n(15), sku, loc, n(30), n(12)).map(([i, s, l, q, d]) => ev.inbound(`p${i}`, s, l, q, new Date(T0 + d * DAY).toISOString().slice(0, 10))),
    fc.tuple(n(60), sku, loc, fc.integer({ min: 1, max: 5 }), n(15)).map(([i, s, l, q, p]) => ev.receipt(`c${i}`, s, l, q, T0 - DAY + i * 120_000, `p${p}`)),
  );
  return fc.sample(one, { numRuns: count, seed });
}

function dump(dataDir: string): Promise<Record<string, unknown>> {
  const db = AtpDb.open(dataDir, { readOnly: true });
  const all = (d: { getRange(): Iterable<{ key: unknown; value: unknown }> }): unknown[] => [...d.getRange()].map(({ key, value }) => [key, value]);
  const out = { lastSeq: db.lastSeq, sweptAt: db.sweptAt(), ledger: all(db.ledger), expiries: all(db.expiries), skus: all(db.skus), reservations: all(db.reservations), holds: all(db.holds), inbound: all(db.inbound), receipts: all(db.receipts), locations: all(db.locations) };
  return db.close().then(() => out);
}

it('gives the same view after SIGKILLs at random points as a clean rebuild', { timeout: 120_000 }, async () => {
  const dataDir = tempDir('atp-crash');
  const all = events(6000, 42);
  // The first runner creates the streams.
  const first = runnerIn(project.pipelinesDir, nats.url, dataDir);
  await first.ready;
  let published = 0;
  // The last events wait for the kills, so every kill lands while events are still arriving
  // however slowly a loaded machine restarts the runner.
  let releaseTail = (): void => undefined;
  const tail = new Promise<void>((r) => (releaseTail = r));
  const publisher = (async () => {
    for (let i = 0; i < all.length; i += 100) {
      if (i === all.length - 1000) await tail;
      await Promise.all(all.slice(i, i + 100).map(([subject, body]) => nats.js.publish(subject, JSON.stringify(body))));
      published = i + 100;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let current = first;
  let kills = 0;
  let killsWhilePublishing = 0;
  const random = fc.sample(fc.integer({ min: 50, max: 900 }), { numRuns: 3, seed: 7 });
  for (const delay of random) {
    await new Promise((r) => setTimeout(r, delay));
    current.child.kill('SIGKILL');
    if (published < all.length) killsWhilePublishing++;
    expect(await current.exited).toBe('SIGKILL');
    kills++;
    current = runnerIn(project.pipelinesDir, nats.url, dataDir);
    await current.ready;
  }
  releaseTail();
  await publisher;
  expect(published).toBeGreaterThanOrEqual(all.length);
  const last = (await nats.jsm.streams.info('INVENTORY')).state.last_seq;
  const port = await current.ready;
  await waitFor('the runner to apply every event', async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(/^crossdock_atp_last_seq (\d+)$/m.exec(text)?.[1]) >= last;
  }, 60_000, 100);
  current.child.kill('SIGTERM');
  expect(await current.exited).toBe(0);
  expect(kills).toBe(3);
  expect(killsWhilePublishing).toBe(3);

  const clean = tempDir('atp-clean');
  const rebuilt = await runCli(['atp', 'rebuild', '--pipelines', project.pipelinesDir, '--data', clean, '--nats', nats.url]);
  expect(rebuilt.code, rebuilt.stderr).toBe(0);
  expect(rebuilt.stdout).toContain(`${all.length} events up to sequence ${last}`);

  const crashed = await dump(dataDir);
  const fresh = await dump(clean);
  expect(crashed.lastSeq).toBe(last);
  expect(crashed).toEqual(fresh);
  expect((crashed.reservations as unknown[]).length).toBeGreaterThan(100);
});
