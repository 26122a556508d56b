import { describe, expect, it } from 'vitest';
import { businessKeys, classify } from '../../runtime/operations/audit/classify.ts';
import { QueryError, parseQuery } from '../../runtime/operations/audit/query.ts';
import { canonicalJson, entryHash, sealEntry, GENESIS_HASH } from '../../runtime/operations/audit/entry.ts';

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

describe('what the audit log records', () => {
  it('tells kind, direction, partner and document from the subject', () => {
    expect(classify('channel.shopify.orders.created')).toEqual({ kind: 'partner-transaction', direction: 'in', partner: 'shopify', documentType: 'orders.created' });
    expect(classify('edi.in.855.acme')).toEqual({ kind: 'partner-transaction', direction: 'in', partner: 'acme', documentType: '855' });
    expect(classify('edi.out.850.acme')).toEqual({ kind: 'partner-transaction', direction: 'out', partner: 'acme', documentType: '850' });
    expect(classify('wms.expected-receipts.DC-SOLON')).toMatchObject({ direction: 'out', partner: 'DC-SOLON' });
    expect(classify('wms.shipments.DC-SOLON')).toMatchObject({ direction: 'in' });
    expect(classify('erp.invoices.acme')).toEqual({ kind: 'financial-posting', direction: 'out', partner: 'acme', documentType: 'invoice' });
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

describe('entry hashing', () => {
  it('is over every field but the hash, independent of key order, and changes with any of them', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
    const e = sealEntry({ kind: 'operator-action', keys: ['K'], time: '2026-12-03T00:00:00.000Z', actor: 'alice', action: 'dlq.replay', target: 'DLQ:1' }, { seq: 1, prev: GENESIS_HASH, cursor: {} });
    expect(entryHash(e)).toBe(e.hash);
    expect(entryHash({ ...e, actor: 'bob' })).not.toBe(e.hash);
    expect(entryHash({ ...e, seq: 2 })).not.toBe(e.hash);
    expect(entryHash({ ...e, prev: 'f'.repeat(64) })).not.toBe(e.hash);
  });
});
