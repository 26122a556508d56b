/**
 * fast-check arbitraries for differential fuzzing: JSONata source text over the constructs the
 * compiler supports, and JSON inputs shaped so that the expressions find something (a small set
 * of field names shared by both). The text only has to parse; whatever AST the parser makes is
 * given to both engines.
 */
import fc from 'fast-check';

export const fieldNames = ['a', 'b', 'c', 'name', 'price', 'qty', 'items', 'tags', 'Order', 'Product'] as const;

const oddFieldNames = ['`__proto__`', '`constructor`', '`toString`', '`hasOwnProperty`', '`prototype`', '`x y`', '`0`', '`1`'];

export function jsonValue(maxDepth = 4): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown; leaf: unknown }>((tie) => ({
    leaf: fc.oneof(
      fc.integer({ min: -3, max: 12 }),
      fc.constantFrom(0.5, 1.25, -2.5, 100, 1e21, 0.1, 3.3333333333333335),
      fc.constantFrom('a', 'b', '', 'x y', '10', '1.5', 'B', 'ab', '__proto__', 'Aa'),
      fc.boolean(),
      fc.constant(null),
    ),
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      { arbitrary: tie('leaf'), weight: 3 },
      { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 2 },
      {
        arbitrary: fc.dictionary(fc.constantFrom(...fieldNames, '__proto__', 'constructor', '0', '10', '2'), tie('value'), { maxKeys: 4 }),
        weight: 3,
      },
    ),
  }));
  return value;
}

/**
 * Documents with the shape the grammar's paths look for (orders with products, items with
 * names and prices), so that most paths find something; values still vary.
 */
export function structuredDocument(): fc.Arbitrary<unknown> {
  const scalar = fc.oneof(
    fc.integer({ min: -2, max: 20 }),
    fc.constantFrom(1.5, 0.1, 2.25, 1e21),
    fc.constantFrom('a', 'b', 'ab', '', '10', 'x y'),
    fc.boolean(),
    fc.constant(null),
  );
  const product = fc.record(
    { name: fc.constantFrom('a', 'b', 'Aa', 'hat', ''), price: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom(1.5, '9.99', 0.1)), qty: fc.integer({ min: 0, max: 4 }), tags: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }) },
    { requiredKeys: ['name', 'price'] },
  );
  const order = fc.record({ a: scalar, Product: fc.oneof(fc.array(product, { maxLength: 4 }), product) }, { requiredKeys: ['Product'] });
  return fc.record(
    {
      a: scalar,
      b: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
      c: fc.record({ a: scalar, b: fc.array(scalar, { maxLength: 3 }), c: fc.record({ a: scalar, name: scalar }) }),
      name: fc.constantFrom('a', 'B', 'x y', ''),
      price: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant('12.50')),
      qty: fc.integer({ min: -1, max: 5 }),
      items: fc.array(product, { maxLength: 5 }),
      tags: fc.array(fc.constantFrom('a', 'b', 'c', 'a'), { maxLength: 4 }),
      Order: fc.array(order, { maxLength: 3 }),
    },
    { requiredKeys: ['items', 'Order'] },
  );
}

/** Inputs: mostly structured documents, sometimes anything at all. */
export function fuzzInput(): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: structuredDocument(), weight: 3 }, { arbitrary: jsonValue(), weight: 2 });
}

/** Functions the compiler supports, with deterministic results. */
const unaryFunctions = [
  'string', 'length', 'uppercase', 'lowercase', 'trim', 'number', 'floor', 'ceil', 'round', 'abs', 'sqrt',
  'sum', 'count', 'max', 'min', 'average', 'boolean', 'not', 'exists', 'keys', 'spread', 'merge', 'reverse',
  'sort', 'distinct', 'type', 'base64encode', 'base64decode', 'encodeUrl', 'encodeUrlComponent', 'decodeUrl',
  'decodeUrlComponent', 'append', 'zip', 'string', 'join', 'formatBase',
];
const binaryFunctions = [
  'substring', 'substringBefore', 'substringAfter', 'pad', 'contains', 'split', 'join', 'round', 'power', 'lookup',
  'append', 'formatBase', 'formatNumber', 'formatInteger', 'zip', 'match', 'replace', 'string',
];

