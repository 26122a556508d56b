/**
 * Links between pipelines: which pipeline reads what another publishes. Broad `external:`
 * entries (`erp.>` for the ERP adapter, `channel.>` for the channel adapters) match nearly
 * every subject, so "is anything consuming this?" stays true when a change stops a pipeline
 * from getting its input. Here a link is producer → consuming pipeline, and a link the change
 * cuts is breaking whatever the external entries say. Pure: snapshots in, findings out.
 */
import { subjectContains, subjectsOverlap } from '../config/subjects.ts';
import { consumersOf, distinctSubjects, type Consumer, type Producer } from '../graph/flow.ts';
import type { ExternalSubject } from '../compile/streams.ts';
import type { Snapshot } from './snapshot.ts';
import type { Finding } from './plan-types.ts';

export function linkFindings(base: Snapshot, head: Snapshot): Finding[] {
  const out: Finding[] = [];
  const key = (p: Producer): string => `${p.pipeline}\u0000${p.output ?? ''}\u0000${p.role}`;
  const before = new Map(base.flow.producers.map((p) => [key(p), p]));
  const edges = new Set(head.flow.edges.filter((e) => e.kind === 'http-in' || e.kind === 'files-in').map((e) => e.pipeline));
  for (const p of head.flow.producers) {
    if (p.role === 'dead-letter' || p.role === 'availability') continue;
    const now = distinctSubjects(p);
    if (now.length === 0) continue; // nothing known about where it publishes
    const was = before.get(key(p));
    if (was && unconsumedReported(base, head, was, p)) continue;
    const readersNow = readers(head, now);
    if (was) {
      const cut = [...readers(base, distinctSubjects(was)).values()].filter((c) => !readersNow.has(name(c)) && head.flow.consumers.some((h) => name(h) === name(c)));
      for (const c of cut) out.push(linkCut(head, p, distinctSubjects(was), now, c));
      if (cut.length > 0) continue;
    }
    const changed = !was || !sameList(distinctSubjects(was), now);
    if (p.role === 'output' && edges.has(p.pipeline) && changed && readersNow.size === 0) {
      const specific = now.some((s) => consumersOf(head.flow, s).externals.some((e) => !catchAll(head, e)));
      if (!specific) out.push(edgeUnread(head, p, now));
    }
  }
  return out;
}

function linkCut(head: Snapshot, p: Producer, was: readonly string[], now: readonly string[], c: Consumer): Finding {
  const reader = c.kind === 'availability' ? 'the availability view' : `pipeline ${c.pipeline}`;
  const short = c.kind === 'availability' ? 'the availability view' : c.pipeline;
  const current = head.flow.consumers.find((h) => name(h) === name(c)) ?? c;
  const broad = broadExternals(head, now);
  return {
    severity: 'breaking',
    kind: 'output-link-cut',
    about: p.pipeline,
    title: `${p.pipeline}: output ${p.output}${p.role === 'duplicate' ? ' (duplicate)' : ''} no longer reaches ${reader}`,
    detail:
      `Before, it published ${quoted(was)}, which ${short} (${c.subjects.join(', ')}) reads; now ${quoted(now)}, which ${short} (${current.subjects.join(', ')}) does not read. ` +
      (broad ? `The external: entries that match (${broad}) stand for outside systems, not ${short}. ` : '') +
      `Its messages are stored and never processed by ${short}: make the subjects meet again, or change ${short}'s input subject.`,
  };
}

function edgeUnread(head: Snapshot, p: Producer, now: readonly string[]): Finding {
  const broad = broadExternals(head, now);
  return {
    severity: 'breaking',
    kind: 'edge-output-unread',
    about: p.pipeline,
    title: `${p.pipeline}: output ${p.output} publishes to ${quoted(now)}, which no pipeline reads`,
    detail:
      `The edge accepts what partners send and stores it, but nothing in Crossdock processes it. ` +
      (broad ? `The external: entries that match (${broad}) cover whole streams and say nothing about this subject. ` : '') +
      `Point the output at a subject a pipeline reads, add the pipeline that reads it, or declare the outside system that does with an external: entry for this subject.`,
  };
}

/** The `output-unconsumed` finding (compare-config.ts) already says this output lost its readers. */
function unconsumedReported(base: Snapshot, head: Snapshot, was: Producer, p: Producer): boolean {
  const consumed = (s: Snapshot, subject: string): boolean => {
    const c = consumersOf(s.flow, subject);
    return c.pipelines.length > 0 || c.externals.length > 0;
  };
  return distinctSubjects(was).some((s) => consumed(base, s)) && distinctSubjects(p).some((s) => !consumed(head, s));
}

/** Consuming pipelines (and the availability view) that read some of `subjects`, by name. */
function readers(s: Snapshot, subjects: readonly string[]): Map<string, Consumer> {
  const out = new Map<string, Consumer>();
  for (const c of s.flow.consumers) {
    if (subjects.some((x) => c.subjects.some((cs) => subjectsOverlap(cs, x)))) out.set(name(c), c);
  }
  return out;
}

function name(c: Consumer): string {
  return `${c.kind}:${c.pipeline}`;
}

/** An external entry that covers a whole stream (`erp.>` over the ERP stream) says nothing about one subject. */
function catchAll(s: Snapshot, e: ExternalSubject): boolean {
  return [...s.streams.values()].some((st) => st.subjects.some((pattern) => subjectContains(e.subject, pattern)));
}

function broadExternals(s: Snapshot, subjects: readonly string[]): string {
  const found = new Map<string, ExternalSubject>();
  for (const x of subjects) for (const e of consumersOf(s.flow, x).externals) if (catchAll(s, e)) found.set(`${e.system}\u0000${e.subject}`, e);
  return [...found.values()].map((e) => `${e.system} on ${e.subject}`).join(', ');
}

function quoted(list: readonly string[]): string {
  return list.map((s) => `'${s}'`).join(', ');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
