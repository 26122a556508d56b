/**
 * The compiler's contract with its caller (runtime/expressions/jsonata.ts): what it compiles,
 * what it declines and why, how errors look, and what happens when an evaluation needs the
 * reference after all.
 */
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { tryCompile } from '../../runtime/expressions/compiler/index.ts';
import { ExpressionError, compileExpression, isPromiseLike } from '../../runtime/expressions/jsonata.ts';
import { sameValue } from './same-value.ts';

const order = {
  id: 1001,
  customer: { first: 'Ada', last: 'Lovelace' },
  lines: [
    { sku: 'A-1', qty: 2, price: '9.50', vendor: 'x' },
    { sku: 'B-2', qty: 1, price: '20.00', vendor: 'y' },
    { sku: 'C-3', qty: 5, price: '1.25', vendor: 'x' },
  ],
};

async function both(source: string, input: unknown = order): Promise<[unknown, unknown]> {
  const compiled = tryCompile(jsonata(source).ast(), source);
  if (!compiled.ok) throw new Error(`not compiled: ${compiled.reason}`);
  return [await jsonata(source).evaluate(input), compiled.evaluate(input)];
}

describe('compiled results', () => {
  it.each([
    'lines.sku',
    'lines[qty > 1].sku',
    'lines[0]',
    'lines[-1].price',
    '$sum(lines.(qty * $number(price)))',
    'customer.first & " " & customer.last',
    'lines{vendor: $sum(qty)}',
    'lines^(>qty).sku',
    'lines#$i.{"n": $i + 1, "sku": sku}',
    'lines@$l.customer',
    '$map(lines, function($l, $i) { $i & ":" & $l.sku })',
    '$filter(lines, function($l) { $l.vendor = "x" }).sku',
    '$reduce(lines.qty, function($a, $b) { $a + $b }, 0)',
    'lines.sku ~> $join(", ")',
    '($double := function($x) { $x * 2 }; lines.qty.$double($))',
    '[lines.sku][]',
    '{"skus": lines.sku, "count": $count(lines)}',
    '**.sku',
    'lines.*',
    '$string(lines[0])',
    '$keys(lines[0])',
    'lines[sku in ["A-1", "C-3"]].qty',
    '$sort(lines.sku, function($a, $b) { $a < $b })',
    '$match("a1b22c333", /[0-9]+/).match',
    '$replace("2024-01-31", /(\\d+)-(\\d+)-(\\d+)/, "$3/$2/$1")',
    '$formatNumber(1234.5, "#,##0.00")',
    '$fromMillis(0, "[Y0001]-[M01]-[D01]")',
    '$ ~> |lines|{"total": qty * $number(price)}, ["price"]|',
    '($f := |customer|{"full": first & " " & last}|; $f($).customer)',
  ])('%s: same as the reference', async (source) => {
    const [expected, actual] = await both(source);
    expect(sameValue(actual, expected, true)).toBe(true);
  });

  it('marks sequences exactly as the reference does', async () => {
    const [expected, actual] = (await both('lines.sku')) as [string[] & { sequence?: boolean }, string[] & { sequence?: boolean }];
    expect(actual.sequence).toBe(expected.sequence);
    const [e2, a2] = (await both('[lines.sku]')) as [string[] & { sequence?: boolean }, string[] & { sequence?: boolean }];
    expect(a2.sequence).toBe(e2.sequence);
  });

  it('treats a top-level array input as one value, as the reference does', async () => {
    for (const source of ['$', '$[0]', '$.a', '*', '$count($)', '$string()', '{"n": $count($)}']) {
      const [expected, actual] = await both(source, [{ a: 1 }, { a: 2 }]);
      expect(sameValue(actual, expected, true), source).toBe(true);
    }
  });
});

describe('what is declined, and why', () => {
  it.each([
    ['Account.Order.Product.%.OrderID', 'parent operator % is not compiled'],
    ['Account.Order#$i^(OrderID)[$i = 0]', 'order-by over a tuple stream followed by a predicate'],
    ['$eval("1+1")', 'function $eval is not compiled'],
    ['[$x := 1, $x]', 'variable binding inside array constructor items'],
  ])('%s', (source, reason) => {
    const result = tryCompile(jsonata(source).ast(), source);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain(reason);
      expect(typeof result.position === 'number' || result.position === undefined).toBe(true);
    }
    const expression = compileExpression(source);
    expect(expression.engine).toBe('reference');
    expect(expression.fallbackReason).toContain(reason);
    expect(() => compileExpression(source, { strictCompile: true })).toThrow(expect.objectContaining({ code: 'X0001' }));
  });
});

