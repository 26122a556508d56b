/**
 * NATS figures on a real nats-server: consumer lag and ack pending as JetStream reports them,
 * read at most once per time-to-live however many scrapes arrive, and the connection's state
 * through a server restart.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AckPolicy } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MetricsRegistry } from '../../runtime/observability/metrics.ts';
import { registerNatsMetrics } from '../../runtime/transport/nats-metrics.ts';
import { startTestNats, waitFor, type TestNats } from '../support/nats.ts';

let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
  await nats.jsm.streams.add({ name: 'LAG', subjects: ['lag.>'] });
  await nats.jsm.consumers.add('LAG', { durable_name: 'orders', ack_policy: AckPolicy.Explicit, max_ack_pending: 10 });
});
afterAll(async () => nats?.close());

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('reports pending and ack pending per durable, labelled pipeline/stream/durable, from consumer info', async () => {
  for (let i = 0; i < 5; i++) await nats.js.publish(`lag.order.${i}`, `{"n":${i}}`);
  const consumer = await nats.js.consumers.get('LAG', 'orders');
  const held = [];
  for await (const m of await consumer.fetch({ max_messages: 2, expires: 2000 })) held.push(m); // delivered, not acknowledged

  let clock = 0;
  const registry = new MetricsRegistry();
  const lag = registerNatsMetrics(registry, {
    nc: nats.nc,
    jsm: nats.jsm,
    consumers: [{ pipeline: 'orders-in', stream: 'LAG', durable: 'orders' }, { pipeline: 'gone', stream: 'LAG', durable: 'missing' }],
    ttlMs: 3000,
    now: () => clock,
  });
  const text = await registry.scrape();
  const labels = '{durable="orders",pipeline="orders-in",stream="LAG"}';
  expect(text).toContain(`crossdock_consumer_pending_messages${labels} 3\n`);
  expect(text).toContain(`crossdock_consumer_ack_pending_messages${labels} 2\n`);
  expect(text).toContain(`crossdock_consumer_max_ack_pending_messages${labels} 10\n`);
  // A durable whose info cannot be read is left out, not reported as zero.
  expect(text).not.toContain('durable="missing"');
  expect(lag.requests).toBe(2);

  // A scrape storm within the time-to-live costs the server nothing more.
  await nats.js.publish('lag.order.5', '{"n":5}');
  const storm = await Promise.all(Array.from({ length: 25 }, () => registry.scrape()));
  expect(lag.requests).toBe(2);
  expect(storm.every((t) => t.includes(`crossdock_consumer_pending_messages${labels} 3\n`))).toBe(true);

  // Past it, one scrape reads consumer info again; acknowledged messages leave ack pending.
  for (const m of held) m.ack();
  await nats.nc.flush();
  clock += 3000;
  const later = await Promise.all([registry.scrape(), registry.scrape()]);
  expect(lag.requests).toBe(4);
  expect(later[0]).toContain(`crossdock_consumer_pending_messages${labels} 4\n`);
  expect(later[1]).toContain(`crossdock_consumer_ack_pending_messages${labels} 0\n`);
});

it('shows the connection down while the server is away, and counts the disconnect and the reconnect', async () => {
  const nc: NatsConnection = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  try {
    const registry = new MetricsRegistry();
    registerNatsMetrics(registry, { nc, jsm: nats.jsm, consumers: [] });
    const before = await registry.scrape();
    expect(sample(before, 'crossdock_nats_connected')).toBe(1);
    expect(sample(before, 'crossdock_nats_disconnects_total')).toBe(0);
    expect(before).toMatch(/^# TYPE crossdock_nats_reconnects_total counter$/m);

    const restarting = nats.restart(1500);
    await waitFor('the connection to read as down', async () => sample(await registry.scrape(), 'crossdock_nats_connected') === 0, 10_000);
    await restarting;
    await waitFor('the connection to read as up again', async () => sample(await registry.scrape(), 'crossdock_nats_connected') === 1, 15_000);
    const after = await registry.scrape();
    expect(sample(after, 'crossdock_nats_disconnects_total')).toBe(1);
    expect(sample(after, 'crossdock_nats_reconnects_total')).toBe(1);
  } finally {
    await nc.close();
  }
});
