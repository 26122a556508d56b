/**
 * Configuration changes between two revisions and their run-time effects in plain words:
 * what happens to durable consumers, streams and the subjects between pipelines when the
 * new revision is deployed. Pure: snapshots in, sections and findings out.
 */
import { subjectContains } from '../config/subjects.ts';
import type { StreamDeclaration } from '../compile/streams.ts';
import { consumersOf, distinctSubjects, type Producer } from '../graph/flow.ts';
import { fieldChanges, sameJson } from './json-diff.ts';
import type { ConsumerSettings, PipelineSnapshot, Snapshot } from './snapshot.ts';
import type { ChangedItem, Finding, Section } from './plan-types.ts';
import { linkFindings } from './compare-links.ts';

export function pipelineSection(base: Snapshot, head: Snapshot): Section {
  const changed: ChangedItem[] = [];
  for (const [name, h] of head.pipelines) {
    const b = base.pipelines.get(name);
    if (!b) continue;
    const fields = fieldChanges(b.raw, h.raw);
    const because = Object.keys({ ...b.inputs, ...h.inputs }).filter((f) => f !== h.file && f !== b.file && b.inputs[f] !== h.inputs[f]).sort();
    if (fields.length > 0 || because.length > 0 || b.file !== h.file) changed.push({ name, fields: b.file !== h.file ? [{ path: '(file)', before: b.file, after: h.file }, ...fields] : fields, because });
  }
  return { added: missingFrom(base.pipelines, head.pipelines), removed: missingFrom(head.pipelines, base.pipelines), changed };
}

export function consumerSection(base: Snapshot, head: Snapshot): Section {
  const b = consumers(base);
  const h = consumers(head);
  const changed: ChangedItem[] = [];
  for (const [name, c] of h) {
    const was = b.get(name);
    if (!was) continue;
    const fields = fieldChanges(was, c);
    if (fields.length > 0) changed.push({ name, fields, because: [] });
  }
  return { added: missingFrom(b, h), removed: missingFrom(h, b), changed };
}

export function streamSection(base: Snapshot, head: Snapshot): Section {
  const changed: ChangedItem[] = [];
  for (const [name, s] of head.streams) {
    const was = base.streams.get(name);
    if (!was) continue;
    const fields = fieldChanges(streamFields(was), streamFields(s));
    if (fields.length > 0) changed.push({ name, fields, because: [] });
  }
  return { added: missingFrom(base.streams, head.streams), removed: missingFrom(head.streams, base.streams), changed };
}

/** Run-time effects of consumer, stream and subject changes. */
export function configFindings(base: Snapshot, head: Snapshot): Finding[] {
  return [...consumerFindings(base, head), ...streamFindings(base, head), ...subjectFindings(base, head), ...linkFindings(base, head)];
}

/** Consumers by pipeline; a pipeline renamed in the same file keeps its place (its durable name is what matters). */
function consumers(s: Snapshot): Map<string, ConsumerSettings> {
  const out = new Map<string, ConsumerSettings>();
  for (const p of s.pipelines.values()) if (p.consumer) out.set(p.name, p.consumer);
  return out;
}

