/**
 * The workbench's state machine and fold, through the in-memory tables and the LMDB store
 * alike: the same messages give the same items, indexes, open counts and resolution times.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { decide, applyAction, type WorkItem } from '../../runtime/operations/exceptions/model.ts';
import { foldAction, foldException, itemFromException, workbenchSubject, encodeAction, type StoredMessage, type Tables } from '../../runtime/operations/exceptions/fold.ts';
import { MemoryTables } from '../../runtime/operations/exceptions/memory.ts';
import { WorkbenchStore } from '../../runtime/operations/exceptions/store.ts';
import { renderTotals } from '../../runtime/operations/exceptions/totals.ts';
import { EXCEPTION } from '../../runtime/components/header-names.ts';
import { tempDir } from '../support/nats.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const enc = new TextEncoder();

function exception(seq: number, type: string, partner: string, extra: Record<string, string> = {}, body: unknown = { reason: `reason ${seq}` }): StoredMessage {
  return { seq, subject: `exceptions.${type}.${partner}`, time: T0 + seq * 1000, headers: extra, data: enc.encode(JSON.stringify(body)) };
}

function action(seq: number, id: number, act: string, actor: string, more: Record<string, string> = {}, atMs = T0 + 3_600_000 + seq * 1000): StoredMessage {
  return { seq, subject: workbenchSubject(id), time: atMs, headers: {}, data: encodeAction({ action: act as 'ack', id, actor, ...more }) };
}

const open = (over: Partial<WorkItem> = {}): WorkItem => ({ ...itemFromException(exception(1, 'late-ack', 'acme')), ...over });

describe('the state machine', () => {
  it('moves open → acknowledged → resolved, and refuses what the state does not allow, naming the state', () => {
    const o = open();
    expect(decide(o, { action: 'ack' })).toEqual({ outcome: 'apply' });
    const acked = applyAction(o, { action: 'ack', id: 1, actor: 'alice' }, 5, '2026-03-02T09:00:00.000Z');
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alice', lastActionSeq: 5 });
    expect(decide(acked, { action: 'ack' })).toEqual({ outcome: 'unchanged' });
    expect(decide(acked, { action: 'reopen' })).toEqual({ outcome: 'refused', error: 'exception 1 is acknowledged, not resolved' });
    const resolved = applyAction(acked, { action: 'resolve', id: 1, actor: 'bob', note: 'sent again' }, 6, '2026-03-02T10:00:00.000Z');
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'bob', resolutionNote: 'sent again' });
    expect(decide(resolved, { action: 'ack' })).toEqual({ outcome: 'refused', error: 'exception 1 is resolved; reopen it first' });
    expect(decide(resolved, { action: 'assign', assignee: 'x' }).outcome).toBe('refused');
    expect(decide(resolved, { action: 'resolve' })).toEqual({ outcome: 'unchanged' });
    const reopened = applyAction(resolved, { action: 'reopen', id: 1, actor: 'carol' }, 7, '2026-03-02T11:00:00.000Z');
    expect(reopened.state).toBe('open');
    expect(reopened.resolvedBy).toBeUndefined();
    expect(reopened.history.map((h) => h.action)).toEqual(['ack', 'resolve', 'reopen']);
  });

  it('keeps the latest 50 actions in an item\'s history', () => {
    let item = open();
    for (let i = 1; i <= 60; i++) item = applyAction(item, { action: 'assign', id: 1, actor: 'a', assignee: `p${i}` }, i, '2026-03-02T09:00:00.000Z');
    expect(item.history).toHaveLength(50);
    expect(item.history[0]?.assignee).toBe('p11');
    expect(item.assignee).toBe('p60');
  });

  it('treats assigning to the same person as a repeat, and to another as a change', () => {
    const mine = open({ assignee: 'alice' });
    expect(decide(mine, { action: 'assign', assignee: 'alice' })).toEqual({ outcome: 'unchanged' });
    expect(decide(mine, { action: 'assign', assignee: 'bob' })).toEqual({ outcome: 'apply' });
  });
});

/**
 * Runs the same messages through the in-memory tables and the LMDB store (each call its own
 * committed transaction, as a slow stream delivers them).
 */
