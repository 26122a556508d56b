/**
 * The trace indexer on a real nats-server: a trickle of messages is committed in windows of
 * `lingerMs`, not one LMDB commit per message, and every message becomes one hop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startTestNats, tempDir, type TestNats } from '../../support/nats.ts';
import { TraceIndexer } from '../../../runtime/operations/trace/indexer.ts';
import { TraceDb } from '../../../runtime/operations/trace/store.ts';

let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats?.close();
});

let n = 0;

async function trickle(lingerMs: number): Promise<{ hops: number; batches: number }> {
  const stream = `HOPS${++n}`;
  await nats.jsm.streams.add({ name: stream, subjects: [`hops${n}.>`] });
  const db = TraceDb.open(tempDir('trace-indexer'));
  const indexer = new TraceIndexer({ js: nats.js, db, streams: [stream], rules: { keyFields: new Set(), exceptionsPrefix: 'exceptions.', deadLetterPrefix: 'dlq.' }, logger: pino({ level: 'silent' }), lingerMs });
  await indexer.start();
  try {
    for (let i = 0; i < 30; i++) {
      await nats.js.publish(`hops${n}.x`, String(i), { msgID: `m-${i}` });
      await new Promise((r) => setTimeout(r, 5));
    }
    const deadline = Date.now() + 10_000;
    while (db.position(stream) < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return { ...indexer.stats };
  } finally {
    await indexer.stop();
    await db.close();
  }
}

describe('trace indexer', () => {
  it('commits a trickle in windows: every message a hop, a few commits instead of one each', async () => {
    const lingering = await trickle(200);
    expect(lingering.hops).toBe(30);
    expect(lingering.batches).toBeLessThanOrEqual(4);
    const eager = await trickle(0);
    expect(eager.hops).toBe(30);
    expect(eager.batches).toBeGreaterThan(15);
  });
});
