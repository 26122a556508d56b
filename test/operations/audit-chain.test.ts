/**
 * The audit chain on a real nats-server: concurrent writers make one chain of blocks, an operator
 * action is recorded with its actor, the stream refuses deletes and purges, verify names the
 * first block that was altered (in any one record), removed or forged, and a block retried after
 * a lost acknowledgment is stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startTestNats, type TestNats } from '../support/nats.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { publishAcksFor } from '../../runtime/transport/publish-acks.ts';
import type { StreamDeclaration } from '../../runtime/compile/streams.ts';
import { AuditChain, loadHead } from '../../runtime/operations/audit/chain.ts';
import { recordOperatorAction } from '../../runtime/operations/audit/operator-actions.ts';
import { verifyChain } from '../../runtime/operations/audit/verify.ts';
import { decodeEntry, encodeEntry, entryHash, type AuditBlock, type AuditEntry, type AuditRecord } from '../../runtime/operations/audit/entry.ts';
import { blockDraft } from '../../runtime/operations/audit/auditor.ts';

const audit = (name: string, deny: boolean): StreamDeclaration => ({
  name,
  file: 'test',
  subjects: [name === 'AUDIT' ? 'audit.>' : `${name.toLowerCase()}.>`],
  storage: 'file',
  retention: 'limits',
  duplicateWindowMs: 60_000,
  replicas: 1,
  discard: 'old',
  denyDelete: deny,
  denyPurge: deny,
});

let nats: TestNats;
const extra: NatsConnection[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  await ensureStreams(nats.jsm, [audit('AUDIT', true)]);
});
afterAll(async () => {
  for (const c of extra) await c.close().catch(() => undefined);
  await nats?.close();
});

/** The blocks stored in `stream` (this file writes no v1 entries). */
async function entries(stream: string): Promise<AuditBlock[]> {
  const info = await nats.jsm.streams.info(stream);
  const out: AuditBlock[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    const e = m ? decodeEntry(m.data) : 'gone';
    if (typeof e !== 'string' && e.v === 2) out.push(e);
  }
  return out;
}