describe('errors', () => {
  it.each([
    ['1 + "a"', {}],
    ['$number("x")', {}],
    ['$substring(1)', {}],
    ['[1,2] < 3', {}],
    ['{"a": 1, "a": 2}', {}],
    ['$map([1], function($v) { $v.x + "y" })', {}],
    ['($f := function($n) { $n > 0 ? $f($n - 1) : $undefined() }; $f(3))', {}],
    ['$error("stop")', {}],
    ['$single([1, 2])', {}],
  ])('%s: same code, position, token and message as the reference', async (source, input) => {
    let expected: Record<string, unknown> = {};
    try {
      await jsonata(source).evaluate(input);
    } catch (e) {
      expected = e as Record<string, unknown>;
    }
    const compiled = compileExpression(source, { strictCompile: true });
    let actual: unknown;
    try {
      compiled.evaluate(input);
    } catch (e) {
      actual = e;
    }
    expect(actual).toBeInstanceOf(ExpressionError);
    const a = actual as ExpressionError;
    expect({ code: a.code, position: a.position, token: a.token, message: a.message }).toEqual({
      code: typeof expected['code'] === 'string' ? expected['code'] : 'E0000',
      position: expected['position'],
      token: expected['token'],
      message: expected['message'],
    });
  });
});

describe('functions from outside the expression', () => {
  it('hands the evaluation to the reference, which calls them (async or not)', async () => {
    const expression = compileExpression('$lookupPrice(lines[0].sku) * 2', { strictCompile: true });
    expect(expression.engine).toBe('compiled');
    const calls: string[] = [];
    const result = expression.evaluate(order, {
      lookupPrice: async (sku: string) => {
        calls.push(sku);
        return 21;
      },
    });
    expect(isPromiseLike(result)).toBe(true);
    expect(await result).toBe(42);
    expect(calls).toEqual(['A-1']);
  });

  it('still evaluates synchronously when the binding is data', () => {
    const expression = compileExpression('lines[0].qty * $factor', { strictCompile: true });
    expect(expression.evaluate(order, { factor: 3 })).toBe(6);
  });

  it('lets bindings override library functions, as the reference does', async () => {
    const expression = compileExpression('$sum(lines.qty)', { strictCompile: true });
    expect(await expression.evaluate(order, { sum: () => 'overridden' })).toBe('overridden');
    expect(() => expression.evaluate(order, { sum: 5 })).toThrow(expect.objectContaining({ code: 'T1006' }));
    await expect(jsonata('$sum(lines.qty)').evaluate(order, { sum: 5 })).rejects.toMatchObject({ code: 'T1006' });
  });

  it('hands a failure in one of several concurrently evaluated parts to the reference', async () => {
    // The reference evaluates array items (and object values) concurrently: which error it
    // reports, and where, depends on how its promises interleave.
    const source = '[$number("x"), 1 + "a"]';
    const result = compileExpression(source, { strictCompile: true }).evaluate({});
    expect(isPromiseLike(result)).toBe(true);
    const expected = await jsonata(source).evaluate({}).catch((e: { code: string; position: number }) => e);
    await expect(result).rejects.toMatchObject({ code: (expected as { code: string }).code, position: (expected as { position: number }).position });
  });

  it('hands over failures of concurrent parts however deep, and only those', async () => {
    const data = { lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }] };
    const handedOver = [
      '{"a": $string(lines.sku), "b": {"x": $number("q"), "y": lines.qty & ""}}',
      '[$count(lines), $map(lines, function($l) { [$string($l.sku), $l.qty + "x"] })]',
      'lines{sku: {"p": qty & "", "q": $number(sku)}}',
      '{"a": $count(lines), "b": ($f := function($n) { $n = 0 ? $error("deep") : $f($n - 1) }; $f(3))}',
    ];
    for (const source of handedOver) {
      const result = compileExpression(source, { strictCompile: true }).evaluate(data);
      expect(isPromiseLike(result), source).toBe(true);
      const expected = await jsonata(source).evaluate(data).then(() => 'value', (e: { code: string }) => e.code);
      await expect(Promise.resolve(result).then(() => 'value', (e: { code: string }) => e.code), source).resolves.toBe(expected);
    }
    // Parts that all completed, then a failure outside them: an ordinary error, thrown at once.
    const after = ['({"a": lines.sku, "b": $count(lines)}; $number("x"))', '([[$count(lines), $string(1)], [$sum(lines.qty), $string(2)]]; $error("after"))', '{"a": lines.sku, "b": lines.qty}.c + "x"'];
    for (const source of after) {
      const expected = await jsonata(source).evaluate(data).catch((e: { code: string; position: number }) => e);
      expect(() => compileExpression(source, { strictCompile: true }).evaluate(data), source).toThrow(
        expect.objectContaining({ code: (expected as { code: string }).code, position: (expected as { position: number }).position }),
      );
    }
  });
});
