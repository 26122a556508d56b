/** The pieces lint's rules stand on: static subjects, finding a field in a mapping, the frozen clock. */
import { describe, expect, it } from 'vitest';
import { staticSubjects } from '../../runtime/graph/static-subjects.ts';
import { locateField } from '../../runtime/lint/mapping-locate.ts';
import { withFrozenClock } from '../../runtime/expressions/clock.ts';
import { FIXTURE_TIME as FIXTURE_INSTANT } from '../../runtime/fixture-tests/fixtures.ts';
import { compileExpression } from '../../runtime/expressions/jsonata.ts';

describe('static subjects', () => {
  it.each([
    ["'erp.orders'", ['erp.orders'], true],
    ["'erp.salesorders.' & channel", ['erp.salesorders.*'], true],
    ["'edi.in.' & type & '.' & partner", ['edi.in.*.*'], true],
    ["'exceptions.edi-rejected.' & (interchanges[0].partner ? interchanges[0].partner : 'unknown')", ['exceptions.edi-rejected.*'], true],
    ['$lookup({"orders/create": "channel.shopify.orders.created", "refunds/create": "channel.shopify.returns.created"}, $headers."X-Shopify-Topic")', ['channel.shopify.orders.created', 'channel.shopify.returns.created'], true],
    ["total > 100 ? 'review.orders' : 'erp.orders'", ['review.orders', 'erp.orders'], true],
    ['target', [], false],
    ["$lowercase(channel) & '-orders'", [], false],
    ["cond ? 'erp.orders' : target", ['erp.orders'], false],
  ] as const)('%s', (expression, patterns, complete) => {
    expect(staticSubjects(expression)).toEqual({ patterns, complete });
  });

  it('gives up on an expression that does not parse', () => {
    expect(staticSubjects("'erp.' &")).toBeUndefined();
  });
});

describe('finding the key that builds a field', () => {
  const mapping = `{
  "id": $string(id),
  "lines": items.{
    "sku": code,
    "quantity": qty
  },
  "customer": { "id": buyer.id }
}`;
  const at = (field: string): string | undefined => {
    const offset = locateField(mapping, field);
    return offset === undefined ? undefined : mapping.slice(offset, offset + 12);
  };
  it('follows the JSON path through object constructors, array indexes ignored', () => {
    expect(at('/lines/0/sku')).toBe('"sku": code,');
    expect(at('/customer/id')).toBe('"id": buyer.');
    expect(at('/id')).toBe('"id": $strin');
  });
  it('falls back to the nearest parent the mapping writes', () => {
    expect(at('/lines/3/unit')).toBe('"lines": ite');
    expect(at('/nothing')).toBeUndefined();
  });
});

describe('the frozen clock', () => {
  it('stops $now() and $millis() in both evaluators, and restores the clock', async () => {
    const compiled = compileExpression('[$now(), $millis()]');
    const reference = compileExpression('[$now(), $millis()]', { engine: 'reference' });
    const [a, b] = await withFrozenClock(FIXTURE_INSTANT, async () => [await compiled.evaluate({}), await reference.evaluate({})]);
    expect(a).toEqual(['2026-03-02T09:30:00.000Z', FIXTURE_INSTANT]);
    expect(b).toEqual(a);
    expect(Date.now()).toBeGreaterThan(FIXTURE_INSTANT);
  });
});
