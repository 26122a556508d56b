import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { businessKeys, classify } from '../../runtime/operations/audit/classify.ts';
import { QueryError, parseQuery } from '../../runtime/operations/audit/query.ts';
import { blockSubject, canonicalJson, decodeEntry, encodeEntry, entryHash, recordBytes, recordsOf, sealBlock, GENESIS_HASH, type AuditRecord } from '../../runtime/operations/audit/entry.ts';
import { blockDraft } from '../../runtime/operations/audit/auditor.ts';

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

describe('what the audit log records', () => {
  it('tells kind, direction, partner and document from the subject', () => {
    expect(classify('channel.shopify.orders.created')).toEqual({ kind: 'partner-transaction', direction: 'in', partner: 'shopify', documentType: 'orders.created' });
    expect(classify('edi.in.855.acme')).toEqual({ kind: 'partner-transaction', direction: 'in', partner: 'acme', documentType: '855' });
    expect(classify('edi.out.850.acme')).toEqual({ kind: 'partner-transaction', direction: 'out', partner: 'acme', documentType: '850' });
    expect(classify('wms.expected-receipts.DC-SOLON')).toMatchObject({ direction: 'out', partner: 'DC-SOLON' });
    expect(classify('wms.shipments.DC-SOLON')).toMatchObject({ direction: 'in' });
    expect(classify('erp.invoices.acme')).toEqual({ kind: 'financial-posting', direction: 'out', partner: 'acme', documentType: 'invoice' });
    // The ERP's invoice to a customer is a financial posting too; its 810 to the retailer a partner transaction.
    expect(classify('erp.out.invoices.edi-4405197800')).toEqual({ kind: 'financial-posting', direction: 'in', partner: 'edi-4405197800', documentType: 'invoice' });
    expect(classify('edi.out.810.4405197800')).toEqual({ kind: 'partner-transaction', direction: 'out', partner: '4405197800', documentType: '810' });
    expect(classify('erp.out.releases.DC-EAST')).toMatchObject({ kind: 'erp-posting', direction: 'in', partner: 'DC-EAST', documentType: 'releases' });
    expect(classify('wms.orders.DC-EAST')).toMatchObject({ kind: 'partner-transaction', direction: 'out', partner: 'DC-EAST', documentType: 'orders' });
    expect(classify('erp.inventory-adjustments.DC-SOLON')).toMatchObject({ kind: 'inventory-adjustment', partner: 'DC-SOLON' });
    expect(classify('erp.posted.salesorders.shopify')).toMatchObject({ kind: 'erp-posting', direction: 'in', partner: 'shopify', documentType: 'posted.salesorders' });
    expect(classify('erp.salesorders.shopify')).toMatchObject({ kind: 'erp-posting', direction: 'out', partner: 'shopify' });
    expect(classify('inventory.position.DC-SOLON')).toMatchObject({ kind: 'inventory-adjustment', partner: 'DC-SOLON', documentType: 'position' });
    expect(classify('inventory.hold.placed')).toMatchObject({ kind: 'inventory-adjustment', documentType: 'hold.placed' });
  });

  it('leaves out the availability view\'s working traffic and everything else', () => {
    for (const s of ['inventory.reservation.created', 'inventory.inbound.asn', 'inventory.location.DC1', 'availability.shopify.SKU', 'crm.shipments.x', 'exceptions.late-ack.acme', 'dlq.x', 'audit.operator-action.-', 'edi.raw']) {
      expect(classify(s), s).toBeUndefined();
    }
  });

  it('takes business keys from the message id and top-level key fields only', () => {
    expect(businessKeys(enc({ invoiceNumber: 'INV-1', poNumber: 'PO-9', lines: [{ sku: 'deep' }] }), 'inv:1')).toEqual(['inv:1', 'PO-9', 'INV-1']);
    expect(businessKeys(new TextEncoder().encode('ISA*00*~'), undefined)).toEqual([]);
    expect(businessKeys(enc({ id: 1000001, name: '#10001' }), undefined)).toEqual(['1000001', '#10001']);
  });

  it('reads the Shopify order webhook\'s own keys, not its line items\'', () => {
    const order = (JSON.parse(readFileSync(new URL('../fixtures/shopify/order.json', import.meta.url), 'utf8')) as { order: unknown }).order;
    expect(businessKeys(enc(order), 'shopify:450789469')).toEqual(['shopify:450789469', '450789469', '1001', '#1001']);
  });

  it('gives a malformed body\'s message id only, and lets a later duplicate field win, as parsing the whole body did', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(businessKeys(text('{"orderNumber":"SO-1","lines":[{"sku":"A"}'), 'm:1')).toEqual(['m:1']);
    expect(businessKeys(text('{"orderNumber":"SO-1"}}'), 'm:1')).toEqual(['m:1']);
    expect(businessKeys(text('{"orderNumber":"SO-1","poNumber":"P\\q"}'), undefined)).toEqual([]);
    expect(businessKeys(text('{"orderNumber":"SO-1","orderNumber":"SO-2","poNumber":"PO-1","poNumber":{"n":1}}'), undefined)).toEqual(['SO-2']);
    expect(businessKeys(text(' {"\\u0073ku":"S\\u00e9-1","name":"","id":1.5e3}'), undefined)).toEqual(['Sé-1', '1500']);
  });

  it('agrees with parsing the whole body on a partner document cut anywhere', () => {
    const whole = (data: Uint8Array): string[] => {
      let o: unknown;
      try {
        o = JSON.parse(new TextDecoder().decode(data));
      } catch {
        return [];
      }
      if (typeof o !== 'object' || o === null || Array.isArray(o)) return [];
      return ['orderNumber', 'externalId', 'externalOrderId', 'poNumber', 'sellerOrderNumber', 'invoiceNumber', 'shipmentId', 'rmaNumber', 'sku', 'id', 'order_number', 'name']
        .map((f) => (o as Record<string, unknown>)[f])
        .filter((v) => (typeof v === 'string' && v !== '') || typeof v === 'number')
        .map(String);
    };
    const body = enc({ orderNumber: 'SO-9', lines: [{ sku: 'deep', id: 3 }], note: 'a "quoted" \\ é 😀', id: 42, name: '#9' });
    for (let cut = 0; cut <= body.length; cut++) expect(businessKeys(body.subarray(0, cut), undefined), String(cut)).toEqual(whole(body.subarray(0, cut)));
  });

  it('takes the keys a Crossdock output named in its header instead of parsing the body again', () => {
    // The body says otherwise on purpose: only the header is read when it is there.
    const body = enc({ orderNumber: 'BODY-1', externalId: 'body' });
    expect(businessKeys(body, 'shopify:7', JSON.stringify({ orderNumber: 'SO-7', externalId: 7, empty: '' }))).toEqual(['shopify:7', 'SO-7', '7']);
    // A header that is not a JSON object is no header: the body is read.
    expect(businessKeys(body, undefined, 'not json')).toEqual(['BODY-1', 'body']);
  });
});

