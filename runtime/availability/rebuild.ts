/**
 * `crossdock atp rebuild`: the view emptied and refilled from the inventory stream, through
 * the same projection the runner uses, so it gives the same figures. The last published
 * figures are kept: a runner started afterwards announces only what really changed.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { AvailabilityPolicy } from './policy.ts';
import { AtpDb } from './lmdb-store.ts';
import { Projection } from './projection.ts';

export interface RebuildResult {
  readonly events: number;
  readonly lastSeq: number;
  readonly skus: number;
  readonly invalid: number;
  readonly ms: number;
}

export async function rebuildView(options: {
  readonly nc: NatsConnection;
  readonly policy: AvailabilityPolicy;
  readonly dataDir: string;
  readonly logger: Logger;
  /** Called as events are applied: (applied so far, total to apply). */
  readonly onProgress?: (applied: number, total: number) => void;
}): Promise<RebuildResult> {
  const started = performance.now();
  const jsm = await jetstreamManager(options.nc);
  const state = (await jsm.streams.info(options.policy.stream)).state;
  const db = AtpDb.open(options.dataDir);
  try {
    db.clearFigures();
    const total = state.messages;
    let applied = 0;
    const projection = new Projection({
      js: jetstream(options.nc, { timeout: 10_000 }),
      db,
      policy: options.policy,
      logger: options.logger,
      onCommit: (info) => {
        applied += info.events;
        options.onProgress?.(applied, total);
      },
    });
    if (state.last_seq > 0) {
      await projection.start();
      try {
        await projection.waitForSeq(state.last_seq, Infinity);
      } finally {
        await projection.stop();
      }
    }
    let skus = 0;
    for (const _ of db.skus.getKeys()) skus++;
    return { events: applied, lastSeq: projection.lastSeq, skus, invalid: projection.stats.invalid, ms: performance.now() - started };
  } finally {
    await db.close();
  }
}