const literal = fc.oneof(
  fc.integer({ min: -3, max: 12 }).map(String),
  fc.constantFrom('0.5', '1.5', '1e3', '-1', '2.25'),
  fc.constantFrom('"a"', '"b"', '""', '"x y"', '"10"', '"ab"', "'B'", '"#,##0.0"', '"0"', '"w"', '"😀é"', '"a\\nb"', '" t "'),
  fc.constantFrom('true', 'false', 'null'),
);

const field = fc.oneof({ arbitrary: fc.constantFrom(...fieldNames), weight: 8 }, { arbitrary: fc.constantFrom(...oddFieldNames), weight: 1 });

const variable = fc.constantFrom('$', '$$', '$x', '$v', '$i', '$acc', '$y');

const binaryOp = fc.constantFrom('+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or', 'in');

export function expression(maxDepth = 5): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string; leaf: string; path: string }>((tie) => {
    const e = tie('expr');
    return {
      leaf: fc.oneof(literal, field, variable),
      path: fc.oneof(
        {
          arbitrary: fc.constantFrom(
            'Order.Product', 'Order.Product.price', 'Order.Product.name', 'items', 'items.price', 'items.name', 'items.tags',
            'Order.Product.tags', 'c.b', 'c.c.a', 'Order.a', 'tags', 'Order[0].Product', 'items[price > 5]', 'Order.Product[0].qty',
          ),
          weight: 2,
        },
        { arbitrary: fc.array(fc.oneof({ arbitrary: field, weight: 6 }, { arbitrary: fc.constant('*'), weight: 1 }, { arbitrary: e.map((x) => `(${x})`), weight: 1 }), {
        minLength: 1,
        maxLength: 3,
      }).map((steps) => steps.join('.')), weight: 2 },
      ),
      expr: fc.oneof(
        { depthSize: 'small', maxDepth, withCrossShrink: true },
        { arbitrary: tie('leaf'), weight: 6 },
        { arbitrary: tie('path'), weight: 6 },
        { arbitrary: fc.tuple(e, binaryOp, e).map(([a, op, b]) => `${a} ${op} ${b}`), weight: 4 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `(${a}) ${'='} (${b})`), weight: 1 },
        { arbitrary: e.map((a) => `-${a}`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, p]) => `${a}[${p}]`), weight: 3 },
        { arbitrary: fc.tuple(e, fc.integer({ min: -3, max: 3 })).map(([a, n]) => `${a}[${n}]`), weight: 2 },
        { arbitrary: e.map((a) => `${a}[]`), weight: 1 },
        { arbitrary: fc.tuple(tie('path'), e).map(([p, b]) => `${p}#$i.(${b})`), weight: 1 },
        { arbitrary: fc.tuple(tie('path'), e).map(([p, b]) => `${p}@$v.(${b})`), weight: 1 },
        { arbitrary: fc.tuple(tie('path'), e, fc.constantFrom('', '>', '<')).map(([p, k, d]) => `${p}^(${d}${k})`), weight: 1 },
        { arbitrary: fc.tuple(tie('path'), e, e).map(([p, k, v]) => `${p}{${k}: ${v}}`), weight: 1 },
        { arbitrary: fc.tuple(e, e, e).map(([c, a, b]) => `${c} ? ${a} : ${b}`), weight: 2 },
        { arbitrary: fc.tuple(e, e).map(([c, a]) => `${c} ? ${a}`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `${a} ?: ${b}`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `${a} ?? ${b}`), weight: 1 },
        { arbitrary: fc.array(e, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`), weight: 2 },
        { arbitrary: fc.tuple(fc.integer({ min: -2, max: 5 }), fc.integer({ min: -2, max: 6 })).map(([a, b]) => `[${a}..${b}]`), weight: 1 },
        {
          arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom('"k"', '"a"', '"b"', '"__proto__"'), e), e), { maxLength: 3 }).map(
            (pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`,
          ),
          weight: 2,
        },
        { arbitrary: fc.tuple(fc.constantFrom('$x', '$y'), e, e).map(([n, v, b]) => `(${n} := ${v}; ${b})`), weight: 2 },
        { arbitrary: fc.tuple(fc.constantFrom(...unaryFunctions), e).map(([f, a]) => `$${f}(${a})`), weight: 4 },
        { arbitrary: fc.tuple(fc.constantFrom(...binaryFunctions), e, e).map(([f, a, b]) => `$${f}(${a}, ${b})`), weight: 3 },
        { arbitrary: fc.constantFrom(...unaryFunctions).map((f) => `$${f}()`), weight: 1 },
        {
          arbitrary: fc.tuple(fc.constantFrom('map', 'filter', 'single', 'each', 'sift'), e, e, fc.constantFrom('$v', '$v, $i', '$v, $i, $a')).map(
            ([f, a, body, params]) => `$${f}(${a}, function(${params}) { ${body} })`,
          ),
          weight: 2,
        },
        { arbitrary: fc.tuple(e, e, e).map(([a, body, init]) => `$reduce(${a}, function($acc, $v) { ${body} }, ${init})`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, body]) => `$sort(${a}, function($x, $y) { ${body} })`), weight: 1 },
        { arbitrary: fc.tuple(e, e, e).map(([body, arg, sig]) => `(function($x)${sig.length % 2 ? '<x:x>' : ''} { ${body} })(${arg})`), weight: 1 },
        {
          arbitrary: fc.tuple(e, fc.constantFrom('uppercase', 'string', 'count', 'sum', 'type', 'keys', 'exists')).map(([a, f]) => `${a} ~> $${f}()`),
          weight: 1,
        },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `${a} ~> function($x) { ${b} }`), weight: 1 },
        { arbitrary: e.map((a) => `($f := $substring(?, 1, 2); $f(${a}))`), weight: 1 },
        { arbitrary: e.map((a) => `($f := $uppercase ~> $string; $f(${a}))`), weight: 1 },
        { arbitrary: fc.tuple(e, fc.constantFrom('/a/', '/[0-9]+/', '/b(.)/i', '/x*/')).map(([a, r]) => `$replace(${a}, ${r}, "-")`), weight: 1 },
        { arbitrary: fc.tuple(e, fc.constantFrom('/a/', '/[0-9]+/', '/b(.)/i')).map(([a, r]) => `$match(${a}, ${r})`), weight: 1 },
        { arbitrary: fc.tuple(e, fc.constantFrom('/a/', '/[0-9]+/', '/,/')).map(([a, r]) => `$split(${a}, ${r})`), weight: 1 },
        { arbitrary: e.map((a) => `**.${'a'}[${a}]`), weight: 1 },
        // Functions as path steps (context substitution) and chained steps with predicates.
        {
          arbitrary: fc.tuple(tie('path'), fc.constantFrom('$uppercase()', '$string()', '$length()', '$number()', '$keys()', '$count($)', '$substring(1)', '$exists($)', '$type()')).map(
            ([p, f]) => `${p}.${f}`,
          ),
          weight: 2,
        },
        { arbitrary: fc.tuple(tie('path'), e, tie('path')).map(([p, q, r]) => `${p}[${q}].${r}`), weight: 2 },
        { arbitrary: fc.tuple(tie('path'), e, e).map(([p, a, b]) => `${p}^(${a}, >${b})`), weight: 1 },
        { arbitrary: fc.tuple(tie('path'), e).map(([p, a]) => `${p}#$i[${a}]`), weight: 1 },
        { arbitrary: fc.tuple(tie('path'), tie('path'), e).map(([p, q, a]) => `${p}@$v.${q}[${a}].{"v": $v, "x": $}`), weight: 1 },
        { arbitrary: fc.tuple(tie('path'), e, e).map(([p, k, v]) => `${p}#$i{${k}: $i & ${v}}`), weight: 1 },
        // Variables bound before use, closures over them, and reads before the bind.
        {
          arbitrary: fc.tuple(e, e, e).map(([a, b, c]) => `($g := function($x) { $x & $y }; $y := ${a}; [$g(${b}), $y, ${c}])`),
          weight: 1,
        },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `($x := ${a}; $y := $x; ($x := ${b}; [$x, $y]))`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `(function($a, $b) { $a ? $b : $a })(${a}, ${b})`), weight: 1 },
        // Tail calls and bounded recursion.
        {
          arbitrary: fc.tuple(fc.integer({ min: -1, max: 6 }), e).map(
            ([n, b]) => `($r := function($n, $acc) { $n <= 0 ? $acc : $r($n - 1, $append($acc, ${b})) }; $r(${n}, []))`,
          ),
          weight: 1,
        },
        {
          arbitrary: fc.integer({ min: 0, max: 8 }).map((n) => `($fib := function($n) { $n < 2 ? $n : $fib($n - 1) + $fib($n - 2) }; $fib(${n}))`),
          weight: 1,
        },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `($add := function($p, $q) { $p + $q }; $inc := $add(?, ${a}); $inc(${b}))`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `${a} ~> $map(function($v) { ${b} }) ~> $count()`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `$each(${a}, function($v, $k) { $k & ":" & $string(${b}) })`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `$sift(${a}, function($v, $k) { ${b} })`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `$merge([${a}, ${b}])`), weight: 1 },
        { arbitrary: fc.tuple(e, e, e).map(([a, b, c]) => `$substring(${a}, ${b}, ${c})`), weight: 1 },
        { arbitrary: fc.tuple(e, e, e).map(([a, b, c]) => `$replace(${a}, ${b}, ${c})`), weight: 1 },
        { arbitrary: fc.tuple(e, fc.constantFrom('"#,##0.00"', '"0.0e0"', '"#%"', '"00"', '"#.##"'), e).map(([a, p]) => `$formatNumber(${a}, ${p})`), weight: 1 },
        { arbitrary: fc.tuple(e, fc.constantFrom('"w"', '"I"', '"0001"', '"#,##0"', '"Ww"')).map(([a, p]) => `$formatInteger(${a}, ${p})`), weight: 1 },
        { arbitrary: e.map((a) => `$fromMillis(${a})`), weight: 1 },
        { arbitrary: e.map((a) => `$toMillis(${a})`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `${a}.*[${b}]`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `$lookup(${a}, ${b})`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `{"a": ${a}, "b": [${b}]}.(a & b)`), weight: 1 },
        // Tuple streams with several bindings, predicates over them, and grouping.
        { arbitrary: fc.tuple(e, e).map(([a, b]) => `Order@$o.Product@$p[${a}].{"o": $o.a, "p": $p.name, "x": ${b}}`), weight: 1 },
        { arbitrary: e.map((a) => `Order#$oi.Product#$pi[$pi < 2].{"k": $oi & "-" & $pi, "v": ${a}}`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([k, v]) => `items#$i{${k}: [$i, ${v}]}`), weight: 1 },
        { arbitrary: e.map((a) => `items@$it.tags@$t{$t: $count($it) & ${a}}`), weight: 1 },
        { arbitrary: e.map((a) => `Order.Product^(>price, name)#$r.{"rank": $r, "x": ${a}}`), weight: 1 },
        // Transforms.
        { arbitrary: fc.tuple(tie('path'), e).map(([p, u]) => `$ ~> |${p}|{"t": ${u}}|`), weight: 1 },
        { arbitrary: fc.tuple(tie('path'), e, e).map(([p, u, d]) => `$ ~> |${p}|${u}, ${d}|`), weight: 1 },
        { arbitrary: fc.tuple(e, e).map(([a, u]) => `${a} ~> |$|{"u": ${u}}, ["name", "a"]|`), weight: 1 },
      ),
    };
  });
  return expr;
}
