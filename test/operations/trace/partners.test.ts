/** Partner onboarding in the trace index: first document and first success, whatever order the streams fold in. */
import { afterEach, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { tempDir } from '../../support/nats.ts';
import type { Hop } from '../../../runtime/operations/trace/hop.ts';
import { TraceDb } from '../../../runtime/operations/trace/store.ts';
import { partnerDocument } from '../../../runtime/operations/kpi/partners.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const hop = (stream: string, seq: number, subject: string, time: number, extra: Partial<Hop> = {}): Hop => ({ stream, seq, subject, time, outcome: 'delivered', keys: {}, ...extra });
// Two EDI documents from acme dropped as files: the first dead-lettered, the second posted.
const docs = [hop('EDI', 1, 'edi.in.850.acme', 1000, { pipeline: 'edi-inbound', source: 'file:a.edi' }), hop('EDI', 2, 'edi.in.850.acme', 2000, { pipeline: 'edi-inbound', source: 'file:b.edi' })];
const made = [hop('DLQ', 1, 'dlq.edi-retail-orders', 1500, { outcome: 'dead-lettered', pipeline: 'edi-retail-orders', source: 'EDI:1' }), hop('ERP', 1, 'erp.salesorders.edi-acme', 2600, { pipeline: 'edi-retail-orders', source: 'EDI:2' })];

async function partnersAfter(batches: Hop[][]): Promise<unknown> {
  const dir = tempDir('trace-partners');
  dirs.push(dir);
  const db = TraceDb.open(dir);
  for (const b of batches) db.commit(b);
  await db.committed();
  const live = db.partners();
  await db.close();
  const reopened = TraceDb.open(dir, { readOnly: true });
  expect(reopened.partners()).toEqual(live);
  await reopened.close();
  return live;
}

it('records the first document and the first document finished without a dead letter', async () => {
  expect(await partnersAfter([docs, made])).toEqual([{ partner: 'acme', firstSeen: 1000, firstSuccess: 2600 }]);
});

it('ends the same when what was made from a document is folded before the document (another stream)', async () => {
  expect(await partnersAfter([made, [docs[0] as Hop], [docs[1] as Hop]])).toEqual([{ partner: 'acme', firstSeen: 1000, firstSuccess: 2600 }]);
});

it('counts only documents entering from an edge or an outside system', () => {
  expect(partnerDocument(hop('CHANNELS', 1, 'channel.shopify.orders.created', 0, { source: 'http:wh-1' }))).toBe('shopify');
  expect(partnerDocument(hop('CHANNELS', 1, 'channel.b2b.orders.created', 0))).toBe('b2b');
  // Our own update to a channel, made from a warehouse message, is not the channel's document.
  expect(partnerDocument(hop('CHANNELS', 2, 'channel.shopify.fulfillments.create', 0, { pipeline: 'shopify-fulfillments', source: 'WMS:4' }))).toBeUndefined();
  expect(partnerDocument(hop('ERP', 1, 'erp.salesorders.shopify', 0))).toBeUndefined();
});
