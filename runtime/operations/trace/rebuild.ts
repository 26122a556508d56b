/**
 * `crossdock trace rebuild`: the index emptied and folded again from the streams, through the
 * same indexer the runner uses, so it holds what the runner's would.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { TraceIndexer } from './indexer.ts';
import { TraceDb } from './store.ts';
import type { TraceScope } from './service.ts';

export interface TraceRebuildResult {
  readonly hops: number;
  readonly positions: Readonly<Record<string, number>>;
  readonly ms: number;
}

export async function rebuildTraceIndex(options: { nc: NatsConnection; scope: TraceScope; dataDir: string; logger: Logger; onProgress?: (hops: number, total: number) => void }): Promise<TraceRebuildResult> {
  const started = performance.now();
  const jsm = await jetstreamManager(options.nc);
  const last = new Map<string, number>();
  let total = 0;
  for (const s of options.scope.streams) {
    const state = (await jsm.streams.info(s)).state;
    // A stream whose messages have all aged out has nothing to fold.
    last.set(s, state.messages === 0 ? 0 : state.last_seq);
    total += state.messages;
  }
  const db = TraceDb.open(options.dataDir);
  try {
    db.clear();
    let hops = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const caughtUp = (): boolean => [...last].every(([s, seq]) => db.position(s) >= seq);
    const indexer = new TraceIndexer({
      js: jetstream(options.nc, { timeout: 10_000 }),
      db,
      streams: options.scope.streams,
      rules: options.scope.rules,
      logger: options.logger,
      onCommit: (n) => {
        hops += n;
        options.onProgress?.(hops, total);
        if (caughtUp()) resolveDone();
      },
    });
    if (!caughtUp()) {
      await indexer.start();
      try {
        await done;
      } finally {
        await indexer.stop();
      }
    }
    if (indexer.failed) throw indexer.failed;
    const positions: Record<string, number> = {};
    for (const s of options.scope.streams) positions[s] = db.position(s);
    return { hops, positions, ms: performance.now() - started };
  } finally {
    await db.close();
  }
}
