/**
 * No expression holds the event loop: compiled code that overruns the inline budget, and the
 * reference evaluator always, run in terminable worker threads (runtime/expressions/sandbox.ts).
 * The event loop's lag is sampled while a runaway expression runs: before the sandbox existed,
 * one runaway froze it for the whole 5 s time limit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compileExpression, ExpressionError, INLINE_BUDGET_MS } from '../../runtime/expressions/jsonata.ts';
import { ExpressionSandbox, whenOffloaded } from '../../runtime/expressions/sandbox.ts';

const sandbox = new ExpressionSandbox({ workers: 1, graceMs: 100 });
afterAll(() => sandbox.close());

const LOOP = '($f := function($n) { $f($n + 1) }; $f(0))';
// jsonata 2.2.2 never returns from this (the regex on the left of ?? is evaluated forever).
const REFERENCE_HANG = '$match("ab", /b/) ?? "z"';

/** Largest gap between 5 ms ticks while `work` runs: how long the event loop was held. */
async function maxLag<T>(work: () => Promise<T>): Promise<{ lag: number; result: PromiseSettledResult<T> }> {
  let last = performance.now();
  let lag = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last);
    last = now;
  }, 5);
  const result = (await Promise.allSettled([work()]))[0]!;
  clearInterval(timer);
  return { lag, result };
}

