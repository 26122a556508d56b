import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { EventHub } from '../../runtime/console/events.ts';
import { Feeds, kpiSummary, type ExceptionsSource } from '../../runtime/console/feeds.ts';
import type { OpenCount } from '../../runtime/operations/exceptions/totals.ts';
import type { KpiReport } from '../../runtime/operations/kpi/compute.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A hub whose broadcasts are recorded; `active` plays a client arriving or the last leaving. */
function recordingHub(): { hub: EventHub; sent: { event: string; data: unknown }[]; active(a: boolean): void } {
  const hub = new EventHub();
  const sent: { event: string; data: unknown }[] = [];
  const listeners: ((a: boolean) => void)[] = [];
  hub.broadcast = (event, data) => void sent.push({ event, data });
  hub.onActive = (l) => void listeners.push(l);
  return { hub, sent, active: (a) => listeners.forEach((l) => l(a)) };
}

describe('the console feeds', () => {
  it('send the open exceptions when the fold moves, not on every poll, and only while someone watches', async () => {
    vi.useFakeTimers();
    const counts: OpenCount[] = [{ state: 'open', type: 'late-ack', partner: 'acme', count: 2 }];
    const positions = { exceptionsSeq: 1, workbenchSeq: 0 };
    const reads = { n: 0 };
    const source: ExceptionsSource = {
      get positions() {
        return positions;
      },
      openCounts: () => {
        reads.n++;
        return counts;
      },
    };
    const { hub, sent, active } = recordingHub();
    const feeds = new Feeds({ exceptions: source, logger: pino({ level: 'silent' }) }, hub);
    // A new client's first events: the current counts, without using up the change.
    expect(await feeds.current()).toEqual([
      { event: 'exceptions', data: { open: 2, counts } },
      { event: 'dead-letters', data: { unavailable: 'no stream of the project captures dlq.>' } },
    ]);
    active(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([{ event: 'exceptions', data: { open: 2, counts } }]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(sent).toHaveLength(1);
    const readsBefore = reads.n;
    positions.workbenchSeq = 1;
    counts.push({ state: 'acknowledged', type: 'late-ack', partner: 'zeta', count: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({ event: 'exceptions', data: { open: 3, counts } });
    expect(reads.n).toBe(readsBefore + 1);
    active(false);
    positions.exceptionsSeq = 2;
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(2);
  });

  it('send the dead-letter state when its count or last id changes', async () => {
    vi.useFakeTimers();
    let state = { count: 0, lastId: 0 };
    const { hub, sent, active } = recordingHub();
    new Feeds({ deadLetters: async () => state, logger: pino({ level: 'silent' }) }, hub);
    active(true);
    await vi.advanceTimersByTimeAsync(1000);
    state = { count: 1, lastId: 7 };
    await vi.advanceTimersByTimeAsync(2000);
    // Replayed and removed, then a new one: the count is the same, the last id is not.
    state = { count: 1, lastId: 8 };
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.map((s) => s.data)).toEqual([{ count: 0, lastId: 0 }, { count: 1, lastId: 7 }, { count: 1, lastId: 8 }]);
  });

  it("summarise the KPIs by their 'all' rows", () => {
    const report: KpiReport = {
      since: 'a',
      until: 'b',
      kpis: [
        { id: 'interface-failure-rate', title: 'Interface failure rate', kind: 'ratio', by: 'pipeline', rows: [{ label: 'all', count: 4, hits: 1, ratio: 0.25 }, { label: 'p', count: 4, hits: 1, ratio: 0.25 }] },
        { id: 'inventory-sync-delay', title: 'Inventory sync delay', kind: 'duration', by: 'warehouse', rows: [], unavailable: 'no availability policy' },
      ],
    };
    expect(kpiSummary(report).kpis).toEqual([
      { id: 'interface-failure-rate', title: 'Interface failure rate', kind: 'ratio', by: 'pipeline', all: { label: 'all', count: 4, hits: 1, ratio: 0.25 } },
      { id: 'inventory-sync-delay', title: 'Inventory sync delay', kind: 'duration', by: 'warehouse', unavailable: 'no availability policy' },
    ]);
  });
});
