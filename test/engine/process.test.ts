/** The pure message path: steps in order, drops, failures, routing, emissions. */
import { describe, expect, it } from 'vitest';
import { compileInline, HEAD, run } from '../support/inline.ts';

describe('processing a message', () => {
  it('maps, sets headers and emits to every output without a route, ids from business keys', async () => {
    const p = compileInline(`${HEAD}steps:
  - map: { expr: '{ "id": order.id, "total": $sum(order.lines.(qty * price)) }' }
  - headers: { X-Total: total }
outputs:
  a: { jetstream: { subject: "'out.a.' & id", id: "'a:' & id" } }
  b: { jetstream: { subject: "'out.b'" } }
`);
    const o = await run(p, { order: { id: 'X1', lines: [{ qty: 2, price: 5 }, { qty: 1, price: 3 }] } }, { 'X-Correlation-Id': 'c-1', 'Nats-Msg-Id': 'upstream' }, 42);
    expect(o.kind).toBe('emit');
    if (o.kind !== 'emit') return;
    expect(o.emissions.map((e) => [e.output, e.subject, e.msgId])).toEqual([
      ['a', 'out.a.X1', 'a:X1'],
      ['b', 'out.b', 'p:IN:42:b:0'],
    ]);
    expect(o.emissions[0]!.body).toEqual({ id: 'X1', total: 13 });
    // The inbound transport id never leaks onto outputs; the correlation id always travels, and
    // every output names the pipeline and the message it was made from (the trace index links by them).
    expect(o.emissions[0]!.headers).toEqual({ 'X-Correlation-Id': 'c-1', 'X-Total': '13', 'Crossdock-Pipeline': 'p', 'Crossdock-Source-Key': 'IN:42' });
  });

  it('creates a correlation id when the input has none', async () => {
    const p = compileInline(`${HEAD}outputs: { a: { jetstream: { subject: "'out.a'" } } }\n`);
    const o = await run(p, {});
    expect(o.kind === 'emit' && o.emissions[0]!.headers['X-Correlation-Id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('routes on the first matching rule and fans out to a list', async () => {
    const p = compileInline(`${HEAD}steps:
  - route:
      - when: total > 1000
        to: [review, audit]
      - when: total > 100
        to: review
      - to: erp
outputs:
  erp: { jetstream: { subject: "'out.erp'" } }
  review: { jetstream: { subject: "'out.review'" } }
  audit: { jetstream: { subject: "'out.audit'" } }
`);
    const subjects = async (total: number): Promise<string[]> => {
      const o = await run(p, { total });
      return o.kind === 'emit' ? o.emissions.map((e) => e.subject) : [o.kind];
    };
    expect(await subjects(5000)).toEqual(['out.review', 'out.audit']);
    expect(await subjects(500)).toEqual(['out.review']);
    expect(await subjects(5)).toEqual(['out.erp']);
  });

  it('dead-letters when no route rule matches', async () => {
    const p = compileInline(`${HEAD}steps:
  - route:
      - when: kind = 'order'
        to: erp
outputs:
  erp: { jetstream: { subject: "'out.erp'" } }
`);
    const o = await run(p, { kind: 'quote' });
    expect(o.kind === 'fail' && o.failure).toMatchObject({ permanent: true, stepIndex: 1, step: 'route', reason: 'no route rule matched the message' });
  });

  it('drops on a false filter, by JSONata truth rules', async () => {
    const p = compileInline(`${HEAD}steps:
  - filter: lines
outputs: { a: { jetstream: { subject: "'out.a'" } } }
`);
    expect((await run(p, { lines: [] })).kind).toBe('drop');
    expect((await run(p, { lines: [0] })).kind).toBe('drop');
    expect((await run(p, { lines: [0, 1] })).kind).toBe('emit');
    expect((await run(p, {})).kind).toBe('drop');
  });

  it('names the mapping file, line and column of a run-time expression error', async () => {
    const p = compileInline(`${HEAD}steps:
  - map: m.jsonata
outputs: { a: { jetstream: { subject: "'out.a'" } } }
`, { 'mappings/m.jsonata': '{\n  "n": price + 1\n}\n' });
    const o = await run(p, { price: 'ten' });
    expect(o.kind === 'fail' && o.failure).toMatchObject({ permanent: true, step: 'map m.jsonata' });
    expect(o.kind === 'fail' && o.failure.reason).toBe('mapping failed at mappings/m.jsonata:2:14: T2001 The left side of the "+" operator must evaluate to a number');
  });

  it('refuses a mapping that yields nothing, and a subject that is not a subject', async () => {
    const p = compileInline(`${HEAD}steps:
  - map: { expr: nothing.here }
outputs: { a: { jetstream: { subject: "'out.a'" } } }
`);
    expect((await run(p, {})).kind === 'fail').toBe(true);
    const q = compileInline(`${HEAD}outputs: { a: { jetstream: { subject: out.a } } }\n`);
    const o = await run(q, {});
    expect(o.kind === 'fail' && o.failure.reason).toMatch(/subject expression gave nothing, not a valid subject \(a literal subject needs quotes/);
  });

  it('passes $headers, $subject and $meta to expressions', async () => {
    const p = compileInline(`${HEAD}steps:
  - map: { expr: '{ "partner": $headers."X-Partner", "from": $subject, "seq": $meta.streamSeq }' }
outputs: { a: { jetstream: { subject: "'out.a'" } } }
`);
    const o = await run(p, {}, { 'X-Partner': 'acme' }, 7);
    expect(o.kind === 'emit' && o.emissions[0]!.body).toEqual({ partner: 'acme', from: 'in.x', seq: 7 });
  });

  it('dead-letters a payload that is not JSON before any step', async () => {
    const p = compileInline(`${HEAD}outputs: { a: { jetstream: { subject: "'out.a'" } } }\n`);
    const o = await run(p, '{"unterminated": ');
    expect(o.kind === 'fail' && o.failure).toMatchObject({ permanent: true, stepIndex: 0, step: 'decode' });
  });

  it('splits a body into one message per item with `each`, and picks a payload with `body`', async () => {
    const p = compileInline(`${HEAD}outputs:
  docs:
    jetstream:
      each: documents
      subject: "'out.doc.' & type"
      id: "$parent.file & ':' & n"
  ack:
    jetstream:
      subject: "'out.ack'"
      body: ack
`);
    const o = await run(p, { file: 'f1', ack: 'ISA*00~', documents: [{ type: '850', n: 1 }, { type: '856', n: 2 }] }, {}, 3);
    expect(o.kind === 'emit' && o.emissions.map((e) => [e.output, e.subject, e.msgId, e.body])).toEqual([
      ['docs', 'out.doc.850', 'f1:1', { type: '850', n: 1 }],
      ['docs', 'out.doc.856', 'f1:2', { type: '856', n: 2 }],
      ['ack', 'out.ack', 'p:IN:3:ack:0', 'ISA*00~'],
    ]);
    const none = await run(p, { file: 'f2', ack: 'x', documents: [] });
    expect(none.kind === 'emit' && none.emissions.map((e) => e.output)).toEqual(['ack']);
  });

  it('validates a part of the body, or every item of a list, naming the item', async () => {
    const schema = JSON.stringify({ type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'number', minimum: 1 } }, required: ['sku', 'qty'] });
    const p = compileInline(`${HEAD}steps:
  - validate: { schema: line.schema.json, each: lines }
  - validate: { schema: line.schema.json, select: "lines[0]" }
outputs: { a: { jetstream: { subject: "'out.a'" } } }
`, { 'schemas/line.schema.json': schema });
    expect((await run(p, { lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }] })).kind).toBe('emit');
    const bad = await run(p, { lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 0 }] });
    expect(bad.kind === 'fail' && bad.failure).toMatchObject({ step: 'validate line.schema.json (each lines)', field: '[1]/qty', reason: 'does not match line.schema.json: [1]/qty: must be >= 1' });
  });

  it('fails a body nested too deeply for a step for good, not as a retry (it would overflow every time)', async () => {
    // A recursive schema: ajv's validator recurses once per level of the body.
    const schema = JSON.stringify({ $ref: '#/$defs/node', $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } } });
    const p = compileInline(`${HEAD}steps:
  - validate: tree.schema.json
outputs: { a: { jetstream: { subject: "'out.a'" } } }
`, { 'schemas/tree.schema.json': schema });
    expect((await run(p, { child: { child: {} } })).kind).toBe('emit');
    const deep = '{"child":'.repeat(200_000) + '{}' + '}'.repeat(200_000);
    const o = await run(p, deep);
    expect(o.kind === 'fail' && o.failure).toMatchObject({ permanent: true, stepIndex: 1, step: 'validate tree.schema.json' });
    expect(o.kind === 'fail' && o.failure.reason).toMatch(/^the message is nested too deeply to process \(Maximum call stack size exceeded\)$/);
  });
});
