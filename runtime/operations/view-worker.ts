/**
 * The views thread (view-thread.ts): its own NATS connection, and each view it was given — the
 * trace indexer, the audit index follower and (when this runner writes) the auditor — folding
 * into files this thread alone writes. Log lines go to the parent, which writes them through
 * the runner's logger.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import pino from 'pino';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../transport/connection.ts';
import { publishAcksFor } from '../transport/publish-acks.ts';
import { TraceIndexer } from './trace/indexer.ts';
import { TraceDb } from './trace/store.ts';
import { Auditor } from './audit/auditor.ts';
import { AuditChain } from './audit/chain.ts';
import { IndexFollower } from './audit/index-follower.ts';
import { AuditIndex } from './audit/index-store.ts';
import type { FromViewThread, ToViewThread, ViewThreadStart } from './view-thread.ts';

if (!parentPort) throw new Error('view-worker.ts runs as a worker thread');
const port: MessagePort = parentPort;
const post = (m: FromViewThread): void => port.postMessage(m);
const start = workerData as ViewThreadStart;
const logger = pino({ level: start.logLevel, base: undefined, timestamp: false }, { write: (line: string) => post({ type: 'log', line }) });

/** What stop() undoes, last started first. */
const undo: (() => Promise<unknown>)[] = [];

async function stopAll(): Promise<void> {
  for (const u of undo.splice(0).reverse()) await u().catch(() => undefined);
}

async function main(): Promise<void> {
  const nc = await connectNats({ url: start.natsUrl, name: `crossdock-views-${process.pid}`, logger });
  undo.push(() => nc.close());
  const js = jetstream(nc, { timeout: 10_000 });
  if (start.trace) {
    const t = start.trace;
    const db = TraceDb.open(t.dataDir);
    undo.push(() => db.close());
    const indexer = new TraceIndexer({ js, db, streams: t.streams, rules: { keyFields: new Set(t.keyFields), exceptionsPrefix: t.exceptionsPrefix, deadLetterPrefix: t.deadLetterPrefix }, logger: logger.child({ view: 'trace' }) });
    undo.push(() => indexer.stop());
    await indexer.start();
  }
  if (start.audit) {
    const a = start.audit;
    const index = AuditIndex.open(a.dataDir);
    undo.push(() => index.close());
    const follower = new IndexFollower(js, index, logger.child({ view: 'audit' }), a.stream);
    undo.push(() => follower.stop());
    follower.start();
    if (a.write) {
      const auditor = new Auditor({ js, chain: new AuditChain(publishAcksFor(nc).publish, await jetstreamManager(nc), a.stream), streams: a.sources, logger: logger.child({ view: 'audit' }) });
      undo.push(() => auditor.stop());
      await auditor.start();
    }
    logger.info({ stream: a.stream, sources: a.write ? a.sources : [] }, 'audit log started');
  }
}

port.on('message', (m: ToViewThread) => {
  if (m.type !== 'stop') return;
  void stopAll().then(() => {
    post({ type: 'stopped' });
    port.close();
  });
});

main().then(
  () => post({ type: 'ready' }),
  async (err: unknown) => {
    await stopAll();
    post({ type: 'failed', error: (err as Error).message });
  },
);
