/**
 * The views thread (view-thread.ts): its own NATS connection, and each view it was given — the
 * trace indexer, the audit index follower and (when this runner writes) the auditor — folding
 * into files this thread alone writes. Log lines go to the parent, which writes them through
 * the runner's logger.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { runThread, type ThreadSide } from '../config/thread-side.ts';
import { connectNats } from '../transport/connection.ts';
import { publishAcksFor } from '../transport/publish-acks.ts';
import { TraceIndexer } from './trace/indexer.ts';
import { TraceDb } from './trace/store.ts';
import { Auditor } from './audit/auditor.ts';
import { AuditChain } from './audit/chain.ts';
import { IndexFollower } from './audit/index-follower.ts';
import { AuditIndex } from './audit/index-store.ts';
import type { ViewThreadStart } from './view-thread.ts';

async function main({ start, logger, onStop }: ThreadSide<ViewThreadStart, never>): Promise<void> {
  const nc = await connectNats({ url: start.natsUrl, name: `crossdock-views-${process.pid}`, logger });
  onStop(() => nc.close());
  const js = jetstream(nc, { timeout: 10_000 });
  if (start.trace) {
    const t = start.trace;
    const db = TraceDb.open(t.dataDir);
    onStop(() => db.close());
    const indexer = new TraceIndexer({ js, db, streams: t.streams, rules: { keyFields: new Set(t.keyFields), exceptionsPrefix: t.exceptionsPrefix, deadLetterPrefix: t.deadLetterPrefix }, logger: logger.child({ view: 'trace' }) });
    onStop(() => indexer.stop());
    await indexer.start();
  }
  if (start.audit) {
    const a = start.audit;
    const index = AuditIndex.open(a.dataDir);
    onStop(() => index.close());
    const follower = new IndexFollower(js, index, logger.child({ view: 'audit' }), a.stream);
    onStop(() => follower.stop());
    follower.start();
    if (a.write) {
      const auditor = new Auditor({ js, chain: new AuditChain(publishAcksFor(nc).publish, await jetstreamManager(nc), a.stream), streams: a.sources, logger: logger.child({ view: 'audit' }) });
      onStop(() => auditor.stop());
      await auditor.start();
    }
    logger.info({ stream: a.stream, sources: a.write ? a.sources : [] }, 'audit log started');
  }
}

runThread(main);
