/**
 * The shapes generated code takes for speed must not change any answer: pooled temporaries,
 * big parts compiled as functions of their own, lambdas applied at the call site, library
 * functions inlined, root names resolved inline. Each case runs through the reference and the
 * compiler (results, or error code, position and token, must be the same).
 */
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../runtime/expressions/jsonata.ts';
import { compareEngines } from './differential.ts';
import { sameValue } from './same-value.ts';

const data = {
  id: 7,
  name: 'Order 7',
  flag: true,
  nothing: null,
  customer: { first: 'Ada', last: 'Lovelace', tags: ['a', 'b'] },
  lines: [
    { sku: 'A', qty: 2, price: '9.50', dims: { w: 1, h: 2 } },
    { sku: 'B', qty: 0, price: '20.00', dims: { w: 3 } },
    { sku: 'C', qty: 5, price: 1.25 },
  ],
  nested: [[1, 2], [3]],
};

/** An object constructor big enough for its values to be compiled apart. */
function bigObject(extra: string): string {
  const fields = [
    '"a": id',
    '"b": name & "!"',
    '"c": customer.first & " " & customer.last',
    '"d": [lines.sku]',
    '"e": $sum(lines.qty)',
    '"f": lines[qty > 1].{"sku": sku, "w": dims.w}',
    '"g": $count(customer.tags)',
    '"h": $string(lines[0].qty) & $lowercase(name)',
    '"i": lines.dims.h',
    '"j": $exists(nothing) ? "yes" : "no"',
    '"k": (function($x) { $x.first })(customer)',
    '"l": [1, 2, 3].($ * id)',
    extra,
  ];
  return `{ ${fields.join(',\n ')} }`;
}

const cases: readonly string[] = [
  bigObject('"m": $map(lines, function($l, $i) { {"n": $i, "sku": $l.sku, "ctx": $.name} })'),
  bigObject('"m": ($v := customer; $w := $v.first; {"v": $w, "f": function() { $w & $v.last }()})'),
  bigObject('"m": lines.(qty + "x")'),
  bigObject('"m": $error("stop")'),
  bigObject('"m": lines[0].price + 1'),
  bigObject('"m": (lines.qty)[0] / 0 + $number("x")'),
  `(
    $t := function($v) { $type($v) = 'string' and $length($v) > 0 ? $v };
    $f := function($x) { ${'$t($x.sku) & '.repeat(12)}'' };
    $g := function($o) { { ${Array.from({ length: 14 }, (_, i) => `"k${i}": $t($o.sku) & $string($o.qty + ${i})`).join(', ')} } };
    [lines.$f($), lines.$g($)]
  )`,
  // Functions created inside a part that is compiled apart keep seeing their context.
  bigObject('"m": $map(lines, function($l) { function() { $l.sku & $.name } })[0]()'),
  // A context-free block of binds and calls, then the same values used after it.
  `( ${Array.from({ length: 12 }, (_, i) => `$v${i} := lines[${i % 3}].qty * ${i}`).join('; ')}; [${Array.from({ length: 12 }, (_, i) => `$v${i}`).join(', ')}] )`,
];

const calls: readonly string[] = [
  '$count(1)',
  '$count([1, 2])',
  '$count(nothing)',
  '$lowercase(20)',
  '$uppercase("abc")',
  '$string(1/0)',
  '$type(function() { 1 })',
  '$type(1/0)',
  '$length(123)',
  '$number(true) + $number("12")',
  '$boolean(customer) and $not(flag)',
  '$exists($string)',
  '2()',
  '2(blah)',
  '($f := function($x) { $x > 3 ? $x : $f($x + 1) }; $f(0))',
  '($f := function($x) { $x.nope.x + 1 }; $f(customer))',
  '($f := function($x) { $x + 1 }; $f("a"))',
  '($f := function($x)<n:n> { $x + 1 }; $f("a"))',
  '($f := function($x) { $g($x) }; $g := function($y) { $y & 1 }; $f({"a": 1}))',
  '$map(lines, function($l) { $l.qty & "" + 1 })',
  '$map(lines, function($l, $i, $a) { $count($a) + $i })',
  '$filter(lines, function($l) { $l.qty > 1 }).sku',
  '$map([1, 2], $string)',
  '$map([1/0], $string)',
  '($s := $string; $s(1) & $map([2], $s))',
  // Every evaluation of a regex literal shares its RegExp: matches must not see each other's.
  '($f := function($s, $n) { $n = 0 ? $s : $replace($s, /a(b)?/, function($m) { $f("abab", $n - 1) & $m.groups[0] }) }; $f("xabyab", 2))',
  '($r := $map([1, 2], function($x) { /[A-C]/ }); $m := $r[0]("xAB"); $n := $m.next; [$r[1]("B").match, $n().match, $n(), $r[0] = $r[1]])',
  '[$match("a1b22c333", /[0-9]+/), $split("a1b22", /[0-9]/), $contains("abc", /B/i), $match("aaa", /a/)[1].index]',
];

