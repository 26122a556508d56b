/**
 * The workbench for one CLI command: EXCEPTIONS then WORKBENCH read to their ends and folded
 * in memory by the same fold the runners use, so the CLI and every runner agree. The CLI
 * talks to NATS only (like `crossdock dlq`), so it reads the streams rather than a runner's
 * files; a runner's indexed view answers `GET /v1/exceptions` without that read.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { foldAction, foldException, WORKBENCH_PREFIX } from './fold.ts';
import { MemoryTables } from './memory.ts';
import type { ItemSource } from './actions.ts';
import type { WorkItem } from './model.ts';
import type { Positions } from './store.ts';
import { readStored } from '../stream-read.ts';
import { EXCEPTIONS_PREFIX } from '../exception-subjects.ts';

export class MemoryView implements ItemSource {
  readonly tables = new MemoryTables();
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  readonly exceptionsStream: string;
  readonly workbenchStream: string;

  constructor(js: JetStreamClient, jsm: JetStreamManager, exceptionsStream: string, workbenchStream: string) {
    this.js = js;
    this.jsm = jsm;
    this.exceptionsStream = exceptionsStream;
    this.workbenchStream = workbenchStream;
  }

  get positions(): Positions {
    return { exceptionsSeq: this.tables.exceptionsSeq, workbenchSeq: this.tables.workbenchSeq };
  }

  get(id: number): WorkItem | undefined {
    return this.tables.get(id);
  }

  /** Reads both streams on from where this view is; true when it reached `want`. */
  async catchUp(want: Partial<Positions> = {}): Promise<boolean> {
    const t = this.tables;
    for await (const m of readStored(this.js, this.jsm, this.exceptionsStream, `${EXCEPTIONS_PREFIX}.>`, t.exceptionsSeq + 1)) {
      foldException(t, { ...m, time: m.time.getTime() });
      t.exceptionsSeq = m.seq;
    }
    for await (const m of readStored(this.js, this.jsm, this.workbenchStream, `${WORKBENCH_PREFIX}.>`, t.workbenchSeq + 1)) {
      foldAction(t, { ...m, time: m.time.getTime() }, t.exceptionsSeq);
      t.workbenchSeq = m.seq;
    }
    return (want.exceptionsSeq ?? 0) <= t.exceptionsSeq && (want.workbenchSeq ?? 0) <= t.workbenchSeq;
  }
}
