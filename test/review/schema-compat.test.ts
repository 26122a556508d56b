/** Schema compatibility and JSON diffs, as plain functions. */
import { describe, expect, it } from 'vitest';
import { compareSchemas } from '../../runtime/review/schema-compat.ts';
import { fieldChanges, removedFields, unifiedJsonDiff } from '../../runtime/review/json-diff.ts';
import { parseJson } from '../../runtime/review/json-position.ts';

const show = (base: unknown, head: unknown, resolvers = {}): string[] => compareSchemas(base, head, resolvers).map((c) => `${c.breaking ? 'BREAKING' : 'ok'} ${c.path} ${c.message}`);

describe('schema compatibility', () => {
  it('follows $refs inside the file, and survives recursive schemas', () => {
    const tree = (leaf: unknown) => ({ definitions: { node: { type: 'object', properties: { name: leaf, children: { type: 'array', items: { $ref: '#/definitions/node' } } } } }, $ref: '#/definitions/node' });
    expect(show(tree({ type: 'string' }), tree({ type: 'string', maxLength: 10 }))).toEqual(['BREAKING /name maxLength lowered to 10']);
  });

  it('leaves another file to its own comparison, unless the reference changed', () => {
    const files: Record<string, unknown> = { 'a.json': { type: 'string' }, 'b.json': { type: 'number' } };
    const resolve = (ref: string) => files[ref];
    expect(show({ properties: { x: { $ref: 'a.json' } } }, { properties: { x: { $ref: 'a.json' } } })).toEqual([]);
    expect(show({ properties: { x: { $ref: 'a.json' } } }, { properties: { x: { $ref: 'b.json' } } }, { base: resolve, head: resolve })).toEqual(['BREAKING /x type narrowed from string to number']);
  });

  it('closing an object, raising a minimum, adding a pattern are breaking; the opposite is not', () => {
    const open = { type: 'object', properties: { qty: { type: 'number', minimum: 0 }, code: { type: 'string' } } };
    const closed = { type: 'object', additionalProperties: false, properties: { qty: { type: 'number', minimum: 1 }, code: { type: 'string', pattern: '^[A-Z]+$' } } };
    expect(show(open, closed)).toEqual(['BREAKING /qty minimum raised from 0 to 1', 'BREAKING /code pattern "^[A-Z]+$" added', 'BREAKING / unknown fields no longer allowed']);
    expect(show(closed, open)).toEqual(['ok /qty minimum relaxed from 1 to 0', 'ok /code pattern "^[A-Z]+$" dropped', 'ok / unknown fields now allowed']);
  });

  it('integer to number widens; a type list that loses a member narrows', () => {
    expect(show({ type: 'integer' }, { type: 'number' })).toEqual(['ok / type widened from integer to number']);
    expect(show({ type: ['string', 'null'] }, { type: 'string' })).toEqual(['BREAKING / type narrowed from string or null to string']);
  });
});

describe('JSON diffs', () => {
  it('lists changed fields by dotted path', () => {
    expect(fieldChanges({ input: { jetstream: { durable: 'a' } }, steps: [{ map: 'x' }] }, { input: { jetstream: { durable: 'b' } }, steps: [{ map: 'x' }, { validate: 'y' }] })).toEqual([
      { path: 'input.jetstream.durable', before: 'a', after: 'b' },
      { path: 'steps[1]', after: { validate: 'y' } },
    ]);
  });

  it('names the fields a message loses', () => {
    expect(removedFields({ id: 1, lines: [{ sku: 'a', qty: 1 }] }, { id: 1, lines: [{ qty: 1 }] })).toEqual(['/lines/*/sku']);
  });

  it('gives a unified diff with context, key order ignored', () => {
    const before = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9 };
    const after = { i: 9, h: 8, g: 7, f: 6, e: 5, d: 4, c: 3, b: 2, a: 0 };
    expect(unifiedJsonDiff(before, after, 1)).toEqual(['  {', '-   "a": 1,', '+   "a": 0,', '    "b": 2,']);
    expect(unifiedJsonDiff(before, before)).toEqual([]);
  });
});

describe('JSON with the position of its mistake', () => {
  it.each([
    ['{"a": 1,}', 7, 'a comma before } (trailing commas are not allowed)'],
    ['{"a" 1}', 5, "expected ':' after the property name, found '1'"],
    ['[1, 2', 5, "expected ',' or ']' after an array item, found the end of the file"],
    ['{"a": }', 6, "'}' cannot start a value"],
    ["{'a': 1}", 1, "expected a property name in double quotes, found '''"],
    ['{"a": "x\ny"}', 8, 'a control character (such as a line break) inside a string; write it as an escape'],
    ['{"a": 1} x', 9, "more text after the JSON value: 'x'"],
  ])('%s', (text, offset, message) => {
    expect(parseJson(text)).toEqual({ ok: false, offset, message });
  });

  it('parses good JSON, with or without a byte-order mark', () => {
    expect(parseJson('\uFEFF{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
  });
});

describe('the plan comment', () => {
  it("stays within GitHub's comment size, counting what it leaves out", async () => {
    const { renderPlan } = await import('../../runtime/review/render-plan.ts');
    const big = { text: 'x'.repeat(2000) };
    const behaviour = Array.from({ length: 50 }, (_, i) => ({ pipeline: 'p', test: `t${i}`, status: 'changed' as const, diff: [`- ${JSON.stringify(big)}`, `+ ${JSON.stringify({ ...big, i })}`], notes: [], breaking: false }));
    const section = { added: [], removed: [], changed: [] };
    const md = renderPlan({ base: 'abc', head: 'working tree', pipelines: section, streams: section, consumers: section, findings: [], schemas: [], behaviour, errors: { base: [], head: [] } }, 20_000);
    expect(md.length).toBeLessThan(20_000);
    expect(md).toMatch(/\n(\d+) more fixture\(s\) not shown, to keep this comment within GitHub's size limit/);
    const shown = md.match(/<details>/g)?.length ?? 0;
    expect(shown + Number(/(\d+) more fixture/.exec(md)?.[1])).toBe(50);
  });
});
