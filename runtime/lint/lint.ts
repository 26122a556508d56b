/**
 * `crossdock lint`, the whole of it: the project is loaded and compiled (schema, references,
 * JSONata, streams — loadProject's own checks), the fixture inputs are run, and then each
 * rule below adds what it finds. Every mistake is a diagnostic with file, line and column.
 */
import { loadProject, type LoadOptions, type Project } from '../compile/project.ts';
import type { Diagnostic } from '../config/diagnostics.ts';
import { runFixtures, type FixtureRun } from './fixture-runs.ts';
import { buildFlow, type Flow } from '../graph/flow.ts';
import type { LintRule } from './rule.ts';
import { expressionsRule } from './rules/expressions.ts';
import { expectationsRule } from './rules/expectations.ts';
import { fixtureFilesRule } from './rules/fixture-files.ts';
import { mappingFilesRule } from './rules/mapping-files.ts';
import { messageIdsRule } from './rules/message-ids.ts';
import { schemaFilesRule } from './rules/schema-files.ts';
import { subjectsRule } from './rules/subjects.ts';
import { typedMappingsRule } from './rules/typed-mappings.ts';

export const RULES: readonly LintRule[] = [expectationsRule, expressionsRule, fixtureFilesRule, mappingFilesRule, messageIdsRule, schemaFilesRule, subjectsRule, typedMappingsRule];

export interface LintReport {
  readonly project: Project;
  readonly flow: Flow;
  readonly runs: readonly FixtureRun[];
  /** Sorted by file, line, column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly errorCount: number;
}

export async function lintProject(pipelinesDir: string, options: LoadOptions = {}): Promise<LintReport> {
  const project = loadProject(pipelinesDir, options);
  return lintLoaded(project);
}

export async function lintLoaded(project: Project, rules: readonly LintRule[] = RULES): Promise<LintReport> {
  const runs = await runFixtures(project);
  const flow = buildFlow(project, runs);
  const ctx = { project, flow, runs, diags: project.diagnostics };
  for (const rule of rules) rule.check(ctx);
  return { project, flow, runs, diagnostics: project.diagnostics.sorted(), errorCount: project.diagnostics.errorCount };
}
