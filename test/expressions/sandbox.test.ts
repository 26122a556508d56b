/**
 * Compiled expressions can reach nothing but their input, their bindings and the JSONata
 * library: no globals, prototypes, constructors or eval; field names and strings from the
 * expression never become code.
 */
import jsonata from 'jsonata';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSource } from '../../runtime/expressions/compiler/index.ts';
import { compileExpression } from '../../runtime/expressions/jsonata.ts';

function run(source: string, input: unknown = {}, bindings?: Record<string, unknown>): unknown {
  const e = compileExpression(source, { strictCompile: true });
  expect(e.engine).toBe('compiled');
  return e.evaluate(input, bindings);
}

async function reference(source: string, input: unknown = {}): Promise<unknown> {
  return jsonata(source).evaluate(input);
}

afterEach(() => {
  // Nothing may have been added to the shared prototypes.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
  expect((Array.prototype as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
});

describe('field names are data lookups', () => {
  const input = { a: 1, nested: { b: 2 } };

  it.each(['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])(
    'finds no inherited %s',
    async (name) => {
      expect(run(`\`${name}\``, input)).toBeUndefined();
      expect(run(`nested.\`${name}\``, input)).toBeUndefined();
      expect(run(`$lookup($, "${name}")`, input)).toBeUndefined();
      expect(run(`$.\`${name}\`.\`${name}\``, input)).toBeUndefined();
      expect(await reference(`\`${name}\``, input)).toBeUndefined();
    },
  );

  it('reads own properties with those names as ordinary data', () => {
    const data = JSON.parse('{"constructor": {"name": "c"}, "__proto__": {"x": 1}, "prototype": [1, 2]}') as unknown;
    expect(run('constructor.name', data)).toBe('c');
    expect(run('`__proto__`.x', data)).toBe(1);
    expect(run('prototype', data)).toEqual([1, 2]);
    expect([...(run('$keys($)', data) as string[])]).toEqual(['constructor', '__proto__', 'prototype']);
  });

  it('cannot climb from a function value to its constructor', () => {
    expect(run('$string.constructor')).toBeUndefined();
    expect(run('$lookup($string, "constructor")')).toBeUndefined();
    expect(run('(function(){1}).constructor')).toBeUndefined();
    expect(run('$keys($map)')).toBeUndefined();
    expect(run('$type($string.constructor)')).toBeUndefined();
  });

  it('does not see globals through variables', () => {
    for (const name of ['process', 'globalThis', 'global', 'require', 'Function', 'constructor', 'Object', 'R', 'K', 'S', 'I', 'B', 'input']) {
      expect(run(`$${name}`)).toBeUndefined();
      expect(run(`$type($${name})`)).toBeUndefined();
    }
  });

  it('declines $eval (it would parse strings as expressions)', () => {
    expect(compileExpression('$eval("1 + 1")').engine).toBe('reference');
  });
});

describe('building objects with hostile keys', () => {
  it('defines __proto__ as an own key instead of setting the prototype', () => {
    const literal = run('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(literal)).not.toHaveProperty('polluted');
    expect(Object.keys(literal)).toEqual(['__proto__', 'a']);
    const grouped = run('items{name: value}', { items: [{ name: '__proto__', value: { polluted: true } }] }) as Record<string, unknown>;
    expect(Object.keys(grouped)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const merged = run('$merge([{"a": 1}, $])', JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(['a', '__proto__']);
    const spread = run('$spread($)', JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>[];
    expect(Object.keys(spread)).toEqual(['__proto__']);
  });

  it('keeps the reference reserved-key error', () => {
    expect(() => run('{"_jsonata_function": 1}')).toThrow(expect.objectContaining({ code: 'D1013' }));
  });
});

describe('generated code', () => {
  const sources = [
    '`"]); process.exit(1); (["`',
    '"\\"); process.exit(1); //"',
    '$lookup($, "\'); globalThis.polluted = 1; (\'")',
    '{"`${process.exit(1)}`": 1}',
    'a.`\\u2028`.`*/ process.exit(1) /*`',
    '$replace("a", /a/, "$$); process.exit(1); //")',
    '($x := "</script>"; $x & "}`")',
  ];

  it.each(sources)('keeps %s out of the program text', (source) => {
    const generated = generateSource(jsonata(source).ast());
    expect('text' in generated).toBe(true);
    const text = (generated as { text: string }).text;
    expect(text).not.toContain('process');
    expect(text).not.toContain('globalThis');
    expect(text).not.toContain('exit');
    expect(text).not.toContain('script');
    // And the expressions still evaluate as the reference does.
    run(source, { a: {} });
  });

  it('only refers to the helpers and constants it is given', () => {
    const text = (generateSource(jsonata('$sum(a.b) + $count($keys($)) & $string(c)').ast()) as { text: string }).text;
    for (const word of ['require', 'import', 'process', 'globalThis', 'eval', 'Function(', 'this']) expect(text).not.toContain(word);
  });
});
