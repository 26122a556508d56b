/**
 * How one fixture test runs: the document's shape, where its payload comes from, and the
 * outcome of sending it through its pipeline. `crossdock test` (which checks the outcome
 * against `expect`), lint and plan (which keep the outcome) all run fixtures through here, so
 * a fixture means the same thing to each of them, and the same as to the live runner:
 * createExchange → processExchange, offline (http steps answered from the test's stubs, an
 * in-memory availability view) at a frozen moment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Project } from '../compile/project.ts';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import { checkShape } from '../compile/shape.ts';
import { pipelineTestSchema } from '../compile/spec-schemas.ts';
import { compileExpression } from '../expressions/jsonata.ts';
import { withFrozenClock } from '../expressions/clock.ts';
import { Diagnostics } from '../config/diagnostics.ts';
import type { YamlSource } from '../config/yaml-source.ts';
import { createExchange, isFailure, processExchange, type Outcome } from '../engine/process.ts';
import { startSteps } from '../engine/drivers.ts';
import { OfflineServices, type HttpStub, type InventorySeed } from './offline-services.ts';

/**
 * Fixture tests run at a fixed moment, so anything stamped with the time (`$now()`, an X12
 * envelope's date from the arrival time) is the same on every run and compares whole.
 */
export const FIXTURE_TIME = Date.parse('2026-03-02T09:30:00Z');

/** One entry of a fixture file's `tests:` (schemas/pipeline-test.schema.json is its contract). */
export interface FixtureTest {
  readonly name: string;
  readonly http?: Readonly<Record<string, HttpStub>>;
  readonly inventory?: readonly InventorySeed[];
  readonly input: FixtureInput;
  readonly expect: FixtureExpect;
}

export interface FixtureInput {
  readonly file?: string;
  readonly select?: string;
  readonly body?: unknown;
  readonly text?: string;
  readonly subject?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FixtureExpect {
  readonly outputs?: readonly ExpectedOutput[];
  readonly deadLetter?: { readonly step?: string; readonly reason?: string };
  readonly dropped?: boolean;
}

export interface ExpectedOutput {
  readonly output?: string;
  readonly subject?: string;
  readonly id?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly bodyFile?: string;
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

/** What running one test gave: the pipeline's outcome, or why the test could not run at all. */
export type FixtureOutcome = Outcome | { readonly kind: 'not-run'; readonly reason: string };

/** The tests of one file, run: either every test's outcome, or why the pipeline cannot run offline. */
export type FileRun =
  | { readonly kind: 'ran'; readonly pipeline: CompiledPipeline; readonly outcomes: readonly FixtureOutcome[] }
  | { readonly kind: 'no-pipeline' }
  | { readonly kind: 'cannot-start'; readonly pipeline: CompiledPipeline; readonly reason: string };

/** The file's document when its shape is right; shape mistakes go to `diags`. */
export function fixtureFile(source: YamlSource, diags: Diagnostics = new Diagnostics()): FixtureFile | undefined {
  if (!checkShape(source, pipelineTestSchema, source.value, [], diags, 'fixture test')) return undefined;
  return { source, doc: source.value as FixtureDoc };
}

/** The fixture files of a project whose shape is right; shape mistakes go to `diags`. */
export function fixtureFiles(project: Project, diags: Diagnostics = new Diagnostics()): FixtureFile[] {
  return project.testFiles.flatMap((source) => fixtureFile(source, diags) ?? []);
}

/** Where a fixture file's relative paths start from (test files are shown relative to the working directory). */
export function fixtureDir(source: YamlSource): string {
  return dirname(resolve(process.cwd(), source.file));
}

/**
 * Runs every test of one file through its pipeline, with the clock frozen at FIXTURE_TIME
 * (process-wide: nothing else may run meanwhile). Each test starts from its own offline
 * services: only its http stubs, only its inventory events.
 */
export async function runFixtureFile(project: Project, file: FixtureFile): Promise<FileRun> {
  const pipeline = project.pipelines.find((p) => p.name === file.doc.pipeline);
  if (!pipeline) return { kind: 'no-pipeline' };
  const offline = new OfflineServices(project.availability, () => FIXTURE_TIME);
  try {
    await startSteps(pipeline, offline.services);
  } catch (err) {
    return { kind: 'cannot-start', pipeline, reason: `pipeline '${pipeline.name}' cannot run offline: ${(err as Error).message}` };
  }
  const baseDir = fixtureDir(file.source);
  return withFrozenClock(FIXTURE_TIME, async () => {
    const outcomes: FixtureOutcome[] = [];
    for (const test of file.doc.tests) {
      const seedProblem = offline.forTest(test);
      outcomes.push(seedProblem ? { kind: 'not-run', reason: seedProblem } : await runTest(pipeline, test, baseDir));
    }
    return { kind: 'ran', pipeline, outcomes };
  });
}

async function runTest(pipeline: CompiledPipeline, test: FixtureTest, baseDir: string): Promise<FixtureOutcome> {
  let data: Uint8Array;
  try {
    data = await fixturePayload(test.input, baseDir);
  } catch (err) {
    return { kind: 'not-run', reason: `input: ${(err as Error).message}` };
  }
  const origin = pipeline.input.origin;
  const subject = test.input.subject ?? origin.subject;
  if (subject === undefined) return { kind: 'not-run', reason: 'input: give a subject (the pipeline listens on a wildcard)' };
  const meta = { pipeline: pipeline.name, subject, stream: origin.stream, streamSeq: 1, deliveryCount: 1, receivedAt: FIXTURE_TIME, key: `${origin.stream}:1` };
  const headers = { 'X-Correlation-Id': 'fixture-test', ...(test.input.headers ?? {}) };
  const ex = createExchange(pipeline, { data, headers, meta }, pipeline.input.format);
  return isFailure(ex) ? { kind: 'fail', failure: ex, exchange: undefined } : await processExchange(pipeline, ex);
}

/** The payload a fixture test names: a file (optionally narrowed by `select`), an inline body or text. */
export async function fixturePayload(input: FixtureInput, baseDir: string): Promise<Uint8Array> {
  const given = (['file', 'body', 'text'] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1) throw new Error(`give exactly one of file, body, text (got ${given.join(', ') || 'none'})`);
  const enc = new TextEncoder();
  if (input.text !== undefined) return enc.encode(input.text);
  if (input.body !== undefined) return enc.encode(JSON.stringify(input.body));
  const abs = resolve(baseDir, input.file as string);
  if (!existsSync(abs)) throw new Error(`file not found: ${relative(process.cwd(), abs)}`);
  const raw = readFileSync(abs);
  if (input.select === undefined) return raw;
  // `select` picks part of a larger document (e.g. one order out of a list) without editing the file.
  const picked = await Promise.resolve(compileExpression(input.select, { engine: 'reference' }).evaluate(JSON.parse(raw.toString('utf8'))));
  if (picked === undefined) throw new Error(`select '${input.select}' matched nothing in ${input.file}`);
  return enc.encode(JSON.stringify(picked));
}
