/**
 * Behaviour: every fixture of every changed pipeline, run through both revisions, and what
 * came out differently. A reviewer sees the fields a mapping change really moves in an ERP
 * posting, not only the lines of JSONata that moved. Also the schema section. Pure.
 */
import { compareSchemas } from './schema-compat.ts';
import { removedFields, sameJson, unifiedJsonDiff } from './json-diff.ts';
import type { FixtureRun, RunOutcome } from '../lint/fixture-runs.ts';
import type { Snapshot } from './snapshot.ts';
import { failureText } from '../engine/failure-text.ts';
import type { BehaviourNote, BehaviourReport, Finding, SchemaReport, Section } from './plan-types.ts';
import { posix } from 'node:path';

// Correlation ids of fixture runs are fixed or random per run; neither says anything about a change.
const IGNORED_HEADERS = new Set(['X-Correlation-Id']);

export function behaviourReports(base: Snapshot, head: Snapshot, pipelines: Section): BehaviourReport[] {
  const changed = new Set([...pipelines.changed.map((c) => c.name), ...pipelines.added]);
  const out: BehaviourReport[] = [];
  const key = (r: FixtureRun): string => `${r.pipeline}\u0000${r.name}`;
  const before = new Map(base.runs.map((r) => [key(r), r]));
  const seen = new Set<string>();
  for (const r of head.runs) {
    if (!changed.has(r.pipeline)) continue;
    seen.add(key(r));
    const was = before.get(key(r));
    if (!was) {
      out.push({ pipeline: r.pipeline, test: r.name, status: 'new', diff: [], outcome: outcomeJson(r.outcome), notes: [], breaking: false });
      continue;
    }
    const a = outcomeJson(was.outcome);
    const b = outcomeJson(r.outcome);
    if (sameJson(a, b)) {
      out.push({ pipeline: r.pipeline, test: r.name, status: 'same', diff: [], notes: [], breaking: false });
      continue;
    }
    const notes = explain(was.outcome, r.outcome);
    out.push({ pipeline: r.pipeline, test: r.name, status: 'changed', diff: unifiedJsonDiff(a, b), notes, breaking: notes.some((n) => n.breaking) });
  }
  for (const r of base.runs) {
    if (changed.has(r.pipeline) && head.pipelines.has(r.pipeline) && !seen.has(key(r))) {
      out.push({ pipeline: r.pipeline, test: r.name, status: 'removed', diff: [], notes: [{ text: 'this fixture test was removed', breaking: false }], breaking: false });
    }
  }
  return out;
}

export function behaviourFindings(reports: readonly BehaviourReport[]): Finding[] {
  return reports
    .filter((r) => r.breaking)
    .map((r) => ({ severity: 'breaking' as const, kind: 'behaviour-changed', about: r.pipeline, title: `${r.pipeline}: fixture '${r.test}' ${r.notes.filter((n) => n.breaking).map((n) => n.text).join('; ')}`, detail: 'See the behaviour section for the outputs before and after.' }));
}

/** The outcome as a reviewer compares it: what would be published, dropped or dead-lettered. */
function outcomeJson(o: RunOutcome): unknown {
  switch (o.kind) {
    case 'emit':
      return {
        outputs: o.emissions.map((e) => ({
          output: e.output,
          subject: e.subject,
          id: e.id,
          headers: Object.fromEntries(Object.entries(e.headers).filter(([k]) => !IGNORED_HEADERS.has(k))),
          body: e.body,
          ...(e.duplicateSubject ? { duplicateSubject: e.duplicateSubject } : {}),
          ...(e.file ? { file: e.file } : {}),
        })),
      };
    case 'drop':
      return { dropped: { step: o.step } };
    case 'fail':
      return { deadLetter: { step: o.step, reason: o.reason } };
    case 'not-run':
      return { notRun: o.reason };
  }
}

/** What a difference means downstream. */
function explain(a: RunOutcome, b: RunOutcome): BehaviourNote[] {
  const notes: BehaviourNote[] = [];
  const br = (text: string): void => void notes.push({ text, breaking: true });
  const note = (text: string): void => void notes.push({ text, breaking: false });
  if (a.kind !== b.kind) {
    if (a.kind === 'emit' && b.kind === 'fail') br(`now dead-lettered at ${failureText(b.step, b.reason)}`);
    else if (a.kind === 'emit' && b.kind === 'drop') br(`now dropped by ${b.step}`);
    else if (b.kind === 'not-run') note(`cannot be run at the new revision: ${b.reason}`);
    else note(`was ${a.kind === 'fail' ? 'dead-lettered' : a.kind === 'drop' ? 'dropped' : a.kind}, now ${b.kind === 'emit' ? 'published' : b.kind}`);
    return notes;
  }
  if (a.kind !== 'emit' || b.kind !== 'emit') {
    note('the failure or drop changed');
    return notes;
  }
  if (b.emissions.length < a.emissions.length) br(`publishes ${b.emissions.length} message(s) instead of ${a.emissions.length}`);
  else if (b.emissions.length > a.emissions.length) note(`publishes ${b.emissions.length} message(s) instead of ${a.emissions.length}`);
  const n = Math.min(a.emissions.length, b.emissions.length);
  for (let i = 0; i < n; i++) {
    const x = a.emissions[i]!;
    const y = b.emissions[i]!;
    const at = `outputs[${i}]`;
    if (x.id !== y.id) br(`${at}: message id changed from '${x.id}' to '${y.id}', so a message redelivered across the deploy is not recognised as a duplicate`);
    if (x.subject !== y.subject) note(`${at}: subject changed from '${x.subject}' to '${y.subject}'`);
    const gone = removedFields(x.body, y.body);
    if (gone.length > 0) br(`${at}: body no longer has ${gone.join(', ')}`);
    if (!sameJson(x.body, y.body) && gone.length === 0) note(`${at}: body values changed`);
  }
  return notes;
}

/** Canonical and partner schemas: added, removed, and the compatibility of changed ones. */
export function schemaReports(base: Snapshot, head: Snapshot): SchemaReport[] {
  const out: SchemaReport[] = [];
  const resolver = (s: Snapshot, file: string) => (ref: string) => s.schemas.get(posix.normalize(posix.join(posix.dirname(file), ref.split('#')[0] as string)));
  for (const [file, h] of head.schemas) {
    const b = base.schemas.get(file);
    if (b === undefined) {
      out.push({ file, status: 'added', changes: [] });
      continue;
    }
    if (sameJson(b, h)) continue;
    const changes = compareSchemas(b, h, { base: resolver(base, file), head: resolver(head, file) });
    if (changes.length > 0) out.push({ file, status: 'changed', changes });
  }
  for (const file of base.schemas.keys()) {
    if (!head.schemas.has(file)) out.push({ file, status: 'removed', changes: [{ path: '/', breaking: true, message: 'schema removed' }] });
  }
  return out.sort((x, y) => x.file.localeCompare(y.file));
}

export function schemaFindings(reports: readonly SchemaReport[]): Finding[] {
  return reports.flatMap((r) =>
    r.changes
      .filter((c) => c.breaking)
      .map((c) => ({
        severity: 'breaking' as const,
        kind: r.status === 'removed' ? 'schema-removed' : 'schema-breaking',
        about: r.file,
        title: `${r.file}${c.path === '/' ? '' : ` ${c.path}`}: ${c.message}`,
        detail: 'Messages valid under the old version can be refused by the new one, and consumers can lose fields they read. Canonical objects bump schemaVersion for this (schemas/canonical/README.md).',
      })),
  );
}
