/**
 * The trace index of one runner: its LMDB file, the indexer folding the business streams into
 * it, and journeys read from it. Which streams and which business keys come from the project
 * (streams with `trace: false` are left out; keys are marked in the canonical schemas).
 */
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { StreamDeclaration } from '../../compile/streams.ts';
import { traceKeyFields } from '../../compile/trace-keys.ts';
import { EXCEPTIONS_PREFIX } from '../exception-subjects.ts';
import type { HopRules } from './hop.ts';
import { TraceIndexer } from './indexer.ts';
import { journeyOf, type Journey } from './journey.ts';
import { TraceDb } from './store.ts';

/** What the index folds, worked out from the project. */
export interface TraceScope {
  readonly streams: readonly string[];
  readonly rules: HopRules;
}

export function traceScope(streams: readonly StreamDeclaration[], schemasDir: string): TraceScope {
  return {
    streams: streams.filter((s) => s.trace !== false).map((s) => s.name),
    rules: { keyFields: new Set(traceKeyFields(schemasDir).map((k) => k.field)), exceptionsPrefix: `${EXCEPTIONS_PREFIX}.`, deadLetterPrefix: 'dlq.' },
  };
}

export class TraceService {
  readonly db: TraceDb;
  readonly indexer: TraceIndexer;

  private constructor(db: TraceDb, indexer: TraceIndexer) {
    this.db = db;
    this.indexer = indexer;
  }

  static async start(options: { nc: NatsConnection; scope: TraceScope; dataDir: string; logger: Logger }): Promise<TraceService> {
    const db = TraceDb.open(options.dataDir);
    const indexer = new TraceIndexer({ js: jetstream(options.nc, { timeout: 10_000 }), db, streams: options.scope.streams, rules: options.scope.rules, logger: options.logger });
    try {
      await indexer.start();
    } catch (err) {
      await indexer.stop().catch(() => undefined);
      await db.close();
      throw err;
    }
    return new TraceService(db, indexer);
  }

  journey(key: string): Journey {
    return journeyOf(this.db, key);
  }

  async stop(): Promise<void> {
    await this.indexer.stop();
    await this.db.close();
  }
}
