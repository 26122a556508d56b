/**
 * fast-check arbitraries for differential fuzzing: JSONata source text over the constructs the
 * compiler supports, and JSON inputs shaped so that the expressions find something (a small set
 * of field names shared by both). The text only has to parse; whatever AST the parser makes is
 * given to both engines.
 */
import fc from 'fast-check';

export const fieldNames = ['a', 'b', 'c', 'name', 'price', 'qty', 'items', 'tags', 'Order', 'Product'] as const;

const oddFieldNames = ['`__proto__`', '`constructor`', '`toString`', '`hasOwnProperty`', '`prototype`', '`x y`', '`0`', '`1`'];

export function jsonValue(maxDepth = 3): fc.Arbitrary<unknown> {
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
  fc.constantFrom('"a"', '"b"', '""', '"x y"', '"10"', '"ab"', "'B'", '"#,##0.0"', '"0"', '"w"'),
  fc.constantFrom('true', 'false', 'null'),
);

const field = fc.oneof({ arbitrary: fc.constantFrom(...fieldNames), weight: 8 }, { arbitrary: fc.constantFrom(...oddFieldNames), weight: 1 });

const variable = fc.constantFrom('$', '$$', '$x', '$v', '$i', '$acc', '$y');

const binaryOp = fc.constantFrom('+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or', 'in');

export function expression(maxDepth = 4): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string; leaf: string; path: string }>((tie) => {
    const e = tie('expr');
    return {
      leaf: fc.oneof(literal, field, variable),
      path: fc.array(fc.oneof({ arbitrary: field, weight: 6 }, { arbitrary: fc.constant('*'), weight: 1 }, { arbitrary: e.map((x) => `(${x})`), weight: 1 }), {
        minLength: 1,
        maxLength: 3,
      }).map((steps) => steps.join('.')),
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
      ),
    };
  });
  return expr;
}
