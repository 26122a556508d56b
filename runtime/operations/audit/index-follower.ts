/** Keeps an AuditIndex up with the AUDIT stream: one LMDB transaction per group of blocks read. */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { AUDIT_STREAM } from './entry.ts';
import type { AuditIndex } from './index-store.ts';
import { StreamReader } from './stream-reader.ts';

/** How far the runner's index may trail the AUDIT stream: queries over HTTP see entries this late at most (plus the commit). */
export const FOLLOW_LINGER_MS = 100;
/**
 * Blocks read and indexed per transaction. A block holds up to 256 records (up to ~256 kB), so
 * this bounds what one pull holds in memory (~16 MB at worst) while a transaction still indexes
 * thousands of records when the log is busy.
 */
const FOLLOW_GROUP = 64;

export class IndexFollower {
  private readonly reader: StreamReader;
  private readonly index: AuditIndex;
  private running: Promise<void> | undefined;

  constructor(js: JetStreamClient, index: AuditIndex, logger?: Logger, stream: string = AUDIT_STREAM) {
    this.index = index;
    this.reader = new StreamReader({ js, stream, from: index.lastSeq + 1, batch: FOLLOW_GROUP, group: FOLLOW_GROUP, linger: FOLLOW_LINGER_MS, ...(logger ? { logger } : {}) });
  }

  /** Follows the stream until stop(). */
  start(): void {
    this.running ??= this.reader.run(async (batch) => void (await this.index.apply(batch)));
  }

  /**
   * Reads what the stream holds now (up to `lastSeq`, its last sequence), then returns: the
   * CLI's way, index then answer. Already there: no read at all.
   */
  async catchUp(lastSeq: number): Promise<void> {
    if (this.index.lastSeq >= lastSeq) return;
    await this.reader.run(async (batch) => void (await this.index.apply(batch)), true);
  }

  async stop(): Promise<void> {
    this.reader.stop();
    await this.running;
  }
}
