/**
 * The jetstream output's message id: an id expression that gives nothing, an empty string, or
 * only the literal text of its concatenation would give unrelated messages one shared
 * Nats-Msg-Id, so the stream would drop all but the first as duplicates. Such a message is a
 * permanent failure (dead-lettered) naming the output and its id expression, never a publish.
 */
import { describe, expect, it } from 'vitest';
import { compileInline, HEAD, run } from '../../support/inline.ts';
import type { Outcome } from '../../../runtime/engine/process.ts';

function output(id: string): string {
  return `${HEAD}outputs:\n  erp: { jetstream: { subject: "'out.erp'", id: ${JSON.stringify(id)} } }\n`;
}

function failure(o: Outcome): { reason: string; permanent: boolean; degenerateId?: unknown } {
  if (o.kind !== 'fail') throw new Error(`expected a failure, got ${o.kind}`);
  return o.failure;
}

function ids(o: Outcome): string[] {
  if (o.kind !== 'emit') throw new Error(`expected emissions, got ${o.kind}: ${o.kind === 'fail' ? o.failure.reason : ''}`);
  return o.emissions.map((e) => e.msgId);
}

describe('jetstream output message ids', () => {
  const webhook = compileInline(output("'shopify-webhook:' & $headers.'X-Shopify-Webhook-Id'"));

  it('refuses an id that is only its literal prefix, naming the output, the expression and the missing header', async () => {
    const f = failure(await run(webhook, { id: 1 }, { 'X-Shopify-Topic': 'orders/create' }));
    expect(f.permanent).toBe(true);
    expect(f.reason).toContain('output erp:');
    expect(f.reason).toContain(`'shopify-webhook:' & $headers.'X-Shopify-Webhook-Id'`);
    expect(f.reason).toContain('missing header X-Shopify-Webhook-Id');
    expect(f.degenerateId).toEqual({
      output: 'erp',
      expression: "'shopify-webhook:' & $headers.'X-Shopify-Webhook-Id'",
      gave: 'literal-only',
      literalsOnly: 'shopify-webhook:',
      missingHeaders: ['X-Shopify-Webhook-Id'],
    });
  });

  it('refuses the prefix when the header is present but empty', async () => {
    const f = failure(await run(webhook, { id: 1 }, { 'X-Shopify-Webhook-Id': '' }));
    expect(f.degenerateId).toMatchObject({ gave: 'literal-only', missingHeaders: ['X-Shopify-Webhook-Id'] });
  });

  it('keeps distinct ids when the header is there', async () => {
    expect(ids(await run(webhook, { id: 1 }, { 'X-Shopify-Webhook-Id': 'wh-1' }))).toEqual(['shopify-webhook:wh-1']);
    expect(ids(await run(webhook, { id: 1 }, { 'X-Shopify-Webhook-Id': 'wh-2' }))).toEqual(['shopify-webhook:wh-2']);
  });

  it('refuses literals around empty parts, in nested concatenations too', async () => {
    const p = compileInline(output("('order:' & channel) & ':' & id"));
    expect(failure(await run(p, { other: true })).degenerateId).toMatchObject({ gave: 'literal-only', missingHeaders: [] });
    expect(failure(await run(p, { channel: '', id: '' })).reason).toMatch(/gave only its literal text "order::"/);
    // One part present is enough: the id is no longer shared by every such message.
    expect(ids(await run(p, { id: 7 }))).toEqual(['order::7']);
    expect(ids(await run(p, { channel: 'web', id: 7 }))).toEqual(['order:web:7']);
  });

  it('refuses an id that gives nothing or an empty string', async () => {
    const p = compileInline(output('orderId'));
    expect(failure(await run(p, {})).degenerateId).toMatchObject({ output: 'erp', expression: 'orderId', gave: 'nothing' });
    expect(failure(await run(p, { orderId: '' })).degenerateId).toMatchObject({ gave: 'empty' });
    expect(failure(await run(p, { orderId: '  ' })).reason).toMatch(/^output erp: id expression orderId \(.*p\.yaml:\d+:\d+\) gave an empty string/);
    expect(ids(await run(p, { orderId: 0 }))).toEqual(['0']);
  });

  it('refuses each item of a fan-out whose id is degenerate', async () => {
    const p = compileInline(`${HEAD}outputs:\n  docs: { jetstream: { subject: "'out.docs'", each: documents, id: "'doc:' & number" } }\n`);
    expect(ids(await run(p, { documents: [{ number: 1 }, { number: 2 }] }))).toEqual(['doc:1', 'doc:2']);
    expect(failure(await run(p, { documents: [{ number: 1 }, { other: 2 }] })).degenerateId).toMatchObject({ output: 'docs', gave: 'literal-only' });
  });

  it('leaves a constant id alone (no part could have gone missing)', async () => {
    const p = compileInline(output("'singleton'"));
    expect(ids(await run(p, {}))).toEqual(['singleton']);
  });

  it('applies to the reference evaluator as well', async () => {
    // $eval is not compiled, so this id runs on the reference (asynchronous) evaluator.
    const p = compileInline(output(`'k:' & $eval('missing')`));
    expect(p.expressions.some((e) => e.engine === 'reference')).toBe(true);
    expect(failure(await run(p, {})).degenerateId).toMatchObject({ gave: 'literal-only' });
  });
});

