/** The result of comparing two revisions: what changed, and what it will do when deployed. */
import type { FieldChange } from './json-diff.ts';
import type { SchemaChange } from './schema-compat.ts';

/** `breaking` makes `crossdock plan` exit 2; `warning` needs a reviewer's eye; `info` is context. */
export type Severity = 'breaking' | 'warning' | 'info';

export interface Finding {
  readonly severity: Severity;
  /** Stable identifier of the kind of effect (`durable-renamed`, `stream-subjects-shrunk`, …). */
  readonly kind: string;
  /** The pipeline, stream or schema it is about. */
  readonly about: string;
  /** One line, plain words. */
  readonly title: string;
  /** What happens at run time, and what to do about it. */
  readonly detail: string;
}

export interface ChangedItem {
  readonly name: string;
  readonly fields: readonly FieldChange[];
  /** Files the item depends on that changed (mappings, schemas, fixtures). */
  readonly because: readonly string[];
}

export interface Section {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ChangedItem[];
}

export interface SchemaReport {
  readonly file: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly changes: readonly SchemaChange[];
}

export interface BehaviourReport {
  readonly pipeline: string;
  readonly test: string;
  readonly status: 'same' | 'changed' | 'new' | 'removed';
  /** Unified diff of the outcome as JSON (base → head). */
  readonly diff: readonly string[];
  /** For a new fixture: its outcome at the new revision. */
  readonly outcome?: unknown;
  /** Plain-words notes on what the difference means; breaking ones make the plan exit 2. */
  readonly notes: readonly BehaviourNote[];
  readonly breaking: boolean;
}

export interface BehaviourNote {
  readonly text: string;
  readonly breaking: boolean;
}

export interface PlanReport {
  readonly base: string;
  readonly head: string;
  readonly pipelines: Section;
  readonly streams: Section;
  readonly consumers: Section;
  readonly findings: readonly Finding[];
  readonly schemas: readonly SchemaReport[];
  readonly behaviour: readonly BehaviourReport[];
  readonly errors: { readonly base: readonly string[]; readonly head: readonly string[] };
}

export function isBreaking(report: PlanReport): boolean {
  return report.findings.some((f) => f.severity === 'breaking');
}
