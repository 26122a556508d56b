/**
 * `npm run conformance [-- --json]`: runs the JSONata conformance suite through the reference
 * evaluator and the compiler and prints how many cases compile to identical results, how many
 * fall back (and why), and how many differ (which must be none).
 */
import { type ConformanceReport, runConformance } from './conformance-harness.ts';

function summary(r: ConformanceReport): Record<string, unknown> {
  return {
    total: r.total,
    compiledIdentical: r.compiledIdentical,
    compiledButRedoneByReference: r.bailout,
    fallback: r.fallback,
    syntaxErrors: r.syntaxErrors,
    compiledDifferent: r.different,
    referenceMismatches: r.referenceMismatches.map((c) => ({ id: c.id, detail: c.referenceMismatch })),
    fallbackReasons: r.fallbackReasons,
    differences: r.differences.map((c) => ({ id: c.id, expr: c.expr, detail: c.detail })),
  };
}

const report = await runConformance();
if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify(summary(report), null, 2) + '\n');
} else {
  const pct = (n: number): string => `${((100 * n) / report.total).toFixed(1)}%`;
  console.log(`JSONata conformance suite: ${report.total} cases`);
  console.log(`  compiled, identical:            ${report.compiledIdentical} (${pct(report.compiledIdentical)})`);
  console.log(`  compiled, redone by reference:  ${report.bailout} (${pct(report.bailout)})`);
  console.log(`  fallback to reference:          ${report.fallback} (${pct(report.fallback)})`);
  console.log(`  syntax errors (nothing to compile): ${report.syntaxErrors}`);
  console.log(`  compiled, DIFFERENT:            ${report.different}`);
  console.log(`  reference not meeting the suite: ${report.referenceMismatches.length}`);
  if (report.fallbackReasons.length > 0) {
    console.log('Top fallback reasons:');
    for (const { reason, cases } of report.fallbackReasons.slice(0, 10)) console.log(`  ${String(cases).padStart(4)}  ${reason}`);
  }
  for (const d of report.differences) console.log(`DIFFERENT ${d.id}: ${d.expr}\n    ${d.detail}`);
  for (const m of report.referenceMismatches) console.log(`reference mismatch ${m.id}: ${m.referenceMismatch}`);
}
process.exitCode = report.different > 0 ? 1 : 0;