async function both(run: (t: Tables) => void): Promise<{ memory: MemoryTables; store: WorkbenchStore; dir: string }> {
  const memory = new MemoryTables();
  run(memory);
  const dir = tempDir('workbench');
  const store = await WorkbenchStore.open(dir, 'test');
  const committed = new Proxy({} as Tables, {
    get:
      (_t, name: keyof Tables) =>
      (...a: unknown[]) => {
        let out: unknown;
        store.commit((t) => {
          out = (t[name] as (...x: unknown[]) => unknown)(...a);
          return store.positions;
        });
        return out;
      },
  });
  run(committed);
  return { memory, store, dir };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the fold', () => {
  it('opens an item per exception with its headers, and applies actions with stream times as who and when', async () => {
    const { memory, store, dir } = await both((t) => {
      foldException(t, exception(1, 'late-ack', 'acme', { [EXCEPTION.channel]: 'edi', [EXCEPTION.warehouse]: 'WH1', [EXCEPTION.keys]: '{"poNumber":"4500"}', [EXCEPTION.documentType]: 'PurchaseOrder' }));
      foldException(t, exception(2, 'duplicate-order', 'shopify', { [EXCEPTION.channel]: 'shopify' }, { reason: 'token=abcdef1234567890 seen twice', password: 'x' }));
      foldException(t, exception(3, 'late-ack', 'globex', { [EXCEPTION.warehouse]: 'WH1' }));
      expect(foldAction(t, action(1, 1, 'ack', 'alice'), 3)).toBe('applied');
      expect(foldAction(t, action(2, 1, 'ack', 'bob'), 3)).toBe('unchanged');
      expect(foldAction(t, action(3, 1, 'assign', 'alice', { assignee: 'bob' }), 3)).toBe('applied');
      expect(foldAction(t, action(4, 1, 'resolve', 'bob', { note: 'PO re-sent' }, T0 + 1000 + 1800_000), 3)).toBe('applied');
      expect(foldAction(t, action(5, 3, 'reopen', 'bob'), 3)).toBe('unchanged');
      expect(foldAction(t, action(6, 2, 'ack', 'carol'), 3)).toBe('applied');
      expect(foldAction(t, { ...action(7, 2, 'ack', 'x'), data: enc.encode('not json') }, 3)).toBe('invalid');
    });
    dirs.push(dir);
    for (const get of [(id: number) => memory.get(id), (id: number) => store.get(id)]) {
      expect(get(1)).toMatchObject({ state: 'resolved', type: 'late-ack', partner: 'acme', channel: 'edi', warehouse: 'WH1', documentType: 'PurchaseOrder', keys: { poNumber: '4500' }, assignee: 'bob', resolvedBy: 'bob', resolutionNote: 'PO re-sent', resolvedAt: new Date(T0 + 1000 + 1800_000).toISOString(), lastActionSeq: 4 });
      expect(get(2)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'carol' });
      expect(get(2)?.reason).not.toContain('abcdef1234567890');
      expect(get(3)?.state).toBe('open');
    }
    // Indexed lists give what the scanning list gives, newest first, with cursors.
    const filters = [
      {},
      { type: 'late-ack' },
      { warehouse: 'WH1' },
      { warehouse: 'WH1', state: 'open' as const },
      { warehouse: 'WH1', state: 'resolved' as const },
      { type: 'late-ack', warehouse: 'WH1', state: 'resolved' as const },
      { assignee: 'bob', state: 'resolved' as const },
      { assignee: 'bob', state: 'open' as const },
      { state: 'acknowledged' as const },
      { assignee: 'bob' },
      { partner: 'nobody' },
      { partner: 'acme', channel: 'shopify' },
    ];
    for (const f of filters) {
      expect(store.list(f, 10).map((i) => i.id)).toEqual(memory.list(f, 10).map((i) => i.id));
    }
    // The state-and-field indexes moved with the state too.
    expect(store.list({ warehouse: 'WH1', state: 'resolved' }, 10).map((i) => i.id)).toEqual([1]);
    expect(store.list({ warehouse: 'WH1', state: 'open' }, 10).map((i) => i.id)).toEqual([3]);
    expect(store.list({ assignee: 'bob', state: 'open' }, 10)).toEqual([]);
    expect(store.list({}, 2).map((i) => i.id)).toEqual([3, 2]);
    expect(store.list({}, 2, 2).map((i) => i.id)).toEqual([1]);
    // The index moved with the state: nothing is left under the old one.
    expect(store.list({ state: 'open' }, 10).map((i) => i.id)).toEqual([3]);
    const text = renderTotals(store.openCounts(), store.resolutionStats());
    expect(text).toBe(renderTotals(memory.openCounts(), memory.resolution));
    expect(text).toContain('crossdock_exceptions_open{state="open",type="late-ack",partner="globex"} 1');
    expect(text).toContain('crossdock_exceptions_open{state="acknowledged",type="duplicate-order",partner="shopify"} 1');
    expect(text).not.toContain('partner="acme"');
    // Raised at T0+1 s, resolved 1800 s later: in the 1800 s bucket, not the 900 s one.
    expect(text).toContain('crossdock_exception_resolution_seconds_bucket{type="late-ack",le="900"} 0');
    expect(text).toContain('crossdock_exception_resolution_seconds_bucket{type="late-ack",le="1800"} 1');
    expect(text).toContain('crossdock_exception_resolution_seconds_sum{type="late-ack"} 1800');
    await store.close();
  });

  it('parks an action that arrives before its exception and applies it when the exception comes', async () => {
    const { memory, store, dir } = await both((t) => {
      foldException(t, exception(1, 'late-ack', 'acme'));
      // The WORKBENCH reader is ahead: actions on 3 (and on 2, which never comes) wait.
      expect(foldAction(t, action(1, 3, 'ack', 'alice'), 1)).toBe('parked');
      expect(foldAction(t, action(2, 2, 'ack', 'alice'), 1)).toBe('parked');
      expect(foldAction(t, action(3, 3, 'resolve', 'bob', { note: 'done' }), 1)).toBe('parked');
      foldException(t, exception(3, 'late-ack', 'globex'));
      expect(t.unpark(Number.MAX_SAFE_INTEGER)).toEqual([]);
    });
    dirs.push(dir);
    expect(memory.get(3)).toMatchObject({ state: 'resolved', acknowledgedBy: 'alice', resolvedBy: 'bob', lastActionSeq: 3 });
    expect(store.get(3)).toEqual(memory.get(3));
    expect(memory.get(2)).toBeUndefined();
    await store.close();
  });

  it('refuses, in the fold too, an action published around the checks (an ack of a resolved item)', () => {
    const t = new MemoryTables();
    foldException(t, exception(1, 'late-ack', 'acme'));
    foldAction(t, action(1, 1, 'resolve', 'bob', { note: 'n' }), 1);
    expect(foldAction(t, action(2, 1, 'ack', 'eve'), 1)).toBe('refused');
    expect(t.get(1)).toMatchObject({ state: 'resolved', lastActionSeq: 1 });
    expect(foldAction(t, action(3, 99, 'ack', 'eve'), 1)).toBe('parked');
    expect(foldAction(t, action(4, 1, 'ack', 'eve'), 5)).toBe('refused');
  });
});

describe('the LMDB store', () => {
  it('starts over when the streams it was folded from were created anew', async () => {
    const dir = tempDir('workbench');
    dirs.push(dir);
    const first = await WorkbenchStore.open(dir, 'EXCEPTIONS@t1|WORKBENCH@t1');
    first.commit((t) => {
      foldException(t, exception(1, 'late-ack', 'acme'));
      return { exceptionsSeq: 1, workbenchSeq: 0 };
    });
    await first.close();
    const same = await WorkbenchStore.open(dir, 'EXCEPTIONS@t1|WORKBENCH@t1');
    expect(same.positions).toEqual({ exceptionsSeq: 1, workbenchSeq: 0 });
    expect(same.get(1)?.type).toBe('late-ack');
    await same.close();
    const recreated = await WorkbenchStore.open(dir, 'EXCEPTIONS@t2|WORKBENCH@t1');
    expect(recreated.positions).toEqual({ exceptionsSeq: 0, workbenchSeq: 0 });
    expect(recreated.get(1)).toBeUndefined();
    expect(recreated.openCounts()).toEqual([]);
    await recreated.close();
  });
});
