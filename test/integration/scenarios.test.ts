/**
 * The two end-to-end scenarios of the reference flows, over a real nats-server with every
 * pipeline running: every document that reaches the ERP, WMS, CRM and channel subjects is
 * counted and checked, and the runner is killed with SIGKILL midway (after the first three
 * events) and restarted — nothing may be lost or arrive twice.
 */
import { describe, expect, it } from 'vitest';
import { bySubject, runScenario } from './scenario-runner.ts';
import type { DayMessage } from '../../runtime/demo/summary.ts';

/** Every message Crossdock published carries a message id; the test's own inputs may not. */
function ids(messages: readonly DayMessage[]): string[] {
  return messages.filter((m) => m.headers['Nats-Msg-Id']).map((m) => `${m.subject} ${m.headers['Nats-Msg-Id']}`);
}

/** Only the scenario's own inputs (published like an ERP or WMS adapter would) lack a message id. */
function inputsOnly(messages: readonly DayMessage[]): boolean {
  return messages.filter((m) => !m.headers['Nats-Msg-Id']).every((m) => /^(inventory\.position|wms\.(shipments|receipts)|erp\.out)\./.test(m.subject));
}

/**
 * Change events are counted apart: how many a burst coalesces into depends on timing. Audit
 * entries (one per document on the audited subjects) are checked by test/integration/audit.test.ts.
 */
function withoutChangeEvents(table: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(table).filter(([subject]) => !subject.startsWith('availability.') && !subject.startsWith('audit.')));
}

function bodyOf<T>(messages: readonly DayMessage[], subject: string): T {
  const found = messages.filter((m) => m.subject === subject);
  expect(found.length, subject).toBe(1);
  return JSON.parse(found[0]!.body) as T;
}

