/**
 * The trace index of one runner: its LMDB file, the indexer folding the business streams into
 * it, and journeys read from it. Which streams and which business keys come from the project
 * (streams with `trace: false` are left out; keys are marked in the canonical schemas).
 */
import type { Logger } from 'pino';
import type { StreamDeclaration } from '../../compile/streams.ts';
import { traceKeyFields } from '../../compile/trace-keys.ts';
import { EXCEPTIONS_PREFIX } from '../exception-subjects.ts';
import type { HopRules } from './hop.ts';
import { IndexThread } from './index-thread.ts';
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
  /** The index as this thread reads it; the indexer thread writes it. */
  readonly db: TraceDb;
  private readonly thread: IndexThread;

  private constructor(db: TraceDb, thread: IndexThread) {
    this.db = db;
    this.thread = thread;
  }

  /** Starts the indexer thread (on its own connection to `natsUrl`) and opens the index to read. */
  static async start(options: { natsUrl: string; scope: TraceScope; dataDir: string; logger: Logger }): Promise<TraceService> {
    const { rules } = options.scope;
    const thread = await IndexThread.start(
      {
        natsUrl: options.natsUrl,
        dataDir: options.dataDir,
        streams: options.scope.streams,
        keyFields: [...rules.keyFields],
        exceptionsPrefix: rules.exceptionsPrefix,
        deadLetterPrefix: rules.deadLetterPrefix,
        logLevel: options.logger.level,
      },
      options.logger,
    );
    try {
      return new TraceService(TraceDb.open(options.dataDir, { reader: true }), thread);
    } catch (err) {
      await thread.stop();
      throw err;
    }
  }

  journey(key: string): Journey {
    return journeyOf(this.db, key);
  }

  async stop(): Promise<void> {
    await this.thread.stop();
    await this.db.close();
  }
}
