/**
 * The trace index of one runner: its LMDB file, the indexer folding the business streams into
 * it, and journeys read from it. Which streams and which business keys come from the project
 * (streams with `trace: false` are left out; keys are marked in the canonical schemas).
 */
import type { StreamDeclaration } from '../../compile/streams.ts';
import { traceKeyFields } from '../../compile/trace-keys.ts';
import { EXCEPTIONS_PREFIX } from '../exception-subjects.ts';
import type { HopRules } from './hop.ts';
import type { ViewThreadStart } from '../view-thread.ts';
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

/** What the views thread folds for the trace index. */
export function traceThreadPart(scope: TraceScope, dataDir: string): ViewThreadStart['trace'] {
  const { rules } = scope;
  return { dataDir, streams: scope.streams, keyFields: [...rules.keyFields], exceptionsPrefix: rules.exceptionsPrefix, deadLetterPrefix: rules.deadLetterPrefix };
}

/** The index the views thread writes (operations/view-thread.ts), opened to read journeys. */
export class TraceService {
  readonly db: TraceDb;

  private constructor(db: TraceDb) {
    this.db = db;
  }

  static open(dataDir: string): TraceService {
    return new TraceService(TraceDb.open(dataDir, { reader: true }));
  }

  journey(key: string): Journey {
    return journeyOf(this.db, key);
  }

  async stop(): Promise<void> {
    await this.db.close();
  }
}
