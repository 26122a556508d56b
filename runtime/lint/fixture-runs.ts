/**
 * Runs the fixture tests' inputs through their pipelines and keeps what came out, for the
 * checks that need real data: typed mappings and concrete subjects (lint), and the behaviour
 * section of `crossdock plan`, which compares the outcomes of two revisions. The verdicts of
 * the tests themselves are `crossdock test`'s business; here only the outcomes matter.
 *
 * Same path as the runner and `crossdock test` (createExchange → processExchange), offline:
 * http steps are answered from the test's `http:` stubs and the clock is frozen.
 */
import type { Project } from '../compile/project.ts';
import type { DegenerateId } from '../components/types.ts';
import { fixtureFiles, runFixtureFile, type FixtureOutcome, type FixtureTest } from '../fixture-tests/fixture-run.ts';

// The document types and file helpers are the fixture runner's; lint rules read them from here too.
export { fixtureDir, fixtureFiles, type FixtureDoc, type FixtureFile, type FixtureTest } from '../fixture-tests/fixture-run.ts';

export interface EmissionSummary {
  readonly output: string;
  readonly subject: string;
  readonly id: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Where a business duplicate would be reported (the output's `duplicate` subject). */
  readonly duplicateSubject?: string;
  /** For file outputs: the file written. */
  readonly file?: string;
}

export type RunOutcome =
  | { readonly kind: 'emit'; readonly emissions: readonly EmissionSummary[] }
  | { readonly kind: 'drop'; readonly step: string }
  | { readonly kind: 'fail'; readonly step: string; readonly stepIndex: number; readonly reason: string; readonly field?: string; readonly degenerateId?: DegenerateId }
  /** The fixture could not be run at all (its input file is missing, the pipeline needs a service). */
  | { readonly kind: 'not-run'; readonly reason: string };

export interface FixtureRun {
  readonly file: string;
  /** Index of the test in the file's `tests:` list. */
  readonly index: number;
  readonly name: string;
  readonly pipeline: string;
  readonly test: FixtureTest;
  readonly outcome: RunOutcome;
}

/**
 * Runs every test of every fixture file (of `only` pipelines, when given) with the clock
 * frozen, so two runs of the same revision give the same outputs.
 */
export async function runFixtures(project: Project, options: { only?: ReadonlySet<string> } = {}): Promise<FixtureRun[]> {
  const runs: FixtureRun[] = [];
  for (const file of fixtureFiles(project)) {
    const { source, doc } = file;
    if (options.only && !options.only.has(doc.pipeline)) continue;
    const run = await runFixtureFile(project, file);
    if (run.kind === 'no-pipeline') continue;
    doc.tests.forEach((test, index) => {
      const outcome: RunOutcome = run.kind === 'cannot-start' ? { kind: 'not-run', reason: run.reason } : summarize(run.outcomes[index]!);
      runs.push({ file: source.file, index, name: test.name, pipeline: run.pipeline.name, test, outcome });
    });
  }
  return runs;
}

function summarize(outcome: FixtureOutcome): RunOutcome {
  if (outcome.kind === 'not-run') return outcome;
  if (outcome.kind === 'drop') return { kind: 'drop', step: outcome.step };
  if (outcome.kind === 'fail') {
    const f = outcome.failure;
    return {
      kind: 'fail',
      step: f.step,
      stepIndex: f.stepIndex,
      reason: f.reason,
      ...(f.field === undefined ? {} : { field: f.field }),
      ...(f.degenerateId === undefined ? {} : { degenerateId: f.degenerateId }),
    };
  }
  return {
    kind: 'emit',
    emissions: outcome.emissions.map((e) => ({
      output: e.output,
      subject: e.subject,
      id: e.msgId,
      headers: e.headers,
      body: e.body,
      ...(e.onDuplicate ? { duplicateSubject: e.onDuplicate.subject } : {}),
      ...(e.target ? { file: e.target.path } : {}),
    })),
  };
}

/** True when the test expects this very dead letter (so a failing validate is the point of the test). */
export function expectsFailure(test: FixtureTest, step: string, reason: string): boolean {
  const want = test.expect.deadLetter;
  if (!want) return false;
  if (want.step !== undefined && !step.includes(want.step)) return false;
  if (want.reason !== undefined) {
    try {
      if (!new RegExp(want.reason).test(reason)) return false;
    } catch {
      return false;
    }
  }
  return true;
}
