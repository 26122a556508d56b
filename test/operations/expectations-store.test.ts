/**
 * The expectations view in real LMDB files: the deadline index gives the next firing without
 * a scan, totals follow transitions, and folding the same streams in any interleaving and any
 * batching (a rebuild, or a restart half way) ends in identical tables.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/nats.ts';
import { ExpectationStore, expectationsDir } from '../../runtime/operations/expectations/store.ts';
import type { Sighting } from '../../runtime/operations/expectations/state.ts';

const dirs: string[] = [];
const stores: ExpectationStore[] = [];
function openStore(): ExpectationStore {
  const dir = tempDir('expect');
  dirs.push(dir);
  const s = ExpectationStore.open(dir);
  stores.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const when = (at: number, key: string): Sighting => ({ role: 'when', at, deadline: at + 1000, keys: { key }, labels: { partner: 'p' } });
const exp = (at: number): Sighting => ({ role: 'expect', at, keys: {}, labels: {} });

function dump(s: ExpectationStore): unknown {
  const all = (d: { getRange(): Iterable<{ key: unknown; value: unknown }> }): unknown[] => [...d.getRange()].map(({ key, value }) => [key, value]);
  return { records: all(s.tables.records), due: all(s.tables.due), late: all(s.tables.late), times: all(s.tables.times), meta: all(s.tables.meta) };
}

describe('expectation store', () => {
  it('finds the records a time window touched and those still due, each once, without scanning the rest', () => {
    const s = openStore();
    s.transact((b) => {
      b.sight('a', 'old', when(100, 'old'));
      b.sight('a', 'old', exp(200)); // opened and closed long before the window
      b.sight('a', 'in', when(5000, 'in'));
      b.sight('a', 'in', exp(5500)); // opened and closed inside it
      b.sight('a', 'late', when(3500, 'late')); // deadline 4500 inside it, never closed
      b.sight('a', 'open', when(9000, 'open')); // after the window, but still due
    });
    const ids = (since: number, until: number): string[] => [...s.touched(since, until)].map((e) => e.key).sort();
    expect(ids(4000, 6000)).toEqual(['in', 'late', 'open']);
    // A closed record drops out of the index entry it no longer has.
    s.transact((b) => b.sight('a', 'late', exp(4400)));
    expect(ids(4000, 4300)).toEqual(['open']);
    expect(ids(4400, 4401)).toEqual(['late', 'open']);
  });

  it('finds the earliest deadline first and what is due by a time', () => {
    const s = openStore();
    s.transact((b) => {
      b.sight('a', 'k3', when(3000, 'k3'));
      b.sight('a', 'k1', when(1000, 'k1'));
      b.sight('b', 'k2', when(2000, 'k2'));
    });
    expect(s.nextDeadline()).toBe(2000);
    expect(s.dueBy(3000, 10).map((e) => `${e.name}/${e.key}`)).toEqual(['a/k1', 'b/k2']);
    expect(s.totals('a')).toEqual({ open: 2, closed: 0, late: 0 });
    const t = s.transact((b) => b.sight('a', 'k1', exp(1500)));
    expect(t).toEqual([{ name: 'a', to: 'closed', seconds: 0.5 }]);
    expect(s.nextDeadline()).toBe(3000);
    s.transact((b) => b.fired('b', 'k2', 3100));
    expect(s.nextDeadline()).toBe(4000);
    expect(s.totals('a')).toEqual({ open: 1, closed: 1, late: 0 });
    expect(s.totals('b')).toEqual({ open: 0, closed: 0, late: 1 });
    expect(s.list('late', undefined, 10).map((e) => e.key)).toEqual(['k2']);
    expect(s.list('open', 'b', 10)).toEqual([]);
  });

  it('a view written before the host last booted is discarded at open (its unsynced pages may be lost)', async () => {
    const dir = tempDir('expect');
    dirs.push(dir);
    const s = ExpectationStore.open(dir);
    s.transact((b) => b.sight('a', 'k', when(1, 'k')));
    await s.close();
    const again = ExpectationStore.open(dir);
    expect(again.get('a', 'k')).toBeDefined();
    await again.close();
    writeFileSync(join(expectationsDir(dir), 'boot-id'), 'another-boot\n');
    const afterReboot = ExpectationStore.open(dir);
    stores.push(afterReboot);
    expect(afterReboot.get('a', 'k')).toBeUndefined();
    expect(afterReboot.seqOf('ERP')).toBe(0);
  });

  it('keeps the position of each stream with the records', () => {
    const s = openStore();
    s.transact((b) => {
      b.sight('a', 'k', when(1, 'k'));
      b.folded('ERP', 41);
      b.folded('WMS', 7);
    });
    expect(s.seqOf('ERP')).toBe(41);
    expect(s.seqOf('WMS')).toBe(7);
    expect(s.seqOf('EDI')).toBe(0);
  });

  it('a rebuild equals the live view, whatever the interleaving of the streams and the batching', () => {
    type Ev = { stream: 'W' | 'E' | 'X'; apply: (b: Parameters<Parameters<ExpectationStore['transact']>[0]>[0]) => void };
    const evArb = fc.tuple(fc.constantFrom('W', 'E', 'X'), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5000 })).map(([stream, k, t]): Ev => ({
      stream: stream as Ev['stream'],
      apply: (b) => (stream === 'W' ? b.sight('sla', `k${k}`, when(t, `k${k}`)) : stream === 'E' ? b.sight('sla', `k${k}`, exp(t)) : b.fired('sla', `k${k}`, t)),
    }));
    fc.assert(
      fc.property(fc.array(evArb, { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 30, maxLength: 30 }), fc.integer({ min: 1, max: 7 }), (events, picks, batch) => {
        // Live: in the order given, one event per transaction.
        const live = openStore();
        const seq = { W: 0, E: 0, X: 0 };
        for (const e of events) live.transact((b) => { e.apply(b); b.folded(e.stream, ++seq[e.stream]); });
        // Rebuild: each stream in its own order, interleaved differently, several per transaction.
        const queues = { W: events.filter((e) => e.stream === 'W'), E: events.filter((e) => e.stream === 'E'), X: events.filter((e) => e.stream === 'X') };
        const order: Ev[] = [];
        let i = 0;
        while (order.length < events.length) {
          const names = (['W', 'E', 'X'] as const).filter((n) => queues[n].length > 0);
          order.push(queues[names[(picks[i++ % picks.length] as number) % names.length] as 'W'].shift() as Ev);
        }
        const rebuilt = openStore();
        const seq2 = { W: 0, E: 0, X: 0 };
        for (let j = 0; j < order.length; j += batch) rebuilt.transact((b) => { for (const e of order.slice(j, j + batch)) { e.apply(b); b.folded(e.stream, ++seq2[e.stream]); } });
        expect(dump(rebuilt)).toEqual(dump(live));
      }),
      { numRuns: 100 },
    );
  });
  it('prune forgets finished records older than the cutoff through the time index, keeps due and recent ones, and the totals', () => {
    const s = openStore();
    s.transact((b) => {
      b.sight('a', 'closed-old', when(100, 'closed-old'));
      b.sight('a', 'closed-old', exp(200));
      b.sight('a', 'late-old', when(300, 'late-old')); // deadline 1300
      b.fired('a', 'late-old', 1400);
      b.sight('a', 'answer-only', exp(500)); // an expected document whose opening never came
      b.sight('a', 'due-old', when(400, 'due-old')); // never answered, never raised: still has to fire
      b.sight('a', 'spans', when(600, 'spans'));
      b.sight('a', 'spans', exp(9000)); // opened before the cutoff, closed late after it
      b.sight('a', 'recent', when(8000, 'recent'));
    });
    const totals = s.totals('a');
    const r = s.prune(5000, 100);
    expect(r).toMatchObject({ removed: 3, more: false });
    expect([...s.tables.records.getKeys()].map((k) => k[1]).sort()).toEqual(['due-old', 'recent', 'spans']);
    expect(s.list('late', 'a', 10).map((e) => e.key)).toEqual(['spans']);
    // Nothing before the cutoff is left in the time index; what is after it is untouched.
    expect([...s.tables.times.getKeys()].every((k) => k[0] >= 5000)).toBe(true);
    expect([...s.touched(5000, 10_000)].map((e) => e.key).sort()).toEqual(['due-old', 'recent', 'spans']);
    expect(s.nextDeadline()).toBe(1400);
    expect(s.totals('a')).toEqual(totals);
    // A second pass finds nothing more to read.
    expect(s.prune(5000, 100)).toEqual({ visited: 0, removed: 0, more: false });
  });

  it('prune works in chunks: the view holds only what is recent however long the history, and a chunk never reads past its limit', () => {
    const s = openStore();
    for (let day = 0; day < 20; day++) {
      s.transact((b) => {
        for (let i = 0; i < 50; i++) {
          const key = `d${day}-${i}`;
          const at = day * 1_000_000 + i;
          b.sight('a', key, when(at, key));
          b.sight('a', key, exp(at + 10));
        }
      });
    }
    expect(s.size).toBe(1000);
    const cutoff = 15 * 1_000_000;
    const first = s.prune(cutoff, 120);
    expect(first).toMatchObject({ visited: 120, more: true });
    let removed = first.removed;
    for (let r = s.prune(cutoff, 120); ; r = s.prune(cutoff, 120)) {
      removed += r.removed;
      if (!r.more) break;
    }
    expect(removed).toBe(750);
    expect(s.size).toBe(250);
    expect([...s.tables.records.getKeys()].every((k) => Number(/^d(\d+)-/.exec(k[1])?.[1]) >= 15)).toBe(true);
  });
});