const paths: readonly string[] = [
  '"abc".x',
  '$.name.x',
  'nothing.x',
  'customer.tags.x',
  'lines.dims.w',
  'nested.x',
  '($v := lines; $v.sku)',
  '($v := [lines]; $v.sku)',
  '($v := "s"; $v.x.y)',
  '($v := nothing; $v.x)',
  // A leading variable evaluated once, before the steps after it.
  '($v := lines; $v[qty > 1].sku)',
  '($v := []; $v.x[0])',
  '($v := [[]]; $v.x[0])',
  '($v := [lines[0], [lines[1]]]; $v.dims[w > 1])',
  '($v := nothing; $v.x[0])',
  '($v := lines[0]; $v.sku[0])',
  '($v := [1, 2]; $v.($ + 1)[0])',
  '$.{"a": name}',
  '$.lines[0].sku',
  '$$.lines^(qty).sku',
  // Lambdas called through the runtime: errors escaping them, tail calls, signatures.
  '($f := function($x) { $x.qty + $x.sku }; lines.$f($))',
  '($f := function($x) { $g($x) }; $g := function($y) { $y.qty * 2 }; $map(lines, $f))',
  '($f := function($x, $n) { $n = 0 ? $x : $f($x & "!", $n - 1) }; $f("a", 400))',
  '($f := function($x)<s:s> { $x }; $f(lines[0].qty))',
  '($f := function($x) { $x }; $g := $f; $g(1) + $f(lines[0].qty))',
];

describe('generated code shapes', () => {
  it.each(cases.map((c) => [c]))('big parts: %s', async (source) => {
    const r = await compareEngines(source, data);
    expect(r.kind === 'different' ? r.detail : r.kind).toBe('same');
  });

  it.each(calls.map((c) => [c]))('calls: %s', async (source) => {
    const r = await compareEngines(source, data);
    expect(r.kind === 'different' ? r.detail : r.kind).toBe('same');
  });

  it.each(paths.map((c) => [c]))('name paths: %s', async (source) => {
    const r = await compareEngines(source, data);
    expect(r.kind === 'different' ? r.detail : r.kind).toBe('same');
  });

  it('resolves root names from own enumerable bindings only, even when undefined', async () => {
    const inherited = Object.create({ string: 5 }) as Record<string, unknown>;
    inherited['x'] = 1;
    for (const bindings of [{ string: undefined }, { string: 5 }, inherited, { type: (v: unknown) => v }, {}]) {
      for (const source of ['$string(1)', '$type("a")', '$x', '$string']) {
        const r = await compareEngines(source, data, bindings as Record<string, unknown>);
        expect(r.kind === 'different' ? r.detail : 'ok', source).toBe('ok');
      }
    }
  });

  it('reads own fields only, also once Object.prototype has a property of that name', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['sku'] = 'inherited';
    try {
      for (const source of ['sku', 'lines.sku', 'customer.sku', '{"s": customer.sku}']) {
        const r = await compareEngines(source, data);
        expect(r.kind === 'different' ? r.detail : r.kind, source).toBe('same');
      }
    } finally {
      delete proto['sku'];
    }
  });

  it('reads fields of objects with other prototypes as the reference does', async () => {
    // Not through compareEngines: it copies its inputs, which would make these plain objects.
    class Host {
      own = 1;
      get inherited(): number {
        return 2;
      }
    }
    const bare = Object.create(null) as Record<string, unknown>;
    bare['own'] = 3;
    const onlyInherited = Object.create({ own: 6 }) as unknown;
    const hidden = Object.defineProperty({}, 'own', { value: 7, enumerable: false }) as unknown;
    for (const x of [new Host(), bare, JSON.parse('{"__proto__": {"own": 4}, "own": 5}') as unknown, onlyInherited, hidden, {}]) {
      for (const source of ['$x.own', '$x.inherited', '$x.constructor', '$x.__proto__.own', '$keys($x)', '$x ? "t" : "f"', '$boolean($x)', '$x and true']) {
        const expected: unknown = await jsonata(source).evaluate(data, { x });
        const actual = compileExpression(source, { strictCompile: true }).evaluate(data, { x });
        expect(sameValue(actual, expected), source).toBe(true);
      }
    }
  });

  it('keeps depth guardrails inside parts compiled apart', async () => {
    const deep = '($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(3000))';
    const r = await compareEngines(bigObject(`"m": ${deep}`), data);
    expect(r.kind === 'same' ? r.error : r.kind).toBe('D1011');
  });
});