describe('end to end', () => {
  it('order to cash: stock reported, three channels reserved and into the ERP, shipped, the channel told, a return — with a crash midway', { timeout: 180_000 }, async () => {
    const { messages, outbox } = await runScenario('order-to-cash.yaml', { killAfterEvent: 5 });
    expect(withoutChangeEvents(bySubject(messages))).toEqual({
      'channel.b2b.orders.created': 1,
      'channel.shopify.fulfillments.create': 1,
      'channel.shopify.orders.created': 1,
      'channel.shopify.returns.created': 1,
      'crm.shipments.b2b-portal': 1,
      'crm.shipments.shopify': 1,
      'edi.in.850.4405197800': 1,
      'edi.out.997.4405197800': 1,
      'erp.posted.salesorders.b2b-portal': 1,
      'erp.posted.salesorders.edi-4405197800': 1,
      'erp.posted.salesorders.shopify': 1,
      'erp.returns.shopify': 1,
      'erp.salesorders.b2b-portal': 1,
      'erp.salesorders.edi-4405197800': 1,
      'erp.salesorders.shopify': 1,
      'erp.shipments.b2b-portal': 1,
      'erp.shipments.shopify': 1,
      'inventory.position.DC-EAST': 5,
      'inventory.position.DC-SOLON': 6,
      'inventory.reservation.requested': 3,
      'wms.returns-expected.DC-EAST': 1,
      'wms.shipments.DC-EAST': 2,
    });
    expect(new Set(ids(messages)).size).toBe(ids(messages).length);
    expect(inputsOnly(messages)).toBe(true);
    expect(messages.filter((m) => m.stream === 'DLQ' || m.stream === 'EXCEPTIONS')).toEqual([]);

    const shop = bodyOf<{ externalId: string; lines: { availability: { available: number } }[]; reservation: { status: string } }>(messages, 'erp.salesorders.shopify');
    expect(shop.externalId).toBe('450789469');
    expect(shop.lines).toHaveLength(3);
    expect(shop.reservation.status).toBe('accepted');
    expect(shop.lines[0]!.availability.available).toBeGreaterThan(0);
    for (const channel of ['b2b-portal', 'edi-4405197800']) expect(bodyOf<{ reservation: { status: string } }>(messages, `erp.salesorders.${channel}`).reservation.status).toBe('accepted');
    // Channels heard of the stock, then of the reservation that took some of it.
    const green = messages.filter((m) => m.subject === 'availability.shopify.IPOD2008GREEN').map((m) => (JSON.parse(m.body) as { available: number }).available);
    expect(green.length).toBeGreaterThanOrEqual(2);
    expect(green.at(-1)).toBeLessThan(green[0]!);
    const edi = bodyOf<{ channel: string; externalId: string }>(messages, 'erp.salesorders.edi-4405197800');
    expect(edi.channel).toBe('edi-4405197800');
    const posted = bodyOf<{ erpOrderNumber: string }>(messages, 'erp.posted.salesorders.shopify');
    expect(posted.erpOrderNumber).toMatch(/^SO-\d+$/);
    const fulfillment = bodyOf<{ fulfillment: { tracking_number?: string; tracking_numbers?: string[]; line_items: unknown[] } }>(messages, 'channel.shopify.fulfillments.create');
    expect(JSON.stringify(fulfillment)).toContain('1Z2345');
    expect(fulfillment.fulfillment.line_items).toHaveLength(2);
    expect(outbox).toEqual(['4405197800_997_2.edi']);
  });

  it('procure to receipt: PO out, 855 and 856 in, a short receipt, an invoice matched three ways — with a crash midway', { timeout: 180_000 }, async () => {
    const { messages, outbox } = await runScenario('procure-to-receipt.yaml', { killAfterEvent: 3 });
    expect(withoutChangeEvents(bySubject(messages))).toEqual({
      'edi.in.810.999999999': 1,
      'edi.in.855.999999999': 1,
      'edi.in.856.999999999': 1,
      'edi.out.850.999999999': 1,
      'edi.out.997.999999999': 3,
      'erp.asns.999999999': 1,
      'erp.inventory-adjustments.DC-SOLON': 1,
      'erp.invoices.999999999': 1,
      'erp.out.purchaseorders.999999999': 1,
      'erp.purchaseorder-acks.999999999': 1,
      'erp.receipts.DC-SOLON': 1,
      'exceptions.po-ack-mismatch.999999999': 1,
      'exceptions.receipt-discrepancy.999999999': 1,
      'exceptions.three-way-match.999999999': 1,
      'inventory.inbound.asn': 5,
      'inventory.receipt.DC-SOLON': 4,
      'wms.expected-receipts.DC-SOLON': 1,
      'wms.receipts.DC-SOLON': 1,
    });
    expect(new Set(ids(messages)).size).toBe(ids(messages).length);
    expect(inputsOnly(messages)).toBe(true);
    expect(messages.filter((m) => m.stream === 'DLQ')).toEqual([]);

    const x12 = messages.find((m) => m.subject === 'edi.out.850.999999999')!.body;
    expect(x12).toMatch(/^ISA\*/);
    expect(x12).toContain('BEG*00*');
    expect(x12).toContain('08292233294');
    const ack = bodyOf<{ reason: string }>(messages, 'exceptions.po-ack-mismatch.999999999');
    expect(ack.reason).toMatch(/^the 855 from WIDGET WORKS INC for PO 08292233294 differs from the order on 5 of 6 line\(s\)/);
    const discrepancy = bodyOf<{ reason: string }>(messages, 'exceptions.receipt-discrepancy.999999999');
    expect(discrepancy.reason).toContain('line 2 (066850-116, PO 08292233294): 4 EA short (216 of 220)');
    const match = bodyOf<{ reason: string }>(messages, 'exceptions.three-way-match.999999999');
    expect(match.reason).toContain('line 1 (065322-117): invoiced 80 EA, received 78 EA');
    const invoice = messages.find((m) => m.subject === 'erp.invoices.999999999')!;
    expect(invoice.headers['X-Three-Way-Match']).toBe('mismatch');
    expect(outbox.filter((f) => f.startsWith('999999999_850_'))).toHaveLength(1);
    expect(outbox.filter((f) => f.startsWith('999999999_997_'))).toHaveLength(3);
  });
});
