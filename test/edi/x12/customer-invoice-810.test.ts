/**
 * The 810 Crossdock sends a retail partner (edi-retail-invoices, mappings/x12/invoice-to-810.jsonata)
 * read back by Crossdock's own EDI side, as a partner running it would: the text through
 * edi-inbound (the X12 reader, its envelope and count checks, its 997), the typed document through
 * mappings/x12/810-to-invoice.jsonata and the canonical Invoice schema. Both pipelines run as the
 * runner runs them, offline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../../runtime/compile/project.ts';
import type { CompiledPipeline } from '../../../runtime/compile/pipeline.ts';
import { SchemaCatalog } from '../../../runtime/compile/schemas.ts';
import { createExchange, isFailure, processExchange } from '../../../runtime/engine/process.ts';
import { compileExpression } from '../../../runtime/expressions/jsonata.ts';
import { REPO } from '../../support/project.ts';

const project = loadProject(join(REPO, 'pipelines'), { only: ['edi-retail-invoices', 'edi-inbound'] });
const pipeline = (name: string): CompiledPipeline => project.pipelines.find((p) => p.name === name)!;
const INVOICE = JSON.parse(readFileSync(join(REPO, 'test/fixtures/canonical/invoice/valid/customer-invoice-to-xyz-retail.json'), 'utf8')) as Record<string, unknown>;
const reader = compileExpression(readFileSync(join(REPO, 'mappings/x12/810-to-invoice.jsonata'), 'utf8'));
const invoiceSchema = new SchemaCatalog(join(REPO, 'schemas')).get('canonical/invoice.schema.json');

interface Emitted {
  readonly output: string;
  readonly subject: string;
  readonly body: unknown;
}

async function run(p: CompiledPipeline, subject: string, data: Uint8Array, seq = 7): Promise<Emitted[]> {
  const meta = { pipeline: p.name, subject, stream: 'ERP', streamSeq: seq, deliveryCount: 1, receivedAt: Date.parse('2026-03-03T21:15:00Z'), key: `ERP:${seq}` };
  const ex = createExchange(p, { data, headers: {}, meta }, p.input.format);
  if (isFailure(ex)) throw new Error(ex.reason);
  const o = await processExchange(p, ex);
  if (o.kind !== 'emit') throw new Error(`${p.name}: ${o.kind === 'fail' ? o.failure.reason : o.kind}`);
  return o.emissions.map((e) => ({ output: e.output, subject: e.subject, body: e.body }));
}

/** The 810 edi-retail-invoices publishes for an invoice. */
async function send(invoice: Record<string, unknown>): Promise<string> {
  const out = await run(pipeline('edi-retail-invoices'), 'erp.out.invoices.edi-4405197800', new TextEncoder().encode(JSON.stringify(invoice)));
  expect(out.map((e) => e.subject)).toEqual(['edi.out.810.4405197800']);
  return out[0]!.body as string;
}

/** What a partner's Crossdock makes of it: edi-inbound's outputs, and the canonical Invoice its reader maps. */
async function receive(text: string): Promise<{ outputs: Emitted[]; invoice: Record<string, unknown> }> {
  const outputs = await run(pipeline('edi-inbound'), 'file', new TextEncoder().encode(text));
  const doc = outputs.find((e) => e.output === 'documents');
  expect(doc?.subject).toBe('edi.in.810.crossdock');
  const invoice = (await reader.evaluate(doc!.body)) as Record<string, unknown>;
  if (!('validate' in invoiceSchema)) throw new Error(invoiceSchema.message);
  expect(invoiceSchema.validate(invoice)).toBeUndefined();
  return { outputs, invoice };
}

describe('the 810 to a retail partner, read back by the project’s own X12 reader and 810 mapping', () => {
  it('has its envelope counted and numbered right: SE01 the segments of the set, GE01 and IEA01 one each, control numbers paired', async () => {
    const text = await send(INVOICE);
    const segments = text.split('~').map((s) => s.trim()).filter((s) => s !== '');
    const el = (tag: string) => segments.filter((s) => s.startsWith(`${tag}*`)).map((s) => s.split('*'));
    const st = segments.findIndex((s) => s.startsWith('ST*'));
    const se = segments.findIndex((s) => s.startsWith('SE*'));
    expect(el('ST')[0]![1]).toBe('810');
    expect(Number(el('SE')[0]![1])).toBe(se - st + 1);
    expect(el('SE')[0]![2]).toBe(el('ST')[0]![2]);
    expect(el('GE')[0]!.slice(1)).toEqual(['1', el('GS')[0]![6]]);
    expect(el('IEA')[0]!.slice(1)).toEqual(['1', el('ISA')[0]![13]]);
    expect(el('GS')[0]![1]).toBe('IN');
    expect(el('ISA')[0]![8]!.trim()).toBe('4405197800');
    expect(el('IT1')).toHaveLength(2);
    expect(el('CTT')[0]!.slice(1)).toEqual(['2', '36']);
    expect(el('TDS')[0]!.slice(1)).toEqual(['40598']);
  });

  it('is accepted whole by edi-inbound: one 810 document, a 997 accepting it, no rejection', async () => {
    const { outputs } = await receive(await send(INVOICE));
    expect(outputs.map((e) => e.subject).sort()).toEqual(['edi.in.810.crossdock', 'edi.out.997.crossdock']);
    const ack = outputs.find((e) => e.output === 'acks')!.body as string;
    // AK9*A: the functional group accepted; AK5*A: the set accepted.
    expect(ack).toMatch(/AK5\*A~/);
    expect(ack).toMatch(/AK9\*A\*1\*1\*1~/);
  });

  it('reads back as the invoice that was sent, from the partner’s side: our SKU is the supplier part number (VN)', async () => {
    const { invoice } = await receive(await send(INVOICE));
    const sent = INVOICE as { lines: Array<Record<string, unknown>> } & Record<string, unknown>;
    for (const field of ['invoiceNumber', 'invoiceType', 'invoiceDate', 'poNumber', 'poDate', 'shipmentId', 'shipDate', 'remitTo', 'currency', 'terms', 'dueDate', 'charges', 'totals']) {
      expect(invoice[field], field).toEqual(sent[field]);
    }
    // The sender of the interchange is the supplier's EDI id; its N1*SU the vendor number the retailer gave us.
    expect(invoice.supplier).toEqual({ id: 'V-20417', name: 'CROSSDOCK DISTRIBUTION', partnerId: 'CROSSDOCK' });
    // The bill-to goes under our customer account (91, assigned by seller), which a reader keeps as the partner's id too.
    expect(invoice.billTo).toEqual({ id: 'C-003947', name: 'XYZ RETAIL', partnerId: 'C-003947', address: (sent.billTo as { address: unknown }).address });
    expect(invoice.lines).toEqual(
      sent.lines.map(({ sku, ...line }) => ({ ...line, supplierPartNumber: sku })),
    );
  });

  it('carries a credit memo as BIG07 CR, read back as a credit memo with positive amounts', async () => {
    const { invoice } = await receive(await send({ ...INVOICE, invoiceNumber: 'CM-26-000118', invoiceType: 'credit-memo' }));
    expect(invoice).toMatchObject({ invoiceNumber: 'CM-26-000118', invoiceType: 'credit-memo', totals: { total: 405.98 } });
  });
});