describe('audit queries', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it('take ISO times, dates and durations back from now', () => {
    expect(parseQuery({ since: '2026-12-03', until: '2026-12-03T10:30:00Z' }, now)).toEqual({ since: Date.parse('2026-12-03T00:00:00Z'), until: Date.parse('2026-12-03T10:30:00Z'), limit: 100 });
    expect(parseQuery({ since: '24h', limit: '5', kind: 'operator-action' }, now)).toEqual({ since: now - 86_400_000, limit: 5, kind: 'operator-action' });
  });
  it('name the field that is wrong', () => {
    const field = (q: Parameters<typeof parseQuery>[0]): string => {
      try {
        parseQuery(q, now);
      } catch (err) {
        if (err instanceof QueryError) return err.field;
      }
      return 'none';
    };
    expect(field({ since: 'yesterday' })).toBe('since');
    expect(field({ until: '2026-13-45T99:00:00Z' })).toBe('until');
    expect(field({ since: '2h', until: '3h' })).toBe('until');
    expect(field({ limit: '1001' })).toBe('limit');
    expect(field({ limit: '2.5' })).toBe('limit');
    expect(field({ kind: 'gossip' })).toBe('kind');
    expect(field({ key: '' })).toBe('key');
  });
});

const action: AuditRecord = { kind: 'operator-action', keys: ['K'], time: '2026-12-03T00:00:00.000Z', actor: 'alice', action: 'dlq.replay', target: 'DLQ:1' };
const doc = (seq: number, partner = 'shopify'): AuditRecord => ({
  kind: 'partner-transaction',
  direction: 'in',
  partner,
  documentType: 'orders.created',
  keys: [`shopify:${seq}`, `#${seq}`],
  subject: `channel.${partner}.orders.created`,
  source: { stream: 'CHANNEL', seq },
  bodySha256: 'ab'.repeat(32),
  time: '2026-12-03T00:00:00.000Z',
  actor: 'crossdock',
  // What recordFor never sets but a caller might: left out of the hash and the stored JSON alike.
  note: undefined,
});

