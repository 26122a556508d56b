/**
 * Blocks on a real nats-server: the auditor appends one block per group it reads (cut by count
 * and by bytes), three auditors at once record every source message exactly once in one chain,
 * a log of v1 entries followed by blocks verifies and is indexed one row per record, and an
 * index of the format before blocks is emptied and folded again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import pino from 'pino';
import { open } from 'lmdb';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { hdrs, startTestNats, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { Auditor } from '../../runtime/operations/audit/auditor.ts';
import { AuditChain, loadHead } from '../../runtime/operations/audit/chain.ts';
import { decodeEntry, entryHash, GENESIS_HASH, recordsOf, type AuditEntry, type AuditRecord } from '../../runtime/operations/audit/entry.ts';
import { AuditIndex } from '../../runtime/operations/audit/index-store.ts';
import { IndexFollower } from '../../runtime/operations/audit/index-follower.ts';
import { verifyChain } from '../../runtime/operations/audit/verify.ts';
import { TRACE_KEYS } from '../../runtime/components/header-names.ts';
import { publishAcksFor } from '../../runtime/transport/publish-acks.ts';

let nats: TestNats;
const extra: NatsConnection[] = [];
const logger = pino({ level: 'warn' });

beforeAll(async () => {
  nats = await startTestNats();
  await nats.jsm.streams.add({ name: 'AUDIT', subjects: ['audit.>'], duplicate_window: 60_000_000_000 });
  for (const [name, subject] of [
    ['CHANNEL', 'channel.>'],
    ['ERP', 'erp.>'],
    ['WMS', 'wms.>'],
    ['EDI', 'edi.in.>'],
    ['INVENTORY', 'inventory.>'],
  ] as const)
    await nats.jsm.streams.add({ name, subjects: [subject] });
});
afterAll(async () => {
  for (const c of extra) await c.close().catch(() => undefined);
  await nats?.close();
});

/** Every entry in AUDIT, with its stored size and message id. */
async function stored(): Promise<{ entry: AuditEntry; bytes: number; msgId: string | undefined }[]> {
  const info = await nats.jsm.streams.info('AUDIT');
  const out: { entry: AuditEntry; bytes: number; msgId: string | undefined }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await nats.jsm.streams.getMessage('AUDIT', { seq });
    const e = decodeEntry(m!.data);
    if (typeof e === 'string') throw new Error(`AUDIT ${seq}: ${e}`);
    out.push({ entry: e, bytes: m!.data.length, msgId: m!.header?.get('Nats-Msg-Id') });
  }
  return out;
}

/** The source sequences each block of `stream` holds, block by block. */
async function blocksOf(stream: string): Promise<number[][]> {
  return (await stored()).map((s) => recordsOf(s.entry).filter((r) => r.source?.stream === stream).map((r) => r.source!.seq)).filter((seqs) => seqs.length > 0);
}

/** Runs an auditor over `streams` until the chain's cursor for `stream` reaches `seq`. */
async function audit(stream: string, seq: number): Promise<Auditor> {
  const auditor = new Auditor({ js: nats.js, chain: new AuditChain(publishAcksFor(nats.nc).publish, nats.jsm), streams: [stream], logger });
  await auditor.start();
  try {
    await waitFor(`${stream} recorded through ${seq}`, async () => ((await loadHead(nats.jsm)).cursor[stream] ?? 0) >= seq, 20_000);
  } finally {
    await auditor.stop();
  }
  return auditor;
}

async function publishMany(subject: string, n: number, body: (i: number) => object, headers?: Record<string, string>): Promise<number> {
  let last = 0;
  for (let i = 0; i < n; i += 50) {
    const acks = await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => nats.js.publish(subject, JSON.stringify(body(i + k)), headers ? { headers: hdrs(headers) } : {})));
    last = acks.at(-1)!.seq;
  }
  return last;
}

