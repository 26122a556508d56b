/**
 * Runs the fixture tests' inputs through their pipelines and keeps what came out, for the
 * checks that need real data: typed mappings and concrete subjects (lint), and the behaviour
 * section of `crossdock plan`, which compares the outcomes of two revisions. The verdicts of
 * the tests themselves are `crossdock test`'s business; here only the outcomes matter.
 *
 * Same path as the runner and `crossdock test` (createExchange → processExchange), offline:
 * http steps are answered from the test's `http:` stubs and the clock is frozen.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Project } from '../compile/project.ts';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { DegenerateId } from '../components/types.ts';
import { checkShape } from '../compile/shape.ts';
import { pipelineTestSchema } from '../compile/spec-schemas.ts';
import { compileExpression } from '../expressions/jsonata.ts';
import { Diagnostics } from '../spec/diagnostics.ts';
import type { YamlSource } from '../spec/yaml-source.ts';
import { createExchange, isFailure, processExchange, type Outcome } from '../engine/process.ts';
import { startSteps } from '../engine/drivers.ts';
import { OfflineServices, type HttpStub, type InventorySeed } from '../testing/offline-services.ts';
import { withFrozenClock } from '../expressions/clock.ts';
// The moment `crossdock test` runs fixtures at, so both see the same outputs.
import { FIXTURE_TIME } from '../testing/fixtures.ts';


export interface FixtureTest {
  readonly name: string;
  readonly http?: Record<string, HttpStub>;
  readonly inventory?: readonly InventorySeed[];
  readonly input: { file?: string; select?: string; body?: unknown; text?: string; subject?: string; headers?: Record<string, string> };
  readonly expect: {
    outputs?: { output?: string; subject?: string; id?: string; headers?: Record<string, string>; body?: unknown; bodyFile?: string }[];
    deadLetter?: { step?: string; reason?: string };
    dropped?: boolean;
  };
}

export interface FixtureDoc {
  readonly pipeline: string;
  readonly tests: readonly FixtureTest[];
}

/** A fixture test file whose shape is right. */
export interface FixtureFile {
  readonly source: YamlSource;
  readonly doc: FixtureDoc;
}

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

/** The fixture files of a project whose shape is right; shape mistakes go to `diags`. */
export function fixtureFiles(project: Project, diags: Diagnostics = new Diagnostics()): FixtureFile[] {
  const out: FixtureFile[] = [];
  for (const source of project.testFiles) {
    if (!checkShape(source, pipelineTestSchema, source.value, [], diags, 'fixture test')) continue;
    out.push({ source, doc: source.value as FixtureDoc });
  }
  return out;
}

/** Where a fixture file's relative paths start from (test files are shown relative to the working directory). */
export function fixtureDir(source: YamlSource): string {
  return dirname(resolve(process.cwd(), source.file));
}

/**
 * Runs every test of every fixture file (of `only` pipelines, when given) with the clock
 * frozen, so two runs of the same revision give the same outputs.
 */
export async function runFixtures(project: Project, options: { only?: ReadonlySet<string> } = {}): Promise<FixtureRun[]> {
  const files = fixtureFiles(project);
  return withFrozenClock(FIXTURE_TIME, async () => {
    const runs: FixtureRun[] = [];
    for (const { source, doc } of files) {
      if (options.only && !options.only.has(doc.pipeline)) continue;
      const pipeline = project.pipelines.find((p) => p.name === doc.pipeline);
      if (!pipeline) continue;
      const offline = new OfflineServices(project.availability, () => FIXTURE_TIME);
      let startProblem: string | undefined;
      try {
        await startSteps(pipeline, offline.services);
      } catch (err) {
        startProblem = `pipeline cannot run offline: ${(err as Error).message}`;
      }
      for (let index = 0; index < doc.tests.length; index++) {
        const test = doc.tests[index]!;
        const seedProblem = startProblem ?? offline.forTest(test);
        const outcome: RunOutcome = seedProblem ? { kind: 'not-run', reason: seedProblem } : await runOne(pipeline, test, fixtureDir(source));
        runs.push({ file: source.file, index, name: test.name, pipeline: pipeline.name, test, outcome });
      }
    }
    return runs;
  });
}

async function runOne(pipeline: CompiledPipeline, test: FixtureTest, baseDir: string): Promise<RunOutcome> {
  let data: Uint8Array;
  try {
    data = await fixturePayload(test.input, baseDir);
  } catch (err) {
    return { kind: 'not-run', reason: `input: ${(err as Error).message}` };
  }
  const origin = pipeline.input.origin;
  const subject = test.input.subject ?? origin.subject ?? '';
  const meta = { pipeline: pipeline.name, subject, stream: origin.stream, streamSeq: 1, deliveryCount: 1, receivedAt: FIXTURE_TIME, key: `${origin.stream}:1` };
  const headers = { 'X-Correlation-Id': 'fixture-test', ...(test.input.headers ?? {}) };
  const ex = createExchange(pipeline, { data, headers, meta }, pipeline.input.format);
  const outcome: Outcome = isFailure(ex) ? { kind: 'fail', failure: ex, exchange: undefined } : await processExchange(pipeline, ex);
  return summarize(outcome);
}

function summarize(outcome: Outcome): RunOutcome {
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

/** The payload a fixture test names: a file (optionally narrowed by `select`), an inline body or text. */
export async function fixturePayload(input: FixtureTest['input'], baseDir: string): Promise<Uint8Array> {
  const given = ['file', 'body', 'text'].filter((k) => (input as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) throw new Error(`give exactly one of file, body, text (got ${given.join(', ') || 'none'})`);
  const enc = new TextEncoder();
  if (input.text !== undefined) return enc.encode(input.text);
  if (input.body !== undefined) return enc.encode(JSON.stringify(input.body));
  const abs = resolve(baseDir, input.file as string);
  if (!existsSync(abs)) throw new Error(`file not found: ${input.file}`);
  const raw = readFileSync(abs);
  if (input.select === undefined) return raw;
  const picked = await Promise.resolve(compileExpression(input.select, { engine: 'reference' }).evaluate(JSON.parse(raw.toString('utf8'))));
  if (picked === undefined) throw new Error(`select '${input.select}' matched nothing in ${input.file}`);
  return enc.encode(JSON.stringify(picked));
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
