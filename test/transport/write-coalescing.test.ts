import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { coalesceWrites } from '../../runtime/transport/write-coalescing.ts';
import { startTestNats, type TestNats } from '../support/nats.ts';

let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.close();
});

/** Counts the frames the client hands its transport (one socket write each). */
function countWrites(nc: NatsConnection): { readonly count: number } {
  const transport = (nc as unknown as { protocol: { transport: { send(frame: Uint8Array): void } } }).protocol.transport;
  const send = transport.send.bind(transport);
  const counter = { count: 0 };
  transport.send = (frame) => {
    counter.count++;
    send(frame);
  };
  return counter;
}

/** Ten publishes, each after a microtask boundary, the way steps of one message publish. */
async function publishAcrossMicrotasks(nc: NatsConnection, subject: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
    nc.publish(subject, `m${i}`);
  }
}

describe('socket write coalescing', () => {
  it('writes the commands of one loop turn in one frame, and every message arrives in order', async () => {
    const nc = await connect({ servers: nats.url });
    const sub = nats.nc.subscribe('coalesce.a', { max: 10 });
    await nats.nc.flush();
    expect(coalesceWrites(nc)).toBe(true);
    const writes = countWrites(nc);
    await publishAcrossMicrotasks(nc, 'coalesce.a');
    await new Promise((r) => setImmediate(r));
    expect(writes.count).toBe(1);
    const got: string[] = [];
    for await (const m of sub) got.push(m.string());
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    await nc.close();
  });

  it('is what makes the difference: without it the same publishes take a write each', async () => {
    const nc = await connect({ servers: nats.url });
    const writes = countWrites(nc);
    await publishAcrossMicrotasks(nc, 'coalesce.b');
    await new Promise((r) => setImmediate(r));
    expect(writes.count).toBe(10);
    await nc.close();
  });

  it('still writes at once when the buffer reaches the client threshold', async () => {
    const nc = await connect({ servers: nats.url });
    coalesceWrites(nc);
    const writes = countWrites(nc);
    const big = new Uint8Array(64 * 1024);
    for (let i = 0; i < 20; i++) nc.publish('coalesce.c', big);
    // Over a megabyte queued in one turn: flushed inline past the threshold, not held for the turn.
    expect(writes.count).toBeGreaterThan(0);
    await nc.flush();
    await nc.close();
  });

  it('leaves a client of another shape alone and says so', () => {
    expect(coalesceWrites({} as NatsConnection)).toBe(false);
  });
});
