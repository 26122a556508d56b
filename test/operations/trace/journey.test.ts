/**
 * The trace index without NATS: hops made from stored messages (headers and body as the
 * runner writes them), committed into a real LMDB file, and journeys walked from one key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hopOf, type Hop, type HopRules, type StoredMessage } from '../../../runtime/operations/trace/hop.ts';
import { TraceDb } from '../../../runtime/operations/trace/store.ts';
import { journeyOf } from '../../../runtime/operations/trace/journey.ts';
import { traceKeyFields } from '../../../runtime/compile/trace-keys.ts';
import { REPO } from '../../support/project.ts';

const rules: HopRules = { keyFields: new Set(traceKeyFields(join(REPO, 'schemas')).map((k) => k.field)), exceptionsPrefix: 'exceptions.', deadLetterPrefix: 'dlq.' };
const T0 = Date.parse('2026-03-03T07:02:00Z');

/**
 * A message as stored: our outputs (a Crossdock-Pipeline header) name their body's keys in
 * Crossdock-Trace-Keys, as the jetstream output writes it; the index itself sees headers only.
 */
function msg(stream: string, seq: number, subject: string, minutes: number, headers: Record<string, string>, body: Record<string, unknown>): StoredMessage {
  const keys = Object.fromEntries(Object.entries(body).filter(([k]) => rules.keyFields.has(k)));
  const h = headers['Crossdock-Pipeline'] && Object.keys(keys).length > 0 ? { ...headers, 'Crossdock-Trace-Keys': JSON.stringify(keys) } : headers;
  return { stream, seq, subject, time: T0 + minutes * 60_000, headers: (n) => h[n] };
}

/** A Shopify order's day as the shipped pipelines store it, plus an unrelated order. */
function day(): Hop[] {
  const m = [
    msg('CHANNELS', 1, 'channel.shopify.orders.created', 0, { 'X-Correlation-Id': 'c-web', 'Crossdock-Pipeline': 'shopify-webhooks', 'Crossdock-Source-Key': 'http:wh-0702', 'Nats-Msg-Id': 'shopify-webhook:wh-0702' }, { id: 820001, name: '#8001' }),
    msg('ERP', 1, 'erp.salesorders.shopify', 0.01, { 'X-Correlation-Id': 'c-web', 'Crossdock-Pipeline': 'shopify-orders', 'Crossdock-Source-Key': 'CHANNELS:1', 'Nats-Msg-Id': 'shopify:820001' }, { externalId: '820001', orderNumber: '#8001', channel: 'shopify' }),
    msg('ERP', 2, 'erp.posted.salesorders.shopify', 0.5, { 'X-Correlation-Id': 'c-web', 'Crossdock-Pipeline': 'erp-post-salesorders', 'Crossdock-Source-Key': 'ERP:1' }, { externalId: '820001', orderNumber: '#8001', erpOrderNumber: 'SO-100000' }),
    // The same order again from a second webhook: reported as a duplicate of ERP:1.
    msg('CHANNELS', 2, 'channel.shopify.orders.created', 60, { 'X-Correlation-Id': 'c-again', 'Crossdock-Pipeline': 'shopify-webhooks', 'Crossdock-Source-Key': 'http:wh-0803' }, { id: 820001, name: '#8001' }),
    msg('EXCEPTIONS', 1, 'exceptions.duplicate-order.shopify', 60.01, { 'X-Correlation-Id': 'c-again', 'Crossdock-Pipeline': 'shopify-orders', 'Crossdock-Source-Key': 'CHANNELS:2', 'Crossdock-Duplicate-Of': 'ERP:1' }, { type: 'duplicate', documents: [] }),
    // The warehouse ships it: a new correlation id, joined by the order number.
    msg('WMS', 1, 'wms.shipments.DC-EAST', 300, { 'X-Correlation-Id': 'c-wms' }, { shipmentNumber: 'X' }),
    msg('ERP', 3, 'erp.shipments.shopify', 300.02, { 'X-Correlation-Id': 'c-wms', 'Crossdock-Pipeline': 'wms-shipments', 'Crossdock-Source-Key': 'WMS:1' }, { shipmentId: 'SHP-1', orderNumber: '#8001', channel: 'shopify' }),
    msg('CHANNELS', 3, 'channel.shopify.fulfillments.create', 300.05, { 'X-Correlation-Id': 'c-wms', 'Crossdock-Pipeline': 'shopify-fulfillments', 'Crossdock-Source-Key': 'ERP:3' }, { fulfillment: { order_id: 820001 } }),
    // Another order, and a dead letter of a third.
    msg('ERP', 4, 'erp.salesorders.shopify', 400, { 'X-Correlation-Id': 'c-other', 'Crossdock-Pipeline': 'shopify-orders', 'Crossdock-Source-Key': 'CHANNELS:4' }, { externalId: '820002', orderNumber: '#8002' }),
    msg('DLQ', 1, 'dlq.erp-post-salesorders', 401, { 'X-Correlation-Id': 'c-other', 'Crossdock-Pipeline': 'erp-post-salesorders', 'Crossdock-Source-Stream': 'ERP', 'Crossdock-Source-Seq': '4', 'Crossdock-Step': 'http erp', 'Crossdock-Reason': 'ERP answered 422' }, { externalId: '820002', orderNumber: '#8002' }),
  ];
  return m.map((x) => hopOf(x, rules));
}

