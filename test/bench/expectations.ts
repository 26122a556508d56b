/**
 * Timer capacity: 1,000,000 open expectations in the LMDB view (folded in batches of 10,000
 * per transaction, as the stream readers commit), then the deadline timer over them: 1,000 of
 * them fall due within the next 5 s, and each is raised (here: its raise time recorded, then
 * folded as fired, as the exceptions stream would) — how late after its deadline, while the
 * other 999,000 wait in the index. Memory is the process's RSS and heap, and the file size.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/nats.ts';
import { ExpectationStore, expectationsDir } from '../../runtime/operations/expectations/store.ts';
import { DeadlineFirer } from '../../runtime/operations/expectations/firer.ts';
import { fmt, ms, summarize, table } from './stats.ts';

export interface ExpectationsBench {
  readonly open: number;
  readonly insertPerSec: number;
  readonly fileMiB: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly nextDeadlineUs: number;
  readonly firing: { readonly n: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
}

const BATCH = 10_000;
const HOUR = 3_600_000;

export async function benchExpectations(options: { quick?: boolean } = {}): Promise<ExpectationsBench> {
  const total = options.quick ? 100_000 : 1_000_000;
  const soon = 1000;
  const dir = tempDir('bench-expect');
  const store = ExpectationStore.open(dir);
  try {
    const fill = (from: number, to: number, deadlineOf: (j: number) => number): void => {
      for (let i = from; i < to; i += BATCH) {
        store.transact((b) => {
          for (let j = i; j < Math.min(to, i + BATCH); j++) {
            const deadline = deadlineOf(j);
            b.sight('supplier-response', `PO-${j}`, { role: 'when', at: deadline - HOUR, deadline, keys: { poNumber: `PO-${j}` }, labels: { partner: 'acme' } });
          }
          b.folded('ERP', Math.min(to, i + BATCH));
        });
      }
    };
    const t0 = performance.now();
    const far = Date.now() + 24 * HOUR;
    fill(soon, total, (j) => far + j);
    const insertSeconds = (performance.now() - t0) / 1000;
    // The `soon` ones fall due over 5 s from 1 s after they are opened.
    const start = Date.now();
    fill(0, soon, (j) => start + 1000 + Math.floor((j * 5000) / soon));
    global.gc?.();
    const mem = process.memoryUsage();
    const n0 = performance.now();
    for (let i = 0; i < 1000; i++) store.nextDeadline();
    const nextDeadlineUs = ((performance.now() - n0) / 1000) * 1000;

    const lateness: number[] = [];
    let firer: DeadlineFirer | undefined;
    // The firer's timer is unref'd (it never keeps a runner alive); this keeps the bench alive.
    const alive = setInterval(() => undefined, 1000);
    await new Promise<void>((resolve) => {
      firer = new DeadlineFirer({
        clock: Date.now,
        nextDeadline: () => store.nextDeadline(),
        dueBy: (now, limit) => store.dueBy(now, limit),
        catchUp: async () => true,
        raise: async (e) => {
          lateness.push(Date.now() - (e.record.deadline as number));
          // What the exceptions stream's fold does once it holds the exception.
          store.transact((b) => b.fired(e.name, e.key, Date.now()));
          firer?.seen(e.name, e.key);
          if (lateness.length === soon) resolve();
        },
        onError: () => undefined,
      });
      firer.poke();
    });
    clearInterval(alive);
    await firer?.stop();
    const s = summarize(lateness);
    return {
      open: total,
      insertPerSec: (total - soon) / insertSeconds,
      fileMiB: statSync(join(expectationsDir(dir), 'expectations.mdb')).size / 2 ** 20,
      rssMiB: mem.rss / 2 ** 20,
      heapMiB: mem.heapUsed / 2 ** 20,
      nextDeadlineUs,
      firing: { n: s.n, p50Ms: s.p50, p99Ms: s.p99, maxMs: s.max },
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function expectationsText(r: ExpectationsBench): string {
  return [
    `Expectations: ${fmt(r.open)} open in the LMDB view; 1,000 of them fall due over 5 s while the rest wait`,
    table(
      ['figure', 'value'],
      [
        ['folded (open) per second', fmt(r.insertPerSec)],
        ['view file', `${fmt(r.fileMiB, 1)} MiB`],
        ['process RSS / heap', `${fmt(r.rssMiB)} MiB / ${fmt(r.heapMiB)} MiB`],
        ['next deadline lookup', `${r.nextDeadlineUs.toFixed(1)} µs`],
        ['raised after deadline p50', ms(r.firing.p50Ms)],
        ['raised after deadline p99', ms(r.firing.p99Ms)],
        ['raised after deadline max', ms(r.firing.maxMs)],
      ],
    ),
  ].join('\n');
}
