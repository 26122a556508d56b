/**
 * The views thread on a real nats-server: it starts, folds the trace index the runner reads, and
 * stops without reporting its own stop as a failure; a view that cannot start fails the start
 * with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startTestNats, tempDir, type TestNats } from '../support/nats.ts';
import { ViewThread } from '../../runtime/operations/view-thread.ts';
import { TraceDb } from '../../runtime/operations/trace/store.ts';

let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
  await nats.jsm.streams.add({ name: 'VT', subjects: ['vt.>'] });
});
afterAll(async () => {
  await nats?.close();
});

/** A logger that keeps what it is given. */
function recording(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { logger, lines };
}

describe('views thread', () => {
  it('folds the trace index on its own thread; the runner reads it; a stop is not reported as a failure', async () => {
    const dataDir = tempDir('view-thread');
    const { logger, lines } = recording();
    const thread = await ViewThread.start({ natsUrl: nats.url, logLevel: 'info', trace: { dataDir, streams: ['VT'], keyFields: [], exceptionsPrefix: 'exceptions.', deadLetterPrefix: 'dlq.' } }, logger);
    const db = TraceDb.open(dataDir, { reader: true });
    try {
      for (let i = 0; i < 5; i++) await nats.js.publish('vt.x', String(i), { msgID: `vt-${i}` });
      const deadline = Date.now() + 10_000;
      while (db.position('VT') < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(db.position('VT')).toBe(5);
      expect(db.byValue('vt-3', 10)).toEqual([{ ref: ['VT', 4], field: 'msgId' }]);
    } finally {
      await thread.stop();
      await db.close();
    }
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('fails its start with the reason when a view cannot start', async () => {
    const { logger } = recording();
    await expect(ViewThread.start({ natsUrl: nats.url, logLevel: 'info', trace: { dataDir: tempDir('view-thread-bad'), streams: ['NO_SUCH_STREAM'], keyFields: [], exceptionsPrefix: 'exceptions.', deadLetterPrefix: 'dlq.' } }, logger)).rejects.toThrow(/stream not found/i);
  });
});
