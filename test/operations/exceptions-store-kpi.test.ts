/** The workbench's LMDB store hands KPIs the items resolved in a window and those still open, from indexes. */
import { afterEach, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { tempDir } from '../support/nats.ts';
import { WorkbenchStore } from '../../runtime/operations/exceptions/store.ts';
import type { WorkItem } from '../../runtime/operations/exceptions/model.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const item = (id: number, state: WorkItem['state'], resolvedAt?: string): WorkItem => ({
  id,
  subject: `exceptions.late-ack.p${id}`,
  type: 'late-ack',
  partner: `p${id}`,
  raisedAt: '2026-12-01T00:00:00.000Z',
  state,
  lastActionSeq: 0,
  history: [],
  ...(resolvedAt === undefined ? {} : { resolvedAt }),
});

it('finds items resolved in a window and those not resolved, and forgets a resolution undone by reopen', async () => {
  const dir = tempDir('wb-kpi');
  dirs.push(dir);
  const store = await WorkbenchStore.open(dir, 'test');
  store.commit((t) => {
    t.put(item(1, 'resolved', '2026-12-01T01:00:00.000Z'), undefined);
    t.put(item(2, 'resolved', '2026-12-01T05:00:00.000Z'), undefined);
    t.put(item(3, 'open'), undefined);
    t.put(item(4, 'acknowledged'), undefined);
    return { exceptionsSeq: 4, workbenchSeq: 0 };
  });
  const ids = (since: string, until: string): number[] => [...store.forKpis(Date.parse(since), Date.parse(until))].map((i) => i.id);
  expect(ids('2026-12-01T00:30:00Z', '2026-12-01T02:00:00Z')).toEqual([1, 3, 4]);
  store.commit((t) => {
    t.put(item(1, 'open'), item(1, 'resolved', '2026-12-01T01:00:00.000Z'));
    return { exceptionsSeq: 4, workbenchSeq: 1 };
  });
  // Reopened: no longer a resolution in that window, only an open item (once).
  const after = [...store.forKpis(Date.parse('2026-12-01T00:30:00Z'), Date.parse('2026-12-01T02:00:00Z'))];
  expect(after.map((i) => [i.id, i.state])).toEqual([[1, 'open'], [3, 'open'], [4, 'acknowledged']]);
  expect(ids('2026-12-01T04:00:00Z', '2026-12-01T06:00:00Z')).toEqual([2, 1, 3, 4]);
  await store.close();
});
