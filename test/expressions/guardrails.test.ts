/**
 * Compiled code stops runaway evaluations with the reference's guardrail errors: D1011 when
 * evaluation nests too deep (recursive lambdas), D1012 when one evaluation runs too long.
 * These are the compiler's own guardrails, so evaluation stays on this thread (`inline`);
 * moving overruns off the event loop is tested in isolation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CompilerLimits } from '../../runtime/expressions/compiler/index.ts';
import { ExpressionError, compileExpression } from '../../runtime/expressions/jsonata.ts';

function compiled(source: string, limits?: Partial<CompilerLimits>) {
  const e = compileExpression(source, { strictCompile: true, isolation: 'inline', ...(limits ? { limits } : {}) });
  expect(e.engine).toBe('compiled');
  return e;
}

function errorOf(f: () => unknown): ExpressionError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an error');
}

describe('depth limit', () => {
  it('has sane defaults', () => {
    expect(DEFAULT_LIMITS.maxDepth).toBeGreaterThanOrEqual(1000);
    expect(DEFAULT_LIMITS.timeoutMs).toBeGreaterThan(0);
  });

  it('stops unbounded recursion with D1011', () => {
    const started = Date.now();
    const e = errorOf(() => compiled('($f := function($n) { 1 + $f($n + 1) }; $f(0))').evaluate({}));
    expect(e.code).toBe('D1011');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('counts depth as the reference does (nested sub-expressions, so about 3 per level here)', () => {
    const factorial = (n: number): string => `($f := function($n) { $n = 0 ? 1 : $n * $f($n - 1) }; $f(${n}))`;
    expect(compiled(factorial(99), { maxDepth: 302 }).evaluate(undefined)).toBeCloseTo(9.33262154439441e155, -140);
    expect(errorOf(() => compiled(factorial(100), { maxDepth: 302 }).evaluate(undefined)).code).toBe('D1011');
  });

  it('fails at the same places for every limit (checks that cannot fail are left out)', () => {
    const data = { a: 'x', lines: [{ q: 1, s: 'a', d: { w: 2 } }, { q: 2, s: '' }], o: { p: { q: 'deep' } } };
    const outcome = (source: string, maxDepth: number): string => {
      try {
        return JSON.stringify(compiled(source, { maxDepth }).evaluate(data));
      } catch (e) {
        const x = e as ExpressionError;
        return `${x.code}@${String(x.position)}:${String(x.token)}`;
      }
    };
    // Measured with every check in place (before checks dominated by others were dropped).
    const text = `($t := function($v) { $type($v) = 'string' and $length($v) > 0 ? $v }; {"a": $t(a), "b": lines.{"s": $t(s), "w": d.w}, "c": o.p.q})`;
    const textAt = (d: number): string => (d <= 4 ? 'D1011@undefined:undefined' : d <= 7 ? 'D1011@80:t' : d <= 9 ? 'D1011@104:t' : 'value');
    const nest = `($f := function($n) { $n = 0 ? o.p.q : {"x": $f($n - 1), "y": a} }; $f(3))`;
    const nestAt = (d: number): string => (d <= 2 ? 'D1011@undefined:undefined' : d <= 6 ? 'D1011@71:f' : d <= 13 ? 'D1011@48:f' : 'value');
    for (let d = 1; d <= 20; d++) {
      expect(outcome(text, d).startsWith('D1011') ? outcome(text, d) : 'value', `${text} at ${d}`).toBe(textAt(d));
      expect(outcome(nest, d).startsWith('D1011') ? outcome(nest, d) : 'value', `${nest} at ${d}`).toBe(nestAt(d));
    }
  });

  it('reports running out of JavaScript stack as D1011 too', () => {
    const e = errorOf(() => compiled('($f := function($n) { 1 + $f($n + 1) }; $f(0))', { maxDepth: 1e9 }).evaluate({}));
    expect(e.code).toBe('D1011');
  });

  it('lets tail calls recurse as far as they like', () => {
    const source = '($loop := function($n, $acc) { $n = 0 ? $acc : $loop($n - 1, $acc + 1) }; $loop(100000, 0))';
    expect(compiled(source).evaluate(undefined)).toBe(100000);
  });
});

describe('time limit', () => {
  it('stops an endless tail-recursive loop with D1012', () => {
    const started = Date.now();
    const e = errorOf(() => compiled('($f := function() { $f() }; $f())', { timeoutMs: 200 }).evaluate(undefined));
    expect(e.code).toBe('D1012');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops long loops over data with D1012', () => {
    for (const source of ['$sum([1..2000000].($ * 2))', '$reduce([1..2000000], function($a, $b) { $a + $b })', '[1..3000].[1..3000].$']) {
      const started = Date.now();
      expect(errorOf(() => compiled(source, { timeoutMs: 50 }).evaluate(undefined)).code).toBe('D1012');
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('keeps the reference range limit', () => {
    expect(errorOf(() => compiled('[1..100000000]').evaluate(undefined)).code).toBe('D2014');
  });
});

describe('$now() and $millis()', () => {
  it('are fixed for the whole evaluation', () => {
    const e = compiled('($a := $millis(); $n := $now(); $x := $sum([1..300000]); [$a = $millis(), $n = $now(), $toMillis($n) = $a])');
    expect([...(e.evaluate(undefined) as boolean[])]).toEqual([true, true, true]);
  });

  it('move on between evaluations', async () => {
    const e = compiled('$millis()');
    const first = e.evaluate(undefined) as number;
    await new Promise((r) => setTimeout(r, 5));
    expect(e.evaluate(undefined) as number).toBeGreaterThan(first);
  });
});