describe('a log written before blocks (v1 entries), then blocks', () => {
  const channelRecord = (seq: number): AuditRecord => ({
    kind: 'partner-transaction',
    direction: 'in',
    partner: 'shopify',
    documentType: 'orders.created',
    keys: [`#${1000 + seq}`],
    subject: 'channel.shopify.orders.created',
    source: { stream: 'CHANNEL', seq },
    bodySha256: 'ab'.repeat(32),
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    actor: 'crossdock',
  });
  const indexDir = tempDir('audit-index');

  it('an auditor resumes after the v1 entries: the chain verifies across both, and counts blocks and records', async () => {
    await publishMany('channel.shopify.orders.created', 5, (i) => ({ name: `#${1001 + i}` }));
    // What a runner before blocks wrote: CHANNEL 1..3, then an operator action, one entry each.
    let prev = GENESIS_HASH;
    const v1: Record<string, unknown>[] = [];
    for (const [n, record, cursor] of [
      [1, channelRecord(1), { CHANNEL: 1 }],
      [2, channelRecord(2), { CHANNEL: 2 }],
      [3, channelRecord(3), { CHANNEL: 3 }],
      [4, { kind: 'operator-action', keys: ['#1002'], time: '2026-01-01T00:01:00.000Z', actor: 'alice', action: 'dlq.replay', target: 'DLQ:9' }, { CHANNEL: 3 }],
    ] as const) {
      const unsealed = { ...record, v: 1 as const, seq: n, cursor, prev };
      const entry = { ...unsealed, hash: entryHash(unsealed) };
      await nats.js.publish(`audit.${record.kind}.x`, JSON.stringify(entry), { msgID: `audit:v1:${n}`, expect: { lastSequence: n - 1 } });
      v1.push(entry);
      prev = entry.hash;
    }
    await audit('CHANNEL', 5);
    const all = await stored();
    expect(all.map((s) => s.entry.v)).toEqual([1, 1, 1, 1, 2]);
    const block = all[4]!.entry;
    expect(block).toMatchObject({ seq: 5, prev, cursor: { CHANNEL: 5 } });
    expect(recordsOf(block).map((r) => [r.source?.seq, r.keys])).toEqual([
      [4, ['#1004']],
      [5, ['#1005']],
    ]);
    expect(all[4]!.msgId).toBe('audit:CHANNEL:4-5');
    expect(await verifyChain(nats.js, nats.jsm)).toMatchObject({ ok: true, blocks: 5, records: 6, headSeq: 5, headHash: block.hash });
  });

  it('is indexed one row per record: v1 entries as row [seq, 0], block records as [seq, i] with the block hash', async () => {
    const index = AuditIndex.open(indexDir);
    try {
      await new IndexFollower(nats.js, index).catchUp(5);
      expect(index.lastSeq).toBe(5);
      const all = index.query({ limit: 100 });
      expect(all.map((e) => `${e.seq}.${e.index}`).sort()).toEqual(['1.0', '2.0', '3.0', '4.0', '5.0', '5.1']);
      const blockHash = (await stored())[4]!.entry.hash;
      expect(index.query({ key: '#1005', limit: 10 })).toEqual([expect.objectContaining({ seq: 5, index: 1, hash: blockHash, source: { stream: 'CHANNEL', seq: 5 }, kind: 'partner-transaction' })]);
      // A v1 entry's row is its record, without the chain's fields but seq and hash.
      const [v1] = index.query({ key: '#1002', kind: 'partner-transaction', limit: 10 });
      expect(v1).toEqual({ ...channelRecord(2), seq: 2, index: 0, hash: (await stored())[1]!.entry.hash });
      expect(index.query({ key: '#1002', limit: 10 }).map((e) => e.kind).sort()).toEqual(['operator-action', 'partner-transaction']);
    } finally {
      await index.close();
    }
  });

  it('an index of the format before blocks is emptied on open and folded again from the stream', async () => {
    const file = join(indexDir, 'audit-index', 'index.lmdb');
    const raw = open({ path: file, maxDbs: 8 });
    const meta = raw.openDB<number, string>({ name: 'meta' });
    // What the earlier format left: no format mark, a row per entry keyed by sequence.
    await meta.remove('format');
    await raw.openDB<unknown, number>({ name: 'entries' }).put(99, { kind: 'erp-posting', keys: ['stale'] });
    await raw.close();
    const index = AuditIndex.open(indexDir);
    try {
      expect(index.lastSeq).toBe(0);
      expect(index.query({ limit: 100 })).toEqual([]);
      await new IndexFollower(nats.js, index).catchUp(5);
      expect(index.query({ limit: 100 }).map((e) => `${e.seq}.${e.index}`).sort()).toEqual(['1.0', '2.0', '3.0', '4.0', '5.0', '5.1']);
    } finally {
      await index.close();
    }
  });
});

