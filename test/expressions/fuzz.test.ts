/**
 * Differential fuzzing: random expressions over the compiled grammar (fuzz-grammar.ts) and
 * random JSON inputs, each evaluated by the reference evaluator and by compiled code; results
 * must be identical (deeply, including key order), and errors must have the same code, position
 * and token. Seeded, so a failure reproduces; fast-check shrinks it to a small counterexample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareEngines } from './differential.ts';
import { expression, fuzzInput, jsonValue } from './fuzz-grammar.ts';

// FUZZ_SEED lets a local run try other seeds; the committed seed is what CI runs.
const SEED = Number(process.env['FUZZ_SEED'] ?? 20260611);

interface Tally {
  pairs: number;
  compiled: number;
  errors: number;
  redone: number;
  fallback: number;
}

async function fuzz(runs: number, seed: number, withBindings: boolean): Promise<Tally> {
  const tally: Tally = { pairs: 0, compiled: 0, errors: 0, redone: 0, fallback: 0 };
  const bindings = withBindings ? fc.option(fc.record({ x: jsonValue(2), y: jsonValue(1) }), { nil: undefined }) : fc.constant(undefined);
  await fc.assert(
    fc.asyncProperty(expression(), fuzzInput(), bindings, async (source, input, b) => {
      const r = await compareEngines(source, input, b);
      tally.pairs++;
      if (r.kind === 'different') throw new Error(`${source}\ninput: ${JSON.stringify(input)}\n${r.detail}`);
      if (r.kind === 'same') {
        tally.compiled++;
        if (r.error !== undefined) tally.errors++;
        if (r.redone) tally.redone++;
      }
      if (r.kind === 'fallback') {
        // A construct the compiler declines is fine; generated code that does not build is a bug.
        if (r.reason.startsWith('internal compiler error')) throw new Error(`${source}\n${r.reason}`);
        tally.fallback++;
      }
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
  return tally;
}

describe('compiled code against the reference evaluator', () => {
  it('agrees on thousands of random expressions and inputs', async () => {
    const t = await fuzz(3000, SEED, false);
    console.log(`fuzz: ${t.pairs} pairs, ${t.compiled} compiled (${t.errors} raising errors, ${t.redone} redone by the reference), ${t.fallback} fallback`);
    expect(t.compiled).toBeGreaterThan(2500);
  }, 600_000);

  it('agrees when variables come from bindings', async () => {
    const t = await fuzz(1500, SEED + 1, true);
    console.log(`fuzz with bindings: ${t.pairs} pairs, ${t.compiled} compiled`);
    expect(t.compiled).toBeGreaterThan(1200);
  }, 600_000);
});
