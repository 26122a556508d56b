/**
 * Reservation decisions on hot SKUs: every request on one of three SKUs, none released, so
 * open reservations pile up on the same SKU-locations. The requests are published first and
 * a fresh view decides them as a backlog (the projection's own cost, without the publisher
 * beside it); the throughput of the first `window` decisions is compared with that of the
 * last. With a per-change cost independent of the open reservations the ratio stays near 1.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { AvailabilityService } from '../../runtime/availability/service.ts';
import { startBenchView } from './view-setup.ts';

export interface HotSkuBench {
  readonly orders: number;
  readonly window: number;
  readonly accepted: number;
  readonly firstPerSec: number;
  readonly lastPerSec: number;
  /** lastPerSec / firstPerSec (target ≥ 0.9). */
  readonly ratio: number;
}

const HOT = ['HOT-1', 'HOT-2', 'HOT-3'];
const enc = new TextEncoder();

async function publishMany(js: JetStreamClient, count: number, body: (i: number) => [string, unknown], inFlight = 1000): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const [subject, b] = body(next++);
        await js.publish(subject, enc.encode(JSON.stringify(b)));
      }
    }),
  );
}

export async function benchHotSkus(options: { orders: number; window: number }): Promise<HotSkuBench> {
  const view = await startBenchView('bench-atp-hot', '{ enabled: false }');
  const { root, policy, nc } = view;
  try {
    const js = jetstream(nc, { timeout: 30_000 });
    const stock = options.orders * 10;
    await publishMany(js, HOT.length * 2, (i) => [`inventory.position.D${(i % 2) + 1}`, { schemaVersion: 1, sku: HOT[i >> 1], location: `D${(i % 2) + 1}`, onHand: stock, version: 1, asOf: '2026-01-01T00:00:00Z' }]);
    const base = HOT.length * 2;
    // Half of them carts (expiring, far in the future), half orders: both kinds stay open.
    await publishMany(js, options.orders, (i) => [
      'inventory.reservation.requested',
      { schemaVersion: 1, id: `o-${i}`, channel: 'web', lines: [{ sku: HOT[i % HOT.length], quantity: 1 + (i % 3) }], ...(i % 2 === 0 ? { expiresAt: '2099-01-01T00:00:00Z' } : {}) },
    ]);
    const total = base + options.orders;
    // Time at which each commit's last sequence was applied, to cut the run into windows.
    const marks: { seq: number; at: number }[] = [];
    const service = await AvailabilityService.start({ nc, policy, dataDir: join(root, 'data'), logger: pino({ level: 'silent' }), changes: false, catchUp: false, onCommit: (info) => marks.push({ seq: info.lastSeq, at: performance.now() }) });
    try {
      await service.waitForSeq(total, 3_600_000);
      // Rates between commits, so neither start-up nor a partial batch counts.
      const mark = (seq: number): { seq: number; at: number } => marks.find((m) => m.seq >= seq) as { seq: number; at: number };
      const rate = (a: { seq: number; at: number }, b: { seq: number; at: number }): number => (b.seq - a.seq) / ((b.at - a.at) / 1000);
      const firstPerSec = rate(mark(base), mark(base + options.window));
      const lastPerSec = rate(mark(total - options.window), mark(total));
      let accepted = 0;
      for (let i = 0; i < options.orders; i += 97) if (service.reservation(`o-${i}`)?.status === 'accepted') accepted++;
      return { orders: options.orders, window: options.window, accepted: accepted / Math.ceil(options.orders / 97), firstPerSec, lastPerSec, ratio: lastPerSec / firstPerSec };
    } finally {
      await service.stop();
    }
  } finally {
    await view.close();
  }
}

/** `node --import tsx test/bench/availability-hot.ts ORDERS WINDOW`: this section alone. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const [orders, window] = process.argv.slice(2).map(Number);
  const r = await benchHotSkus({ orders: orders || 20_000, window: window || 5_000 });
  process.stdout.write(JSON.stringify(r) + '\n');
}
