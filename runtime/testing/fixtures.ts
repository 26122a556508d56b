/**
 * Fixture tests kept beside pipelines (`<name>.test.yaml`): an input message and the outputs,
 * drop or dead letter it must produce. They run offline through the same pure code path as
 * the live runner (createExchange → processExchange), so a passing fixture means the runner
 * would publish exactly that.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Project } from '../compile/project.ts';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import { compileExpression, isPromiseLike } from '../expressions/jsonata.ts';
import type { Diagnostics } from '../spec/diagnostics.ts';
import type { YamlSource } from '../spec/yaml-source.ts';
import { checkShape } from '../compile/shape.ts';
import { pipelineTestSchema } from '../compile/spec-schemas.ts';
import { createExchange, isFailure, processExchange, type Outcome } from '../engine/process.ts';
import { exactDiff, subsetDiff } from './match.ts';
import { failureText } from '../engine/failure-text.ts';
import { startSteps } from '../engine/drivers.ts';
import { OfflineServices, type HttpStub, type InventorySeed } from './offline-services.ts';

/**
 * Fixture tests run at a fixed moment, so anything stamped with the arrival time (an X12
 * envelope's date) is the same on every run and can be compared whole.
 */
export const FIXTURE_TIME = Date.parse('2026-03-02T09:30:00Z');

export interface FixtureResult {
  readonly file: string;
  readonly line: number;
  readonly pipeline: string;
  readonly name: string;
  readonly problems: readonly string[];
}

interface TestDoc {
  pipeline: string;
  tests: {
    name: string;
    http?: Record<string, HttpStub>;
    inventory?: InventorySeed[];
    input: { file?: string; select?: string; body?: unknown; text?: string; subject?: string; headers?: Record<string, string> };
    expect: {
      outputs?: { output?: string; subject?: string; id?: string; headers?: Record<string, string>; body?: unknown; bodyFile?: string }[];
      deadLetter?: { step?: string; reason?: string };
      dropped?: boolean;
    };
  }[];
}

/** Runs every test of one file. Problems with the file itself go to `diags`. */
export async function runFixtureFile(source: YamlSource, project: Project, diags: Diagnostics): Promise<FixtureResult[]> {
  if (!checkShape(source, pipelineTestSchema, source.value, [], diags, 'fixture test')) return [];
  const doc = source.value as TestDoc;
  const pipeline = project.pipelines.find((p) => p.name === doc.pipeline);
  if (!pipeline) {
    diags.error(source.file, source.locate(['pipeline']), 'fixture-pipeline', `no compiled pipeline named '${doc.pipeline}' (it is missing or has errors)`);
    return [];
  }
  const baseDir = dirname(join(process.cwd(), source.file));
  const results: FixtureResult[] = [];
  const offline = new OfflineServices(project.availability, () => FIXTURE_TIME);
  try {
    await startSteps(pipeline, offline.services);
  } catch (err) {
    diags.error(source.file, source.locate(['pipeline']), 'fixture-start', `pipeline '${pipeline.name}' cannot run offline: ${(err as Error).message}`);
    return [];
  }
  for (let i = 0; i < doc.tests.length; i++) {
    const t = doc.tests[i]!;
    const seedProblem = offline.forTest(t);
    const problems = seedProblem ? [seedProblem] : await runOne(pipeline, t, baseDir);
    results.push({ file: source.file, line: source.locate(['tests', i]).line, pipeline: pipeline.name, name: t.name, problems });
  }
  return results;
}

async function runOne(pipeline: CompiledPipeline, t: TestDoc['tests'][number], baseDir: string): Promise<string[]> {
  const origin = pipeline.input.origin;
  let data: Uint8Array;
  try {
    data = await payload(t.input, baseDir);
  } catch (err) {
    return [`input: ${(err as Error).message}`];
  }
  const subject = t.input.subject ?? origin.subject;
  if (subject === undefined) return [`input: give a subject (the pipeline listens on a wildcard)`];
  const meta = { pipeline: pipeline.name, subject, stream: origin.stream, streamSeq: 1, deliveryCount: 1, receivedAt: FIXTURE_TIME, key: `${origin.stream}:1` };
  const headers = { 'X-Correlation-Id': 'fixture-test', ...(t.input.headers ?? {}) };
  const ex = createExchange(pipeline, { data, headers, meta }, pipeline.input.format);
  let outcome: Outcome;
  if (isFailure(ex)) outcome = { kind: 'fail', failure: ex, exchange: undefined };
  else {
    const r = processExchange(pipeline, ex);
    outcome = isPromiseLike(r) ? await r : r;
  }
  return check(outcome, t.expect, baseDir);
}