describe('audit chain', () => {
  it('three writers on their own connections, appending at once, make one unbroken chain with every block once', async () => {
    const writers = await Promise.all(
      [0, 1, 2].map(async () => {
        const nc = await connect({ servers: nats.url });
        extra.push(nc);
        return new AuditChain(publishAcksFor(nc).publish, await jetstreamManager(nc));
      }),
    );
    const record = (i: number, n: number, r: number): AuditRecord => ({ kind: 'partner-transaction', direction: 'in', partner: `p${i}`, keys: [`K-${i}-${n}-${r}`], time: new Date().toISOString(), actor: 'crossdock' });
    // Three records a block: a block is sealed and published whole.
    const draft = (i: number, n: number) => () => ({ records: [0, 1, 2].map((r) => record(i, n, r)), msgId: `t:${i}:${n}` });
    // Single appends and pipelined rounds of ten, all at once: refused rounds are redrafted.
    await Promise.all(
      writers.map((w, i) =>
        Promise.all([
          ...Array.from({ length: 10 }, (_, n) => w.append(draft(i, n))),
          ...Array.from({ length: 3 }, (_, r) => w.appendMany(Array.from({ length: 10 }, (_, n) => draft(i, 10 + r * 10 + n)))),
        ]),
      ),
    );
    const all = await entries('AUDIT');
    expect(all).toHaveLength(120);
    const keys = all.flatMap((e) => e.records.map((r) => r.keys[0]));
    expect(keys).toHaveLength(360);
    expect(new Set(keys).size).toBe(360);
    // A block's records stay together and in their order.
    for (const e of all) expect(e.records.map((r) => (r.keys[0] as string).slice(-2))).toEqual(['-0', '-1', '-2']);
    all.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      if (i > 0) expect(e.prev).toBe(all[i - 1]!.hash);
    });
    // The writers really collided: without the expected-sequence check this chain would fork.
    expect(writers.reduce((n, w) => n + w.stats.conflicts, 0)).toBeGreaterThan(0);
    const v = await verifyChain(nats.js, nats.jsm);
    expect(v).toMatchObject({ ok: true, blocks: 120, records: 360, headSeq: 120, headHash: all[119]!.hash });
  });

  it('a pipelined round whose first entry lost its slot to another writer does not land its later entries on the stranger', async () => {
    const a = new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm);
    const b = new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm);
    const staleHead = await a.currentHead();
    const rec = (k: string) => () => ({ records: [{ kind: 'erp-posting' as const, keys: [k], time: new Date().toISOString(), actor: 'crossdock' }], msgId: `slot:${k}` });
    // B takes the slot A's first entry expects; A's second entry expects exactly B's sequence.
    expect((await b.append(rec('B'))).status).toBe('appended');
    const outs = await a.appendMany([rec('A1'), rec('A2')]);
    expect(outs.map((o) => o.status)).toEqual(['appended', 'appended']);
    expect(a.stats.conflicts).toBeGreaterThan(0);
    const tail = (await entries('AUDIT')).slice(-3);
    expect(tail.map((e) => e.records[0]!.keys[0])).toEqual(['B', 'A1', 'A2']);
    expect(tail[0]!.seq).toBe(staleHead.seq + 1);
    expect((await verifyChain(nats.js, nats.jsm)).ok).toBe(true);
  });

  it('records who did an operator action, and a source cursor moves only with its stream', async () => {
    const chain = new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm);
    const src = await chain.append(() => ({ records: [{ kind: 'financial-posting', direction: 'out', partner: 'acme', keys: ['INV-1'], time: new Date().toISOString(), actor: 'crossdock' }], msgId: 'audit:ERP:7-7', source: { stream: 'ERP', seq: 7 } }));
    expect(src.status).toBe('appended');
    const e = await recordOperatorAction(nats.nc, { actor: 'alice', action: 'dlq.replay', target: 'DLQ:42', note: 'fixed the SKU map', keys: ['SO-1'] });
    // A block of one record: the action.
    expect(e.records).toHaveLength(1);
    expect(e.records[0]).toMatchObject({ kind: 'operator-action', actor: 'alice', action: 'dlq.replay', target: 'DLQ:42', note: 'fixed the SKU map', keys: ['SO-1'] });
    expect(e.cursor).toEqual({ ERP: 7 });
    expect((await entries('AUDIT')).at(-1)).toEqual(JSON.parse(JSON.stringify(e)));
    const head = await loadHead(nats.jsm);
    expect(head).toEqual({ seq: e.seq, hash: e.hash, cursor: { ERP: 7 } });
    // A writer whose head shows ERP:7 recorded drafts nothing for it.
    const again = await new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm).append((h) => ((h.cursor.ERP ?? 0) >= 7 ? undefined : { records: [{ kind: 'financial-posting', keys: [], time: '', actor: '' }], msgId: 'x' }));
    expect(again.status).toBe('skipped');
    await expect(recordOperatorAction(nats.nc, { actor: 'alice', action: 'Replay Everything', target: 'x' })).rejects.toThrow(/dotted lower-case/);
  });

  it('the audit stream refuses deleting an entry and purging', async () => {
    await expect(nats.jsm.streams.deleteMessage('AUDIT', 3)).rejects.toThrow();
    await expect(nats.jsm.streams.purge('AUDIT')).rejects.toThrow();
    expect((await verifyChain(nats.js, nats.jsm)).ok).toBe(true);
  });

  it('denyDelete/denyPurge: unchanged on every start, turned on in place, refused to be turned off', async () => {
    expect(await ensureStreams(nats.jsm, [audit('AUDIT', true)])).toEqual([{ stream: 'AUDIT', action: 'unchanged', fields: [] }]);
    await ensureStreams(nats.jsm, [audit('LATER', false)]);
    expect(await ensureStreams(nats.jsm, [audit('LATER', true)])).toEqual([{ stream: 'LATER', action: 'updated', fields: ['deny_delete', 'deny_purge'] }]);
    await expect(ensureStreams(nats.jsm, [audit('AUDIT', false)])).rejects.toThrow(/differs from the server in deny_delete, deny_purge and JetStream refused/);
  });

  describe('verify names the first block that does not verify, in a copy of the log', () => {
    let copy = 0;
    /** The log copied into a stream that allows deletes, with `change` applied to the copy. */
    async function copyWith(change: (entries: AuditBlock[]) => (AuditEntry | Uint8Array)[]): Promise<string> {
      const name = `TAMPER${++copy}`;
      await ensureStreams(nats.jsm, [audit(name, false)]);
      for (const item of change(await entries('AUDIT'))) await nats.js.publish(`${name.toLowerCase()}.x`, item instanceof Uint8Array ? item : encodeEntry(item));
      return name;
    }

    it('an intact copy verifies', async () => {
      const name = await copyWith((es) => es);
      expect(await verifyChain(nats.js, nats.jsm, name)).toMatchObject({ ok: true, blocks: 125, records: 365 });
    });

    it("a block altered in one record: the block's sequence, as altered", async () => {
      const name = await copyWith((es) => es.map((e) => (e.seq === 17 ? { ...e, records: e.records.map((r, i) => (i === 1 ? { ...r, partner: 'someone-else' } : r)) } : e)));
      expect(await verifyChain(nats.js, nats.jsm, name)).toMatchObject({ ok: false, blocks: 16, records: 48, broken: { seq: 17, reason: expect.stringMatching(/altered/) } });
    });

    it('a block with one record removed: altered', async () => {
      const name = await copyWith((es) => es.map((e) => (e.seq === 20 ? { ...e, records: e.records.slice(1) } : e)));
      expect(await verifyChain(nats.js, nats.jsm, name)).toMatchObject({ ok: false, broken: { seq: 20, reason: expect.stringMatching(/altered/) } });
    });

    it('an altered entry with its own hash recomputed: the next entry no longer points at it', async () => {
      const name = await copyWith((es) =>
        es.map((e) => {
          if (e.seq !== 30) return e;
          const forged = { ...e, records: e.records.map((r) => ({ ...r, actor: 'mallory' })) };
          return { ...forged, hash: entryHash(forged) };
        }),
      );
      expect(await verifyChain(nats.js, nats.jsm, name)).toMatchObject({ ok: false, broken: { seq: 31, reason: expect.stringMatching(/prev/) } });
    });

    it('a deleted entry: the gap', async () => {
      const name = await copyWith((es) => es);
      await nats.jsm.streams.deleteMessage(name, 50);
      expect(await verifyChain(nats.js, nats.jsm, name)).toMatchObject({ ok: false, blocks: 49, broken: { seq: 50, reason: expect.stringMatching(/deleted/) } });
    });

    it('a forged message: not an entry', async () => {
      const name = await copyWith((es) => [...es.slice(0, 60), new TextEncoder().encode('{"kind":"partner-transaction"}'), ...es.slice(60)]);
      expect(await verifyChain(nats.js, nats.jsm, name)).toMatchObject({ ok: false, broken: { seq: 61, reason: expect.stringMatching(/not an audit entry/) } });
    });
  });

  describe('a block whose acknowledgment was lost', () => {
    const group = [11, 12, 14].map((seq) => ({
      seq,
      record: { kind: 'partner-transaction' as const, direction: 'in' as const, partner: 'acme', keys: [`PO-${seq}`], source: { stream: 'EDI', seq }, time: new Date().toISOString(), actor: 'crossdock' },
    }));
    const make = (h: Parameters<typeof blockDraft>[2]) => blockDraft('EDI', group, h);

    it('retried on the head it was drafted on (the writer never learnt it was stored): a duplicate, stored once', async () => {
      const writer = new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm);
      const head = await writer.currentHead();
      // The first attempt, stored, its acknowledgment lost: published as the writer would have.
      const first = await new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm).append(make);
      expect(first).toMatchObject({ status: 'appended', entry: { seq: head.seq + 1 } });
      // The retry: the same block on the same (now stale) head, the same message id.
      const retry = await writer.append(make);
      expect(retry).toEqual({ status: 'duplicate', seq: head.seq + 1 });
      expect(writer.stats).toMatchObject({ appended: 0, duplicates: 1 });
      const mine = (await entries('AUDIT')).filter((e) => e.records.some((r) => r.source?.stream === 'EDI'));
      expect(mine.map((e) => e.records.map((r) => r.source?.seq))).toEqual([[11, 12, 14]]);
      // Its next append knows the head again: nothing is recorded twice, the chain goes on.
      expect(await writer.append(make)).toEqual({ status: 'skipped' });
      expect(await verifyChain(nats.js, nats.jsm)).toMatchObject({ ok: true, headSeq: head.seq + 1 });
    });

    it('retried after reloading the head: skipped, the cursor shows it recorded', async () => {
      const before = await loadHead(nats.jsm);
      expect(await new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm).append(make)).toEqual({ status: 'skipped' });
      expect(await loadHead(nats.jsm)).toEqual(before);
    });

    it('a redraft that holds fewer records has another id, so it is not taken for the stored block', async () => {
      const more = [...group, { seq: 15, record: { ...group[0]!.record, keys: ['PO-15'], source: { stream: 'EDI', seq: 15 } } }];
      const out = await new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm).append((h) => blockDraft('EDI', more, h));
      expect(out.status).toBe('appended');
      const e = (out as { entry: AuditBlock }).entry;
      expect(e.records.map((r) => r.source?.seq)).toEqual([15]);
      expect(e.cursor.EDI).toBe(15);
    });
  });
});