describe('guarded evaluation', () => {
  it('moves a compiled runaway off the event loop and fails it with D1012 at its time limit', async () => {
    const e = compileExpression(LOOP, { sandbox, limits: { timeoutMs: 600 } });
    expect(e.engine).toBe('compiled');
    const { lag, result } = await maxLag(async () => e.evaluate({}));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ExpressionError);
    expect(((result as PromiseRejectedResult).reason as ExpressionError).code).toBe('D1012');
    // The loop was held for the inline budget at most, not for the 600 ms limit.
    expect(lag).toBeLessThan(INLINE_BUDGET_MS + 150);
  });

  it('runs the reference evaluator in the sandbox and terminates a worker that never answers', async () => {
    const e = compileExpression(REFERENCE_HANG, { sandbox, limits: { timeoutMs: 300 } });
    expect(e.engine).toBe('reference');
    const before = sandbox.terminated;
    const { lag, result } = await maxLag(async () => e.evaluate({}));
    expect(result.status).toBe('rejected');
    expect(((result as PromiseRejectedResult).reason as ExpressionError).code).toBe('D1012');
    expect(sandbox.terminated).toBe(before + 1);
    expect(lag).toBeLessThan(150);
    // A new worker takes the next evaluation.
    const ok = compileExpression('$uppercase(a) ?? "z"', { sandbox, engine: 'reference' });
    await expect(ok.evaluate({ a: 'x' })).resolves.toBe('X');
  });

  it('keeps evaluating healthy messages inline while a runaway holds the only worker', async () => {
    const runaway = compileExpression(LOOP, { sandbox, limits: { timeoutMs: 500 } });
    const healthy = compileExpression('$sum(items.qty)', { sandbox });
    const pending = Promise.resolve(runaway.evaluate({})).catch((err: unknown) => err);
    for (let i = 0; i < 100; i++) expect(healthy.evaluate({ items: [{ qty: i }, { qty: 1 }] })).toBe(i + 1);
    expect(((await pending) as ExpressionError).code).toBe('D1012');
  });

  it('returns the same values from the sandbox as inline (reference engine)', async () => {
    const src = '{ "n": $count(items), "skus": items.sku, "total": $sum(items.(qty * price)), "none": missing }';
    const input = { items: [{ sku: 'A', qty: 2, price: 1.5 }, { sku: 'B', qty: 1, price: 4 }] };
    const inline = await compileExpression(src, { isolation: 'inline', engine: 'reference' }).evaluate(input);
    const guarded = await compileExpression(src, { sandbox, engine: 'reference' }).evaluate(input);
    // JSON.stringify: the reference marks its result arrays as sequences, which a thread copy drops.
    expect(JSON.stringify(guarded)).toBe(JSON.stringify(inline));
    expect(JSON.stringify(guarded)).toBe('{"n":2,"skus":["A","B"],"total":7}');
  });

  it('passes bindings to the sandbox and reports errors with their code and position', async () => {
    const e = compileExpression('$headers.x & $string(1/0)', { sandbox, engine: 'reference' });
    const err = (await Promise.resolve(e.evaluate({}, { headers: { x: 'a' } })).catch((x: unknown) => x)) as ExpressionError;
    const inline = compileExpression('$headers.x & $string(1/0)', { isolation: 'inline', engine: 'reference' });
    const expected = (await Promise.resolve(inline.evaluate({}, { headers: { x: 'a' } })).catch((x: unknown) => x)) as ExpressionError;
    expect(err).toBeInstanceOf(ExpressionError);
    expect(err.code).toBe('D3001');
    expect({ code: err.code, position: err.position, message: err.message }).toEqual({ code: expected.code, position: expected.position, message: expected.message });
    const ok = compileExpression('$headers.x', { sandbox, engine: 'reference' });
    await expect(ok.evaluate({}, { headers: { x: 'a' } })).resolves.toBe('a');
  });

  it('tells the caller when an evaluation leaves the event loop', async () => {
    const runaway = compileExpression(LOOP, { sandbox, limits: { timeoutMs: 200 } });
    const fast = compileExpression('a + 1', { sandbox });
    let told = 0;
    expect(whenOffloaded(() => told++, () => fast.evaluate({ a: 1 }))).toBe(2);
    expect(told).toBe(0);
    const p = whenOffloaded(() => told++, () => runaway.evaluate({}));
    expect(told).toBe(1);
    await expect(p).rejects.toMatchObject({ code: 'D1012' });
  });

  it('evaluates on this thread when the host binds functions, which cannot cross threads', async () => {
    const e = compileExpression('$f() + 1', { sandbox, engine: 'reference' });
    const before = sandbox.evaluations;
    await expect(e.evaluate({}, { f: () => 1 })).resolves.toBe(2);
    expect(sandbox.evaluations).toBe(before + 1);
  });

  it('gives an expression that just ran away 1 ms inline until one of its evaluations finishes in the worker', async () => {
    // Loops while $n > 0: 0 returns at once, 1 never, a few hundred thousand take a while.
    const src = '($f := function($i) { $i >= n ? $i : $f($i + 1) }; n < 0 ? $f(-1e15) : $f(0))';
    const e = compileExpression(src, { sandbox, limits: { timeoutMs: 400 }, inlineBudgetMs: 300 });
    const slow = { n: 20_000 }; // a few ms: well inside 300 ms, far past 1 ms
    expect(e.evaluate(slow)).toBe(20_000); // inline, synchronous
    await expect(e.evaluate({ n: -1 })).rejects.toMatchObject({ code: 'D1012' }); // ran away
    const moved = e.evaluate(slow);
    expect(moved).toBeInstanceOf(Promise); // now over its 1 ms budget: evaluated in the worker
    await expect(moved).resolves.toBe(20_000);
    expect(e.evaluate(slow)).toBe(20_000); // it finished there, so the full budget is back
  });
});

describe('the sandbox and the process', () => {
  async function runScript(body: string): Promise<{ code: number | null; out: string }> {
    const { spawn } = await import('node:child_process');
    const script = `import { ExpressionSandbox } from ${JSON.stringify(new URL('../../runtime/expressions/sandbox.ts', import.meta.url).pathname)};\n${body}`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // A worker holding the process would keep it up for ever.
    const held = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    clearTimeout(held);
    return { code, out };
  }

  it('never keeps a process alive by itself, idle or warmed up', async () => {
    const r = await runScript(`const s = new ExpressionSandbox();
s.warm();
await new Promise((r) => setTimeout(r, 1500));
console.log('warm done');`);
    expect(r.out).toContain('warm done');
    expect(r.code).toBe(0);
  });

  it('keeps a process alive while it awaits an evaluation, from a worker still loading', async () => {
    // With nothing else to do, the process must wait for the worker (not exit 13, as lint did).
    const r = await runScript(`const s = new ExpressionSandbox();
const v = await s.evaluate({ source: '$sum([1, 2, 3])', engine: 'reference', input: {}, bindings: undefined, timeoutMs: 5000 });
console.log('value', v);`);
    expect(r.out).toContain('value 6');
    expect(r.code).toBe(0);
  });
});
