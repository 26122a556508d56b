/**
 * Issue 12: header names are case-insensitive. `$headers` holds a received header under the
 * spelling the pipeline uses for it, for every input (JetStream messages from
 * `crossdock publish -H`, HTTP, files, fixtures), since they all pass createExchange.
 */
import { describe, expect, it } from 'vitest';
import { compileInline, HEAD, run } from '../support/inline.ts';

describe('header spellings', () => {
  it('finds a JetStream header however the publisher spelled it, and sends it on under the pipeline spelling', async () => {
    const p = compileInline(`${HEAD}steps:
  - filter: "$headers.'X-PO-Number' != ''"
outputs:
  a: { jetstream: { subject: "'out.' & $lookup($headers, 'X-Partner')", id: "'po:' & $headers.\\"X-PO-Number\\"" } }
`);
    const spellings: Record<string, string>[] = [{ 'x-partner': 'acme', 'x-po-number': '42' }, { 'X-PARTNER': 'acme', 'X-Po-Number': '42' }];
    for (const sent of spellings) {
      const o = await run(p, {}, { ...sent, 'X-Other-Thing': 'kept' });
      expect(o.kind).toBe('emit');
      if (o.kind !== 'emit') return;
      expect(o.emissions.map((e) => [e.subject, e.msgId])).toEqual([['out.acme', 'po:42']]);
      expect(o.emissions[0]!.headers).toMatchObject({ 'X-Partner': 'acme', 'X-PO-Number': '42', 'X-Other-Thing': 'kept' });
    }
  });

  it('takes a correlation id sent in lower case as the correlation id', async () => {
    const p = compileInline(`${HEAD}outputs: { a: { jetstream: { subject: "'out.a'" } } }\n`);
    const o = await run(p, {}, { 'x-correlation-id': 'c-9' });
    expect(o.kind === 'emit' && o.emissions[0]!.headers).toEqual({ 'X-Correlation-Id': 'c-9', 'Crossdock-Pipeline': 'p', 'Crossdock-Source-Key': 'IN:1' });
  });
});