/** Commits and waits for the commit, as reads see only committed data. */
async function fold(db: TraceDb, hops: readonly Hop[]): Promise<number> {
  const r = db.commit(hops);
  await r.committed;
  return r.written;
}

const dirs: string[] = [];
function freshDb(): TraceDb {
  const d = mkdtempSync(join(tmpdir(), 'trace-test-'));
  dirs.push(d);
  return TraceDb.open(d);
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('hops', () => {
  it('take keys from the canonical schemas, and the outcome, links and failure from headers', () => {
    expect([...rules.keyFields].sort()).toEqual(['erpOrderNumber', 'externalId', 'externalOrderId', 'invoiceNumber', 'orderNumber', 'poNumber', 'releaseId', 'rmaNumber', 'sellerOrderNumber', 'shipmentId']);
    const [webhook, order, posted, , dup, , , , , dead] = day();
    expect(webhook).toMatchObject({ pipeline: 'shopify-webhooks', source: 'http:wh-0702', outcome: 'delivered', keys: {} });
    expect(order).toMatchObject({ pipeline: 'shopify-orders', source: 'CHANNELS:1', keys: { externalId: '820001', orderNumber: '#8001' }, msgId: 'shopify:820001' });
    expect(posted!.keys).toEqual({ externalId: '820001', orderNumber: '#8001', erpOrderNumber: 'SO-100000' });
    expect(dup).toMatchObject({ outcome: 'duplicate', duplicateOf: 'ERP:1' });
    expect(dead).toMatchObject({ outcome: 'dead-lettered', source: 'ERP:4', step: 'http erp', reason: 'ERP answered 422', keys: { orderNumber: '#8002' } });
  });

  it("keys come from our outputs' Crossdock-Trace-Keys header, only the declared fields; a malformed header gives none", () => {
    const at = (headers: Record<string, string>) => hopOf({ stream: 'S', seq: 1, subject: 's', time: 0, headers: (n) => headers[n] }, rules).keys;
    expect(at({ 'Crossdock-Trace-Keys': '{"orderNumber":"#1","notAKey":"x","poNumber":7,"shipmentId":{"x":1}}' })).toEqual({ orderNumber: '#1', poNumber: '7' });
    expect(at({ 'Crossdock-Trace-Keys': '{"orderNumber":' })).toEqual({});
    expect(at({ 'Crossdock-Trace-Keys': '["#1"]' })).toEqual({});
    expect(at({ 'Crossdock-Trace-Keys': `{"orderNumber":"${'x'.repeat(201)}"}` })).toEqual({});
    expect(at({})).toEqual({});
  });
});

describe('journeys', () => {
  it('one key finds every hop of the order in time order, across correlation ids, with the time between hops', async () => {
    const db = freshDb();
    await fold(db, day());
    const j = journeyOf(db, '#8001');
    expect(j.matchedAs).toEqual(['orderNumber']);
    expect(j.hops.map((h) => [`${h.stream}:${h.seq}`, h.pipeline ?? '-', h.outcome])).toEqual([
      ['CHANNELS:1', 'shopify-webhooks', 'delivered'],
      ['ERP:1', 'shopify-orders', 'delivered'],
      ['ERP:2', 'erp-post-salesorders', 'delivered'],
      ['CHANNELS:2', 'shopify-webhooks', 'delivered'],
      ['EXCEPTIONS:1', 'shopify-orders', 'duplicate'],
      ['WMS:1', '-', 'delivered'],
      ['ERP:3', 'wms-shipments', 'delivered'],
      ['CHANNELS:3', 'shopify-fulfillments', 'delivered'],
    ]);
    expect(j.hops.map((h) => h.sincePreviousMs)).toEqual([0, 600, 29_400, 3_570_000, 600, 14_399_400, 1_200, 1_800]);
    expect(j.spanMs).toBe(300.05 * 60_000);
    expect(j.truncated).toBe(false);
    // The warehouse's own message carries no key of ours: it is reached as the shipment's source.
    expect(j.hops.find((h) => h.stream === 'WMS')?.keys).toEqual({});
  });

  it('the ERP order number, the channel order id and a correlation id find the same journey', async () => {
    const db = freshDb();
    await fold(db, day());
    const ids = (k: string) => journeyOf(db, k).hops.map((h) => `${h.stream}:${h.seq}`);
    expect(ids('SO-100000')).toEqual(ids('#8001'));
    expect(ids('820001')).toEqual(ids('#8001'));
    expect(journeyOf(db, 'SO-100000').matchedAs).toEqual(['erpOrderNumber']);
    expect(journeyOf(db, 'c-wms').matchedAs).toEqual(['correlationId']);
    expect(ids('c-wms')).toEqual(ids('#8001'));
    // The other order, with its dead letter, is a journey of its own.
    expect(ids('#8002')).toEqual(['ERP:4', 'DLQ:1']);
    expect(journeyOf(db, 'nothing-like-it').hops).toEqual([]);
  });

  it('a correlation id finds hops but is not followed: two documents of one EDI file stay two journeys', async () => {
    const db = freshDb();
    const file = { 'X-Correlation-Id': 'c-file', 'Crossdock-Pipeline': 'edi-inbound', 'Crossdock-Source-Key': 'file:abc' };
    await fold(db, [
      hopOf(msg('EDI', 1, 'edi.in.855.X', 0, file, { poNumber: 'PO-1' }), rules),
      hopOf(msg('EDI', 2, 'edi.in.855.X', 0, file, { poNumber: 'PO-2' }), rules),
    ]);
    expect(journeyOf(db, 'PO-1').hops.map((h) => h.seq)).toEqual([1]);
    expect(journeyOf(db, 'c-file').hops.map((h) => h.seq)).toEqual([1, 2]);
  });

  it('is emptied at open after a host reboot (it was written without fsync) and folded again', async () => {
    const d = mkdtempSync(join(tmpdir(), 'trace-test-'));
    dirs.push(d);
    const db = TraceDb.open(d);
    await fold(db, day());
    await db.close();
    const again = TraceDb.open(d);
    expect(again.position('ERP')).toBe(4);
    await again.close();
    if (!existsSync('/proc/sys/kernel/random/boot_id')) return;
    writeFileSync(join(d, 'trace', 'boot-id'), 'another-boot\n');
    const afterReboot = TraceDb.open(d);
    expect(afterReboot.position('ERP')).toBe(0);
    expect(afterReboot.dump().hops).toEqual([]);
    await afterReboot.close();
  });

  it('the walk stops at its limit and says so', async () => {
    const db = freshDb();
    await fold(db, day());
    const j = journeyOf(db, '#8001', 3);
    expect(j.hops).toHaveLength(3);
    expect(j.truncated).toBe(true);
  });

  it('folds each sequence once: a batch seen again (a redelivery after a crash) changes nothing', async () => {
    const a = freshDb();
    const hops = day();
    expect(await fold(a, hops.slice(0, 6))).toBe(6);
    expect(await fold(a, hops)).toBe(4);
    expect(await fold(a, hops)).toBe(0);
    const b = freshDb();
    await fold(b, hops);
    expect(a.dump()).toEqual(b.dump());
    expect(a.position('ERP')).toBe(4);
    expect(a.position('CHANNELS')).toBe(3);
  });
});
