/**
 * The trace indexer's thread: its own NATS connection, the index file's one writer, and the
 * indexer folding the streams into it. Started by index-thread.ts; speaks only the messages
 * declared there. Log lines go to the parent, which writes them through the runner's logger.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import pino from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { connectNats } from '../../transport/connection.ts';
import { TraceIndexer } from './indexer.ts';
import { TraceDb } from './store.ts';
import type { FromIndexThread, IndexThreadStart, ToIndexThread } from './index-thread.ts';

if (!parentPort) throw new Error('index-worker.ts runs as a worker thread');
const port: MessagePort = parentPort;
const post = (m: FromIndexThread): void => port.postMessage(m);
const start = workerData as IndexThreadStart;
const logger = pino({ level: start.logLevel, base: undefined, timestamp: false }, { write: (line: string) => post({ type: 'log', line }) });

async function main(): Promise<void> {
  const nc = await connectNats({ url: start.natsUrl, name: `crossdock-trace-index-${process.pid}`, logger });
  let db: TraceDb | undefined;
  let indexer: TraceIndexer | undefined;
  try {
    db = TraceDb.open(start.dataDir);
    indexer = new TraceIndexer({
      js: jetstream(nc, { timeout: 10_000 }),
      db,
      streams: start.streams,
      rules: { keyFields: new Set(start.keyFields), exceptionsPrefix: start.exceptionsPrefix, deadLetterPrefix: start.deadLetterPrefix },
      logger,
    });
    await indexer.start();
  } catch (err) {
    await indexer?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await nc.close().catch(() => undefined);
    post({ type: 'failed', error: (err as Error).message });
    return;
  }
  const running = { db, indexer };
  port.on('message', (m: ToIndexThread) => {
    if (m.type !== 'stop') return;
    void (async () => {
      await running.indexer.stop().catch(() => undefined);
      await running.db.close().catch(() => undefined);
      await nc.close().catch(() => undefined);
      post({ type: 'stopped', hops: running.indexer.stats.hops });
      port.close();
    })();
  });
  post({ type: 'ready' });
}

main().catch((err: unknown) => post({ type: 'failed', error: (err as Error).message }));
