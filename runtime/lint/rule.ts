/** What a lint rule sees and how it reports: the compiled project, its flow, the fixture runs. */
import type { Project } from '../compile/project.ts';
import type { Diagnostics } from '../config/diagnostics.ts';
import type { FixtureRun } from './fixture-runs.ts';
import type { Flow } from '../graph/flow.ts';

export interface LintContext {
  readonly project: Project;
  readonly flow: Flow;
  /** Outcomes of every fixture test whose pipeline compiled. */
  readonly runs: readonly FixtureRun[];
  readonly diags: Diagnostics;
}

export interface LintRule {
  readonly name: string;
  /** One line, for `crossdock lint --help` and the README. */
  readonly summary: string;
  /** Diagnostic codes the rule reports. */
  readonly codes: readonly string[];
  check(ctx: LintContext): void;
}

/**
 * True when every pipeline file compiled. "Unused" means nothing while one does not: the
 * pipeline with the mistake may be the one that uses the mapping or schema.
 */
export function allPipelinesCompiled(project: Project): boolean {
  let declared = 0;
  for (const source of project.sources.values()) {
    const v = source.value as { pipeline?: unknown } | null;
    if (!project.testFiles.includes(source) && v !== null && typeof v === 'object' && 'pipeline' in v) declared++;
  }
  return declared === project.pipelines.length;
}