describe('jetstream output business duplicates', () => {
  const dupHeaders = (o: Outcome): Readonly<Record<string, string>> | undefined => {
    if (o.kind !== 'emit') throw new Error(`expected emissions, got ${o.kind}`);
    return o.emissions[0]?.onDuplicate?.headers;
  };

  it('name the channel, the document type and the pipeline for the exceptions workbench', async () => {
    const p = compileInline(`${HEAD}outputs:\n  erp: { jetstream: { subject: "'out.erp'", id: "'o:' & id", duplicate: "'exceptions.duplicate-order.' & channel", documentType: SalesOrder } }\n`);
    expect(dupHeaders(await run(p, { id: 1, channel: 'shopify' }))).toEqual({ 'Crossdock-Channel': 'shopify', 'Crossdock-Document-Type': 'SalesOrder', 'Crossdock-Raised-By': `pipeline:${p.name}` });
    // No channel in the body: the X-Channel header an edge or a headers step set.
    const q = compileInline(`${HEAD}outputs:\n  erp: { jetstream: { subject: "'out.erp'", id: "'o:' & id", duplicate: "'exceptions.duplicate-order.' & $headers.'X-Channel'" } }\n`);
    expect(dupHeaders(await run(q, { id: 2 }, { 'X-Channel': 'b2b-portal' }))?.['Crossdock-Channel']).toBe('b2b-portal');
  });

  it('say only what they know: no document type declared, no channel anywhere', async () => {
    const p = compileInline(`${HEAD}outputs:\n  erp: { jetstream: { subject: "'out.erp'", id: "'o:' & id", duplicate: "'exceptions.duplicate-order.x'" } }\n`);
    expect(dupHeaders(await run(p, { id: 1 }))).toEqual({ 'Crossdock-Raised-By': `pipeline:${p.name}` });
  });
});

describe('jetstream output business keys (Crossdock-Trace-Keys)', () => {
  const schema = JSON.stringify({
    title: 'Doc',
    type: 'object',
    properties: { invoiceNumber: { 'x-crossdock-trace-key': true, type: 'string' }, poNumber: { 'x-crossdock-trace-key': true, type: 'string' } },
  });
  const keysOf = (o: Outcome): string | undefined => {
    if (o.kind !== 'emit') throw new Error(`expected emissions, got ${o.kind}: ${o.kind === 'fail' ? o.failure.reason : ''}`);
    return o.emissions[0]?.headers['Crossdock-Trace-Keys'];
  };
  const compile = (steps: string) =>
    compileInline(`${HEAD}${steps}outputs:\n  out: { jetstream: { subject: "'out.doc'" } }\n`, { 'schemas/canonical/doc.schema.json': schema });

  it('names the keys at the top of the body it publishes', async () => {
    const p = compile("steps:\n  - map: { expr: '{\"invoiceNumber\": number}' }\n");
    expect(keysOf(await run(p, { number: 'INV-1', poNumber: 'PO-9' }))).toBe('{"invoiceNumber":"INV-1"}');
  });

  it('names those of the message it was made from when the body became text (an X12 interchange)', async () => {
    const p = compile("steps:\n  - map: { expr: '\"ISA*00*...~\"' }\n");
    expect(keysOf(await run(p, { invoiceNumber: 'INV-1', poNumber: 'PO-9', other: 'x' }))).toBe('{"invoiceNumber":"INV-1","poNumber":"PO-9"}');
  });

  it('names none when an object body has none, even if the message it was made from had some', async () => {
    const p = compile("steps:\n  - map: { expr: '{\"status\": \"ok\"}' }\n");
    expect(keysOf(await run(p, { invoiceNumber: 'INV-1' }))).toBeUndefined();
  });
});
