/**
 * The audit log's stream reader on a real nats-server: every message once, in order, and with
 * `linger` a trickle handled in groups, not one handle per message (each handle is a commit or
 * an append round trip for the auditor and the index follower).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats } from '../support/nats.ts';
import { StreamReader } from '../../runtime/operations/audit/stream-reader.ts';

let nats: TestNats;

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats?.close();
});

let streams = 0;

/** Publishes `n` messages 5 ms apart to a fresh stream while a reader follows it; the groups it handled. */
async function trickle(n: number, linger: number): Promise<number[][]> {
  const name = `TRICKLE${++streams}`;
  await nats.jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`] });
  const groups: number[][] = [];
  const reader = new StreamReader({ js: nats.js, stream: name, from: 1, group: 64, linger });
  const running = reader.run((batch) => {
    groups.push(batch.map((m) => m.seq));
  });
  for (let i = 0; i < n; i++) {
    await nats.js.publish(`${name.toLowerCase()}.x`, String(i));
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 10_000;
  while (groups.flat().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const stopped = Date.now();
  reader.stop();
  await running;
  // Stop wakes a lingering reader at once.
  expect(Date.now() - stopped).toBeLessThan(linger + 500);
  return groups;
}

describe('audit stream reader', () => {
  it('without linger, handles a trickle as it comes: about one message per group', async () => {
    const groups = await trickle(40, 0);
    expect(groups.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(groups.length).toBeGreaterThan(20);
  });

  it('with linger, handles the same trickle in a few groups, every message once and in order', async () => {
    const groups = await trickle(40, 150);
    expect(groups.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // 40 messages over ~250 ms (5 ms apart plus the publish round trips): a group per 150 ms window.
    expect(groups.length).toBeLessThanOrEqual(6);
  });

  it('hands a backlog in groups of `group`, never more than one pull holds (the auditor asks for pulls as large as its groups)', async () => {
    const name = `BACKLOG${++streams}`;
    await nats.jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`] });
    for (let i = 0; i < 300; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => nats.js.publish(`${name.toLowerCase()}.x`, String(i + k))));
    const groupsOf = async (batch: number, group: number): Promise<number[]> => {
      const sizes: number[] = [];
      await new StreamReader({ js: nats.js, stream: name, from: 1, batch, group }).run((b) => void sizes.push(b.length), true);
      return sizes;
    };
    expect(await groupsOf(256, 256)).toEqual([256, 44]);
    expect(await groupsOf(100, 256)).toEqual([100, 100, 100]);
    expect(await groupsOf(256, 64)).toEqual([64, 64, 64, 64, 44]);
  });
});