describe('the auditor appends one block per group', () => {
  it('a group of 64 messages is one block of 64 records, in order, its id naming the range', async () => {
    const last = await publishMany('erp.invoices.acme', 64, (i) => ({ invoiceNumber: `INV-${i}` }));
    const auditor = await audit('ERP', last);
    const blocks = await blocksOf('ERP');
    expect(blocks).toEqual([Array.from({ length: 64 }, (_, i) => i + 1)]);
    expect((await stored()).at(-1)!.msgId).toBe('audit:ERP:1-64');
    expect(auditor.stats).toMatchObject({ seen: 64, recorded: 64, alreadyRecorded: 0 });
  });

  it('a backlog of 300 is two blocks: 256 records, then 44', async () => {
    const last = await publishMany('wms.shipments.DC-1', 300, (i) => ({ shipmentId: `SH-${i}` }));
    await audit('WMS', last);
    expect((await blocksOf('WMS')).map((b) => b.length)).toEqual([256, 44]);
  });

  it('records naming many long keys are cut into blocks of at most 256 kB, none left out', async () => {
    const names = Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`key${k}`, `${String(k).repeat(120)}`]));
    const last = await publishMany('edi.in.850.acme', 256, (i) => ({ poNumber: `PO-${i}` }), { [TRACE_KEYS]: JSON.stringify(names) });
    const before = (await stored()).length;
    await audit('EDI', last);
    const blocks = (await stored()).slice(before);
    expect(blocks.length).toBeGreaterThan(1);
    for (const b of blocks) expect(b.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(blocks.flatMap((b) => recordsOf(b.entry).map((r) => r.source!.seq))).toEqual(Array.from({ length: 256 }, (_, i) => i + 1));
    expect(recordsOf(blocks[0]!.entry)[0]!.keys).toHaveLength(8);
  });

  it('three auditors at once make one unbroken chain with every source message recorded exactly once', async () => {
    const auditors = await Promise.all(
      [0, 1, 2].map(async () => {
        const nc = await connect({ servers: nats.url });
        extra.push(nc);
        const js = jetstream(nc);
        const a = new Auditor({ js, chain: new AuditChain(publishAcksFor(nc).publish, await jetstreamManager(nc)), streams: ['INVENTORY'], logger });
        await a.start();
        return a;
      }),
    );
    const expected: number[] = [];
    try {
      for (let burst = 0; burst < 12; burst++) {
        const acks = await Promise.all(Array.from({ length: 50 }, (_, k) => nats.js.publish(`inventory.position.DC-${k % 3}`, JSON.stringify({ sku: `SKU-${burst}-${k}`, onHand: k }))));
        expected.push(...acks.map((a) => a.seq));
        // Not recorded: the availability view's working traffic.
        await nats.js.publish('inventory.reservation.created', JSON.stringify({ id: `R-${burst}` }));
        await new Promise((r) => setTimeout(r, 30 + burst * 10));
      }
      await waitFor('every position recorded', async () => ((await loadHead(nats.jsm)).cursor.INVENTORY ?? 0) >= expected.at(-1)!, 30_000);
    } finally {
      await Promise.all(auditors.map((a) => a.stop()));
    }
    const blocks = await blocksOf('INVENTORY');
    expect(blocks.flat()).toEqual(expected);
    // Grouped, not one block a message.
    expect(blocks.length).toBeLessThan(expected.length / 4);
    // Each record counted by exactly one auditor; the others found it recorded.
    expect(auditors.reduce((n, a) => n + a.stats.recorded, 0)).toBe(expected.length);
    // They really raced: without the expected-sequence check the chain would fork.
    expect(auditors.reduce((n, a) => n + a.stats.alreadyRecorded, 0)).toBeGreaterThan(0);
    const all = await stored();
    all.forEach((s, i) => {
      expect(s.entry.seq).toBe(i + 1);
      if (i > 0) expect(s.entry.prev).toBe(all[i - 1]!.entry.hash);
    });
    expect(await verifyChain(nats.js, nats.jsm)).toMatchObject({ ok: true, blocks: all.length, records: all.reduce((n, s) => n + recordsOf(s.entry).length, 0) });
  }, 60_000);
});
