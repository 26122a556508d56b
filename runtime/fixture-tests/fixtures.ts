/**
 * Fixture tests kept beside pipelines (`<name>.test.yaml`): an input message and the outputs,
 * drop or dead letter it must produce. They run offline through the same pure code path as
 * the live runner (createExchange → processExchange), so a passing fixture means the runner
 * would publish exactly that.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Project } from '../compile/project.ts';
import type { Diagnostics } from '../config/diagnostics.ts';
import type { YamlSource } from '../config/yaml-source.ts';
import type { Outcome } from '../engine/process.ts';
import { exactDiff, subsetDiff } from './match.ts';
import { failureText } from '../engine/failure-text.ts';
import { fixtureDir, fixtureFile, runFixtureFile as runFile, type FixtureExpect, type FixtureOutcome } from './fixture-run.ts';

export { FIXTURE_TIME } from './fixture-run.ts';

export interface FixtureResult {
  readonly file: string;
  readonly line: number;
  readonly pipeline: string;
  readonly name: string;
  readonly problems: readonly string[];
}

/** Runs every test of one file and checks each against its `expect`. Problems with the file itself go to `diags`. */
export async function runFixtureFile(source: YamlSource, project: Project, diags: Diagnostics): Promise<FixtureResult[]> {
  const file = fixtureFile(source, diags);
  if (!file) return [];
  const run = await runFile(project, file);
  if (run.kind === 'no-pipeline') {
    diags.error(source.file, source.locate(['pipeline']), 'fixture-pipeline', `no compiled pipeline named '${file.doc.pipeline}' (it is missing or has errors)`);
    return [];
  }
  if (run.kind === 'cannot-start') {
    diags.error(source.file, source.locate(['pipeline']), 'fixture-start', run.reason);
    return [];
  }
  const baseDir = fixtureDir(source);
  return file.doc.tests.map((t, i) => ({
    file: source.file,
    line: source.locate(['tests', i]).line,
    pipeline: run.pipeline.name,
    name: t.name,
    problems: check(run.outcomes[i]!, t.expect, baseDir),
  }));
}

function check(outcome: FixtureOutcome, expect: FixtureExpect, baseDir: string): string[] {
  if (outcome.kind === 'not-run') return [outcome.reason];
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