function consumerFindings(base: Snapshot, head: Snapshot): Finding[] {
  const out: Finding[] = [];
  const renamedFrom = new Map<string, PipelineSnapshot>();
  for (const h of head.pipelines.values()) {
    if (base.pipelines.has(h.name)) continue;
    const same = [...base.pipelines.values()].find((b) => b.file === h.file && !head.pipelines.has(b.name));
    if (same) renamedFrom.set(h.name, same);
  }
  for (const h of head.pipelines.values()) {
    const b = base.pipelines.get(h.name) ?? renamedFrom.get(h.name);
    const now = h.consumer;
    if (!now) continue;
    const was = b?.consumer;
    if (!was) {
      out.push(newConsumer(h.name, now, head.streams.get(now.stream)));
      continue;
    }
    if (was.durable !== now.durable || was.stream !== now.stream) {
      const what = was.stream !== now.stream ? `moves from ${was.stream}/${was.durable} to ${now.stream}/${now.durable}` : `durable consumer renamed from '${was.durable}' to '${now.durable}'`;
      out.push({
        severity: 'breaking',
        kind: 'durable-renamed',
        about: h.name,
        title: `${h.name}: ${what}`,
        detail: `A new durable consumer is created and starts from its deliver policy: ${startEffect(now, head.streams.get(now.stream))} The old consumer '${was.durable}' stays on the server, holding its unacknowledged messages, until someone deletes it.`,
      });
      continue;
    }
    if (!sameJson(was.deliver, now.deliver)) {
      out.push({
        severity: 'warning',
        kind: 'deliver-changed',
        about: h.name,
        title: `${h.name}: deliver policy changed from ${deliverText(was.deliver)} to ${deliverText(now.deliver)}`,
        detail: `This has no effect on the existing durable '${now.durable}': JetStream keeps the policy a consumer was created with (the runner logs that it ignored it). It only applies where the consumer is created anew (a new cluster, a deleted durable), so the same pipeline would behave differently there. Rename the durable if the new start is meant.`,
      });
    }
    if (was.subject !== now.subject) {
      const narrowed = !subjectContains(now.subject, was.subject);
      out.push(
        narrowed
          ? {
              severity: 'breaking',
              kind: 'filter-narrowed',
              about: h.name,
              title: `${h.name}: filter subject changed from '${was.subject}' to '${now.subject}'`,
              detail: `Messages on '${was.subject}' outside '${now.subject}' are no longer consumed by this pipeline; those already waiting for it are skipped. On NATS 2.9 the change is refused (a durable's filter cannot change in place): the runner will not start until the durable is renamed.`,
            }
          : {
              severity: 'warning',
              kind: 'filter-widened',
              about: h.name,
              title: `${h.name}: filter subject widened from '${was.subject}' to '${now.subject}'`,
              detail: `The consumer goes on from its current position: messages on the newly included subjects are delivered from now on, older ones stay unread. On NATS 2.9 the change is refused (a durable's filter cannot change in place): the runner will not start until the durable is renamed.`,
            },
      );
    }
  }
  for (const b of base.pipelines.values()) {
    if (!b.consumer || head.pipelines.has(b.name) || [...renamedFrom.values()].includes(b)) continue;
    out.push({
      severity: 'warning',
      kind: 'consumer-removed',
      about: b.name,
      title: `${b.name}: pipeline removed; its consumer '${b.consumer.durable}' on ${b.consumer.stream} is no longer run`,
      detail: `Messages on '${b.consumer.subject}' are no longer handled by it. The durable stays on the server until deleted; with interest or work-queue retention it keeps those messages.`,
    });
  }
  return out;
}

function newConsumer(name: string, c: ConsumerSettings, stream: StreamDeclaration | undefined): Finding {
  const replays = c.deliver === 'all';
  return {
    severity: replays ? 'warning' : 'info',
    kind: 'new-consumer',
    about: name,
    title: `${name}: new durable consumer '${c.durable}' on ${c.stream} (${c.subject}), deliver ${deliverText(c.deliver)}`,
    detail: startEffect(c, stream),
  };
}

/** What a consumer created now will read first. */
function startEffect(c: ConsumerSettings, stream: StreamDeclaration | undefined): string {
  const kept = stream?.maxAgeMs !== undefined ? `up to ${formatMs(stream.maxAgeMs)} of history` : 'with no age limit on the stream';
  const dedup = stream ? ` Outputs are deduplicated only within the output streams' duplicate windows, so anything older is processed again.` : '';
  const d = c.deliver;
  if (d === 'all') return `deliver all: it replays every message on '${c.subject}' still in ${c.stream} (${kept}).${dedup}`;
  if (d === 'new') return `deliver new: messages published before it exists are never processed by it — a gap between what the old consumer finished and what this one starts with.`;
  if (d === 'last') return `deliver last: it starts at the last message on '${c.subject}'; everything before it is skipped.`;
  if (d === 'last-per-subject') return `deliver last-per-subject: it starts with the last message of each subject under '${c.subject}'; older ones are skipped.`;
  if ('startSequence' in d) return `it starts at stream sequence ${d.startSequence} of ${c.stream}; earlier messages are skipped, later ones replayed.`;
  return `it starts at ${d.startTime}; earlier messages are skipped, later ones replayed.`;
}

function deliverText(d: ConsumerSettings['deliver']): string {
  return typeof d === 'string' ? `'${d}'` : JSON.stringify(d);
}

function streamFields(s: StreamDeclaration): Record<string, unknown> {
  return {
    description: s.description,
    subjects: s.subjects,
    storage: s.storage,
    retention: s.retention,
    maxAge: s.maxAgeMs === undefined ? undefined : formatMs(s.maxAgeMs),
    maxBytes: s.maxBytes,
    maxMsgs: s.maxMsgs,
    maxMsgSize: s.maxMsgSize,
    duplicateWindow: formatMs(s.duplicateWindowMs),
    replicas: s.replicas,
    discard: s.discard,
  };
}

