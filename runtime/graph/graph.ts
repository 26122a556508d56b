/**
 * The flow of the whole system as a graph: outside systems and edges, subjects (grouped by the
 * stream that stores them), pipelines, dead-letter and exception subjects, and the
 * availability view. Built from the same flow lint checks, so the picture and the checks
 * agree. Pure; drawing is in mermaid.ts and svg.ts.
 */
import { subjectContains, subjectsOverlap } from '../config/subjects.ts';
import type { StreamDeclaration } from '../compile/streams.ts';
import { distinctSubjects, type Flow } from './flow.ts';

export type NodeKind = 'system' | 'pipeline' | 'subject' | 'dead-letter' | 'exception' | 'availability';

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  /** For subjects: the stream that captures them. */
  readonly stream?: string;
}

export type EdgeStyle = 'flow' | 'error' | 'match';

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  /** `flow` carries messages, `error` carries dead letters, `match` links a published subject to a filter that reads it. */
  readonly style: EdgeStyle;
}

export interface FlowGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export function buildGraph(flow: Flow, streams: readonly StreamDeclaration[], options: { only?: readonly string[] } = {}): FlowGraph {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const edgeKeys = new Set<string>();
  const node = (n: GraphNode): string => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
    return n.id;
  };
  const edge = (e: GraphEdge): void => {
    const key = `${e.from}\u0000${e.to}\u0000${e.label ?? ''}\u0000${e.style}`;
    if (edgeKeys.has(key) || e.from === e.to) return;
    edgeKeys.add(key);
    edges.push(e);
  };
  const streamOf = (subject: string): string | undefined =>
    (streams.find((s) => s.subjects.some((p) => subjectContains(p, subject))) ?? streams.find((s) => s.subjects.some((p) => subjectsOverlap(p, subject))))?.name;
  const subjectNode = (subject: string, kind: NodeKind = 'subject'): string => {
    const stream = streamOf(subject);
    return node({ id: `subject:${subject}`, kind, label: subject, ...(stream ? { stream } : {}) });
  };
  const pipelineNode = (name: string): string => (name === 'availability' ? node({ id: 'availability', kind: 'availability', label: 'availability view' }) : node({ id: `pipeline:${name}`, kind: 'pipeline', label: name }));

  const published = new Set<string>();
  for (const p of flow.producers) {
    const from = pipelineNode(p.pipeline);
    const subjects = distinctSubjects(p);
    if (subjects.length === 0 && p.expression) {
      const to = node({ id: `computed:${p.pipeline}:${p.output}:${p.role}`, kind: 'subject', label: `computed: ${p.expression}` });
      edge({ from, to, label: p.output, style: 'flow' });
      continue;
    }
    for (const s of subjects) {
      const kind: NodeKind = p.role === 'dead-letter' ? 'dead-letter' : p.role === 'duplicate' || s.startsWith('exceptions.') ? 'exception' : 'subject';
      const to = subjectNode(s, kind);
      published.add(s);
      edge({ from, to, label: p.role === 'dead-letter' ? 'dead letter' : p.role === 'duplicate' ? `${p.output} (duplicate)` : p.output, style: p.role === 'dead-letter' ? 'error' : 'flow' });
    }
  }
  const filters = new Set<string>();
  for (const c of flow.consumers) {
    const to = pipelineNode(c.pipeline);
    for (const s of c.subjects) {
      filters.add(s);
      edge({ from: subjectNode(s), to, ...(c.durable ? { label: c.durable } : {}), style: 'flow' });
    }
  }
  for (const s of published) {
    for (const f of filters) if (s !== f && subjectsOverlap(s, f)) edge({ from: `subject:${s}`, to: `subject:${f}`, style: 'match' });
  }
  for (const e of flow.edges) {
    const system = node({ id: `system:${e.kind}:${e.label}`, kind: 'system', label: systemLabel(e.kind, e.label) });
    const p = pipelineNode(e.pipeline);
    if (e.kind === 'http-in' || e.kind === 'files-in') edge({ from: system, to: p, style: 'flow' });
    else edge({ from: p, to: system, ...(e.name ? { label: e.name } : {}), style: 'flow' });
  }
  for (const x of flow.externals) {
    const system = node({ id: `system:${x.system}`, kind: 'system', label: x.system });
    const touching = [...nodes.values()].filter((n) => (n.kind === 'subject' || n.kind === 'exception') && n.id.startsWith('subject:') && subjectsOverlap(x.subject, n.label));
    const reads = x.direction !== 'produced';
    const writes = x.direction !== 'consumed';
    let linked = false;
    for (const n of touching) {
      if (reads && published.has(n.label)) {
        edge({ from: n.id, to: system, label: x.subject, style: 'flow' });
        linked = true;
      }
      if (writes && filters.has(n.label)) {
        edge({ from: system, to: n.id, label: x.subject, style: 'flow' });
        linked = true;
      }
    }
    if (!linked) {
      const s = subjectNode(x.subject);
      if (reads) edge({ from: s, to: system, style: 'flow' });
      if (writes) edge({ from: system, to: s, style: 'flow' });
    }
  }
  // Streams no pipeline or outside system touches (the runner's own: operator actions, the
  // audit log) get a box per subject, unconnected, so that the picture shows every stream.
  const drawn = new Set([...nodes.values()].map((n) => n.stream));
  for (const s of streams) if (!drawn.has(s.name)) for (const subject of s.subjects) node({ id: `subject:${subject}`, kind: 'subject', label: subject, stream: s.name });
  const graph = { nodes: [...nodes.values()], edges };
  return options.only && options.only.length > 0 ? neighbourhood(graph, options.only) : graph;
}

/** The pipelines asked for, what they read and write, and who is on the other side of those subjects. */
function neighbourhood(graph: FlowGraph, only: readonly string[]): FlowGraph {
  const keep = new Set(only.map((n) => `pipeline:${n}`));
  const around = (ids: Iterable<string>): string[] => {
    const out: string[] = [];
    for (const id of ids) for (const e of graph.edges) {
      if (e.from === id) out.push(e.to);
      if (e.to === id) out.push(e.from);
    }
    return out;
  };
  const first = around([...keep]);
  first.forEach((id) => keep.add(id));
  // One more step from the subjects, so the producer of the input and the readers of the outputs show.
  const subjects = first.filter((id) => id.startsWith('subject:'));
  around(subjects).forEach((id) => keep.add(id));
  return { nodes: graph.nodes.filter((n) => keep.has(n.id)), edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)) };
}

function systemLabel(kind: string, label: string): string {
  switch (kind) {
    case 'http-in':
      return `HTTP ${label}`;
    case 'files-in':
      return `files in ${label}`;
    case 'files-out':
      return `files out ${label}`;
    default:
      return `HTTP API ${label}`;
  }
}
