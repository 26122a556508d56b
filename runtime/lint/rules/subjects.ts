/**
 * Subjects between pipelines. An output subject no stream captures is an error: JetStream
 * refuses the publish, so every message would be retried and dead-lettered. A subject nothing
 * consumes (no pipeline, not the availability view, not an `external:` system) is a warning:
 * the messages pile up in their stream unread. So is a pipeline input that nothing produces.
 * Subjects come from the expressions where they are literal-ish, and from the fixture runs.
 */
import { subjectContains, subjectsOverlap } from '../../config/subjects.ts';
import type { StreamDeclaration } from '../../compile/streams.ts';
import { consumersOf, distinctSubjects, producersOf, type Producer } from '../../graph/flow.ts';
import { unquotedPath } from '../../graph/static-subjects.ts';
import type { LintContext, LintRule } from '../rule.ts';

export const subjectsRule: LintRule = {
  name: 'subjects',
  summary: 'output subjects are captured by a stream, consumed by a pipeline or an external system; pipeline inputs are produced by something',
  codes: ['subject-unquoted', 'subject-uncaptured', 'subject-partly-captured', 'subject-unconsumed', 'subject-unproduced'],
  check(ctx) {
    const { project, flow } = ctx;
    if (project.streams.length === 0) return; // no streams file: loadProject has said so already
    for (const producer of flow.producers) {
      if (producer.role === 'dead-letter' || producer.role === 'availability') continue;
      if (checkUnquoted(ctx, producer, project.streams)) continue;
      checkCapture(ctx, producer, project.streams);
      checkConsumed(ctx, producer);
    }
    for (const consumer of flow.consumers) {
      if (consumer.kind !== 'pipeline') continue;
      const source = project.sources.get(consumer.file);
      const subject = consumer.subjects[0] as string;
      const { producers, externals } = producersOf(flow, subject);
      if (producers.length > 0 || externals.length > 0) continue;
      if (source) {
        ctx.diags.warn(consumer.file, source.locate(['input', 'jetstream', 'subject']), 'subject-unproduced', `nothing publishes to '${subject}': no pipeline output and no external: entry (direction produced or both) matches it`);
      }
    }
  },
};

function what(p: Producer): string {
  return p.role === 'duplicate' ? `output ${p.output} (duplicate)` : `output ${p.output}`;
}

/**
 * `subject: erp.salesorders.woo` parses as a JSONata path and gives nothing, so every message
 * would be dead-lettered; fixtures only catch it if there is one. Taken as a subject meant
 * literally when its first token starts a stream's subjects (`erp` of `erp.>`). Returns true
 * when reported: the capture and consumption checks would only repeat the mistake.
 */
function checkUnquoted(ctx: LintContext, p: Producer, streams: readonly StreamDeclaration[]): boolean {
  const text = p.expression === undefined ? undefined : unquotedPath(p.expression);
  const source = ctx.project.sources.get(p.file);
  if (!text || !source) return false;
  const first = text.split('.')[0];
  if (!streams.some((s) => s.subjects.some((pattern) => pattern.split('.')[0] === first))) return false;
  const names = text.split('.');
  const field = names.slice(1).reverse().map((n, i, all) => (i === all.length - 1 ? `${n} of ${names[0]}` : n)).join(' of ');
  const key = String(p.path.at(-1) ?? 'subject');
  ctx.diags.error(p.file, source.locate(p.path), 'subject-unquoted', `${what(p)}: subject ${text} is read as a JSONata path (field ${field} in the message, which gives nothing), not as text; quote it: ${key}: "'${text}'"`);
  return true;
}

function checkCapture(ctx: LintContext, p: Producer, streams: readonly StreamDeclaration[]): void {
  const source = ctx.project.sources.get(p.file);
  if (!source) return;
  const at = source.locate(p.path);
  const captured = (subject: string): 'all' | 'part' | 'none' => {
    if (streams.some((s) => s.subjects.some((pattern) => subjectContains(pattern, subject)))) return 'all';
    return streams.some((s) => s.subjects.some((pattern) => subjectsOverlap(pattern, subject))) ? 'part' : 'none';
  };
  const list = streams.flatMap((s) => s.subjects).join(', ');
  for (const pattern of p.patterns) {
    const c = captured(pattern);
    if (c === 'none') ctx.diags.error(p.file, at, 'subject-uncaptured', `${what(p)}: subject '${pattern}' is not captured by any stream, so publishing would fail (streams capture: ${list})`);
    else if (c === 'part') ctx.diags.warn(p.file, at, 'subject-partly-captured', `${what(p)}: subject '${pattern}' is only partly captured by the streams (${list})`);
  }
  for (const subject of p.observed) {
    if (p.patterns.some((pattern) => subjectContains(pattern, subject))) continue; // reported above if at all
    if (captured(subject) === 'none') {
      const run = ctx.runs.find((r) => r.outcome.kind === 'emit' && r.outcome.emissions.some((e) => e.output === p.output && (e.subject === subject || e.duplicateSubject === subject)));
      const from = run ? ` in fixture '${run.name}'` : '';
      ctx.diags.error(p.file, at, 'subject-uncaptured', `${what(p)}: published to '${subject}'${from}, which no stream captures, so publishing would fail (streams capture: ${list})`);
    }
  }
}

function checkConsumed(ctx: LintContext, p: Producer): void {
  const source = ctx.project.sources.get(p.file);
  if (!source) return;
  for (const subject of distinctSubjects(p)) {
    const { pipelines, externals } = consumersOf(ctx.flow, subject);
    if (pipelines.length > 0 || externals.length > 0) continue;
    ctx.diags.warn(p.file, source.locate(p.path), 'subject-unconsumed', `${what(p)}: nothing consumes '${subject}' (no pipeline input, availability view or external: entry matches it)`);
  }
}