async function payload(input: TestDoc['tests'][number]['input'], baseDir: string): Promise<Uint8Array> {
  const given = ['file', 'body', 'text'].filter((k) => (input as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) throw new Error(`give exactly one of file, body, text (got ${given.join(', ') || 'none'})`);
  const enc = new TextEncoder();
  if (input.text !== undefined) return enc.encode(input.text);
  if (input.body !== undefined) return enc.encode(JSON.stringify(input.body));
  const abs = join(baseDir, input.file as string);
  if (!existsSync(abs)) throw new Error(`file not found: ${relative(process.cwd(), abs)}`);
  const raw = readFileSync(abs);
  if (input.select === undefined) return raw;
  // `select` picks part of a larger document (e.g. one order out of a list) without editing the file.
  const picked = await Promise.resolve(compileExpression(input.select, { engine: 'reference' }).evaluate(JSON.parse(raw.toString('utf8'))));
  if (picked === undefined) throw new Error(`select '${input.select}' matched nothing in ${input.file}`);
  return enc.encode(JSON.stringify(picked));
}

function check(outcome: Outcome, expect: TestDoc['tests'][number]['expect'], baseDir: string): string[] {
  const problems: string[] = [];
  const kinds = [expect.outputs && 'outputs', expect.deadLetter && 'deadLetter', expect.dropped && 'dropped'].filter(Boolean);
  if (kinds.length !== 1) return [`expect: give exactly one of outputs, deadLetter, dropped`];
  const describe = (o: Outcome): string =>
    o.kind === 'fail' ? `a dead letter (${failureText(o.failure.step, o.failure.reason)})` : o.kind === 'drop' ? `a drop by ${o.step}` : `${o.emissions.length} output(s)`;
  if (expect.dropped) {
    if (outcome.kind !== 'drop') problems.push(`expected the message to be dropped, got ${describe(outcome)}`);
    return problems;
  }
  if (expect.deadLetter) {
    if (outcome.kind !== 'fail') return [`expected a dead letter, got ${describe(outcome)}`];
    const f = outcome.failure;
    if (expect.deadLetter.step && !f.step.includes(expect.deadLetter.step)) problems.push(`dead letter step: expected '${expect.deadLetter.step}', got '${f.step}'`);
    if (expect.deadLetter.reason && !new RegExp(expect.deadLetter.reason).test(f.reason)) problems.push(`dead letter reason: expected /${expect.deadLetter.reason}/, got '${f.reason}'`);
    return problems;
  }
  if (outcome.kind !== 'emit') return [`expected outputs, got ${describe(outcome)}`];
  const want = expect.outputs ?? [];
  if (want.length !== outcome.emissions.length) problems.push(`expected ${want.length} output(s), got ${outcome.emissions.length}: ${outcome.emissions.map((e) => e.subject).join(', ')}`);
  want.forEach((w, i) => {
    const got = outcome.emissions[i];
    if (!got) return;
    const at = `outputs[${i}]`;
    if (w.output !== undefined && w.output !== got.output) problems.push(`${at}.output: expected '${w.output}', got '${got.output}'`);
    if (w.subject !== undefined && w.subject !== got.subject) problems.push(`${at}.subject: expected '${w.subject}', got '${got.subject}'`);
    if (w.id !== undefined && w.id !== got.msgId) problems.push(`${at}.id: expected '${w.id}', got '${got.msgId}'`);
    for (const [k, v] of Object.entries(w.headers ?? {})) {
      if (got.headers[k] !== v) problems.push(`${at}.headers.${k}: expected '${v}', got ${got.headers[k] === undefined ? 'nothing' : `'${got.headers[k]}'`}`);
    }
    if (w.body !== undefined) problems.push(...subsetDiff(w.body, got.body, `${at}.body`));
    if (w.bodyFile !== undefined) {
      const abs = join(baseDir, w.bodyFile);
      if (!existsSync(abs)) problems.push(`${at}.bodyFile: file not found: ${relative(process.cwd(), abs)}`);
      else problems.push(...exactDiff(JSON.parse(readFileSync(abs, 'utf8')), got.body, `${at}.body`));
    }
  });
  return problems;
}