describe('entry hashing', () => {
  it('is over every field but the hash, independent of key order, and changes with any of them', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
    const e = sealBlock([action], { seq: 1, prev: GENESIS_HASH, cursor: {} });
    expect(entryHash(e)).toBe(e.hash);
    expect(entryHash({ ...e, records: [{ ...action, actor: 'bob' }] })).not.toBe(e.hash);
    expect(entryHash({ ...e, seq: 2 })).not.toBe(e.hash);
    expect(entryHash({ ...e, prev: 'f'.repeat(64) })).not.toBe(e.hash);
    expect(entryHash({ ...e, cursor: { ERP: 1 } })).not.toBe(e.hash);
  });

  it('a block covers every record: one changed, one removed, two swapped each change its hash', () => {
    const records = [doc(1), doc(2), doc(3)];
    const b = sealBlock(records, { seq: 7, prev: GENESIS_HASH, cursor: { CHANNEL: 3 } });
    expect(entryHash(b)).toBe(b.hash);
    expect(entryHash({ ...b, records: [doc(1), { ...doc(2), partner: 'amazon' }, doc(3)] })).not.toBe(b.hash);
    expect(entryHash({ ...b, records: [doc(1), doc(3)] })).not.toBe(b.hash);
    expect(entryHash({ ...b, records: [doc(2), doc(1), doc(3)] })).not.toBe(b.hash);
  });

  it('is published as canonical JSON that decodes to the same block and rehashes to its hash', () => {
    const b = sealBlock([doc(1), doc(2)], { seq: 3, prev: 'c'.repeat(64), cursor: { CHANNEL: 2, ERP: 9 } });
    const bytes = encodeEntry(b);
    const text = new TextDecoder().decode(bytes);
    expect(text).toBe(canonicalJson(b));
    expect(text).not.toContain('note');
    const back = decodeEntry(bytes);
    expect(back).toEqual(JSON.parse(JSON.stringify(b)));
    expect(entryHash(back as Exclude<typeof back, string>)).toBe(b.hash);
    // What a block adds per record is what its records' bytes measure.
    const empty = new TextEncoder().encode(canonicalJson({ ...b, records: [] })).length;
    expect(bytes.length - empty).toBe(recordBytes(doc(1)) + recordBytes(doc(2)) - 1);
  });

  it('reads a v1 entry (written before blocks) as a block of its one record, and verifies its hash', () => {
    const unsealed = { ...doc(5), note: 'kept' , v: 1 as const, seq: 1, cursor: { CHANNEL: 5 }, prev: GENESIS_HASH };
    const v1 = { ...unsealed, hash: entryHash(unsealed) };
    const back = decodeEntry(new TextEncoder().encode(JSON.stringify(v1)));
    if (typeof back === 'string') throw new Error(back);
    expect(back.v).toBe(1);
    expect(entryHash(back)).toBe(v1.hash);
    expect(recordsOf(back)).toEqual([{ ...doc(5), note: 'kept' }]);
  });

  it('refuses a block without records, or with a record that is not one, naming it', () => {
    const b = sealBlock([doc(1), doc(2)], { seq: 1, prev: GENESIS_HASH, cursor: {} });
    const as = (v: unknown) => decodeEntry(new TextEncoder().encode(JSON.stringify(v)));
    expect(as({ ...b, records: [] })).toMatch(/records is missing or empty/);
    expect(as({ ...b, records: [doc(1), { ...doc(2), kind: 'gossip' }] })).toMatch(/record 1: kind 'gossip'/);
    expect(as({ ...b, v: 3 })).toMatch(/v is not 1 or 2/);
    expect(() => sealBlock([], { seq: 1, prev: GENESIS_HASH, cursor: {} })).toThrow(/at least one record/);
  });

  it("names a block's kind and partner when its records share them, mixed where they do not", () => {
    expect(blockSubject({ records: [action] })).toBe('audit.operator-action.-');
    expect(blockSubject({ records: [doc(1), doc(2)] })).toBe('audit.partner-transaction.shopify');
    expect(blockSubject({ records: [doc(1), doc(2, 'amazon')] })).toBe('audit.partner-transaction.mixed');
    expect(blockSubject({ records: [doc(1), action] })).toBe('audit.mixed.mixed');
  });
});

describe("a group's block drafted on a head", () => {
  const group = [4, 5, 7, 9].map((seq) => ({ seq, record: doc(seq) }));
  const head = (cursor: Record<string, number>) => ({ seq: 10, hash: GENESIS_HASH, cursor });

  it('holds the whole group on a head before it, its id naming the range', () => {
    const d = blockDraft('CHANNEL', group, head({ ERP: 50 }))!;
    expect(d.records.map((r) => r.source!.seq)).toEqual([4, 5, 7, 9]);
    expect(d).toMatchObject({ msgId: 'audit:CHANNEL:4-9', source: { stream: 'CHANNEL', seq: 9 } });
  });

  it('leaves out what the head covers, and then has another id: it is not the first draft', () => {
    const d = blockDraft('CHANNEL', group, head({ CHANNEL: 5 }))!;
    expect(d.records.map((r) => r.source!.seq)).toEqual([7, 9]);
    expect(d.msgId).toBe('audit:CHANNEL:7-9');
    expect(blockDraft('CHANNEL', group, head({ CHANNEL: 6 }))!.msgId).toBe('audit:CHANNEL:7-9');
  });

  it('is nothing when the head covers all of it', () => {
    expect(blockDraft('CHANNEL', group, head({ CHANNEL: 9 }))).toBeUndefined();
    expect(blockDraft('CHANNEL', group, head({ CHANNEL: 12 }))).toBeUndefined();
  });
});
