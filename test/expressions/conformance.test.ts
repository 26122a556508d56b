/**
 * The JSONata conformance suite, run through both engines (see conformance-harness.ts).
 * Every case must either compile to the identical result / error, or fall back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceReport, runConformance } from './conformance-harness.ts';

let report: ConformanceReport;

beforeAll(async () => {
  report = await runConformance();
  console.log(
    `conformance: ${report.total} cases, ${report.compiledIdentical} compiled and identical, ` +
      `${report.bailout} redone by the reference at run time, ${report.fallback} fallback, ` +
      `${report.syntaxErrors} syntax errors, ${report.different} different`,
  );
}, 300_000);

describe('JSONata conformance suite', () => {
  it('is met by the reference evaluator itself (so the harness is honest)', () => {
    expect(report.referenceMismatches.map((c) => `${c.id}: ${c.referenceMismatch}`)).toEqual([]);
  });

  it('never gets a different answer from compiled code', () => {
    expect(report.differences.map((c) => `${c.id}: ${c.expr} — ${c.detail}`)).toEqual([]);
  });

  it('compiles most of the suite', () => {
    expect(report.total).toBeGreaterThan(1600);
    expect(report.compiledIdentical / report.total).toBeGreaterThan(0.9);
  });

  it('reports a reason for every fallback', () => {
    for (const c of report.cases) if (c.classification === 'fallback') expect(c.detail, c.id).toBeTruthy();
  });

  it('never falls back because generated code failed to build (that is a compiler bug)', () => {
    const internal = report.cases.filter((c) => c.classification === 'fallback' && /^internal compiler error/.test(c.detail ?? ''));
    expect(internal.map((c) => `${c.id}: ${c.expr} — ${c.detail}`)).toEqual([]);
  });
});