function streamFindings(base: Snapshot, head: Snapshot): Finding[] {
  const out: Finding[] = [];
  const f = (severity: Finding['severity'], kind: string, about: string, title: string, detail: string): void => {
    out.push({ severity, kind, about, title, detail });
  };
  for (const [name, b] of base.streams) {
    const h = head.streams.get(name);
    if (!h) {
      f('breaking', 'stream-removed', name, `stream ${name} is no longer declared`, `The runner does not delete it, but nothing creates it on a new server, and its subjects (${b.subjects.join(', ')}) are captured by no declared stream: publishing to them fails.`);
      continue;
    }
    const lost = b.subjects.filter((s) => !h.subjects.some((n) => subjectContains(n, s)));
    if (lost.length > 0) {
      f('breaking', 'stream-subjects-shrunk', name, `stream ${name} no longer captures ${lost.join(', ')}`, `Publishing to those subjects fails once the runner updates the stream (no stream captures them), so pipelines writing there retry and dead-letter. Messages already stored stay in the stream.`);
    }
    if (b.retention !== h.retention) {
      f('breaking', 'stream-retention-changed', name, `stream ${name}: retention changed from ${b.retention} to ${h.retention}`, `JetStream cannot change a stream's retention in place: the runner will refuse to start until the stream is recreated and its consumers moved. ${h.retention === 'limits' ? '' : `With ${h.retention} retention, messages are deleted once consumed, so nothing can be replayed later.`}`.trim());
    }
    if (b.storage !== h.storage) {
      f('breaking', 'stream-storage-changed', name, `stream ${name}: storage changed from ${b.storage} to ${h.storage}`, 'JetStream cannot change storage in place: the runner will refuse to start until the stream is recreated.');
    }
    const shrunk = (label: string, was: number | undefined, now: number | undefined, show: (n: number) => string): void => {
      if (now === undefined || (was !== undefined && now >= was)) return;
      f('breaking', 'stream-limits-shrunk', name, `stream ${name}: ${label} ${was === undefined ? 'set' : `lowered from ${show(was)}`} to ${show(now)}`, `When the runner updates the stream, the messages beyond the new limit are deleted at once and can no longer be replayed.`);
    };
    shrunk('maxAge', b.maxAgeMs, h.maxAgeMs, formatMs);
    shrunk('maxBytes', b.maxBytes, h.maxBytes, String);
    shrunk('maxMsgs', b.maxMsgs, h.maxMsgs, String);
    if (h.maxMsgSize !== undefined && (b.maxMsgSize === undefined || h.maxMsgSize < b.maxMsgSize)) {
      f('breaking', 'stream-limits-shrunk', name, `stream ${name}: maxMsgSize ${b.maxMsgSize === undefined ? 'set' : `lowered from ${b.maxMsgSize}`} to ${h.maxMsgSize}`, 'Larger messages are refused from then on.');
    }
    if (h.duplicateWindowMs < b.duplicateWindowMs) {
      f('warning', 'stream-duplicate-window-shrunk', name, `stream ${name}: duplicate window shortened from ${formatMs(b.duplicateWindowMs)} to ${formatMs(h.duplicateWindowMs)}`, 'A message published again after the shorter window (a late partner retry, a replay) is no longer recognised as a duplicate and is processed twice.');
    }
    if (b.discard !== h.discard) {
      f('warning', 'stream-discard-changed', name, `stream ${name}: at a limit it now ${h.discard === 'new' ? 'refuses new messages' : 'drops the oldest messages'}`, h.discard === 'new' ? 'A full stream makes every publish to it fail.' : 'A full stream silently loses its oldest messages.');
    }
  }
  return out;
}

/** An output whose subject was read by something and no longer is. */
function subjectFindings(base: Snapshot, head: Snapshot): Finding[] {
  const out: Finding[] = [];
  const key = (p: Producer): string => `${p.pipeline}\u0000${p.output ?? ''}\u0000${p.role}`;
  const before = new Map(base.flow.producers.map((p) => [key(p), p]));
  for (const p of head.flow.producers) {
    if (p.role === 'dead-letter' || p.role === 'availability') continue;
    const was = before.get(key(p));
    if (!was) continue;
    const consumedBefore = distinctSubjects(was).filter((s) => isConsumed(base, s));
    if (consumedBefore.length === 0) continue;
    const unread = distinctSubjects(p).filter((s) => !isConsumed(head, s));
    if (unread.length === 0) continue;
    const readers = consumedBefore.flatMap((x) => readerNames(base, x));
    out.push({
      severity: 'breaking',
      kind: 'output-unconsumed',
      about: p.pipeline,
      title: `${p.pipeline}: output ${p.output} publishes to ${unread.map((s) => `'${s}'`).join(', ')}, which nothing consumes any more`,
      detail: `Before, ${[...new Set(readers)].join(', ')} read what this output published. Now the messages are stored and never processed.`,
    });
  }
  return out;
}

function isConsumed(s: Snapshot, subject: string): boolean {
  const c = consumersOf(s.flow, subject);
  return c.pipelines.length > 0 || c.externals.length > 0;
}

function readerNames(s: Snapshot, subject: string): string[] {
  const c = consumersOf(s.flow, subject);
  return [...c.pipelines.map((p) => (p.kind === 'availability' ? 'the availability view' : `pipeline ${p.pipeline}`)), ...c.externals.map((e) => e.system)];
}

function missingFrom<T>(have: ReadonlyMap<string, T>, other: ReadonlyMap<string, T>): string[] {
  return [...other.keys()].filter((k) => !have.has(k)).sort();
}

export function formatMs(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
