/**
 * The flow graph as a Mermaid flowchart, which GitHub and GitLab render in Markdown: streams
 * are subgraphs holding their subjects, pipelines are boxes with double sides, outside
 * systems are rounded, dead letters dashed.
 */
import type { FlowGraph, GraphEdge, GraphNode, NodeKind } from './graph.ts';

const SHAPE: Record<NodeKind, [string, string]> = {
  pipeline: ['[[', ']]'],
  system: ['([', '])'],
  subject: ['[', ']'],
  exception: ['>', ']'],
  'dead-letter': ['{{', '}}'],
  availability: ['[(', ')]'],
};

const CLASSES = [
  'classDef pipeline fill:#dbeafe,stroke:#1d4ed8,color:#0b1f4d',
  'classDef system fill:#f3f4f6,stroke:#4b5563,color:#111827',
  'classDef subject fill:#ecfdf5,stroke:#047857,color:#064e3b',
  'classDef exception fill:#fef3c7,stroke:#b45309,color:#78350f',
  'classDef deadletter fill:#fee2e2,stroke:#b91c1c,color:#7f1d1d',
  'classDef availability fill:#ede9fe,stroke:#6d28d9,color:#2e1065',
];

export function renderMermaid(graph: FlowGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR', ...CLASSES.map((c) => `  ${c}`)];
  const byStream = new Map<string, GraphNode[]>();
  const loose: GraphNode[] = [];
  for (const n of graph.nodes) {
    if (n.stream) byStream.set(n.stream, [...(byStream.get(n.stream) ?? []), n]);
    else loose.push(n);
  }
  for (const [stream, members] of [...byStream].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  subgraph stream_${safe(stream)}["stream ${text(stream)}"]`);
    for (const n of members) lines.push(`    ${nodeLine(n, ids)}`);
    lines.push('  end');
  }
  for (const n of loose) lines.push(`  ${nodeLine(n, ids)}`);
  for (const e of graph.edges) lines.push(`  ${edgeLine(e, ids)}`);
  return lines.join('\n') + '\n';
}

function nodeLine(n: GraphNode, ids: ReadonlyMap<string, string>): string {
  const [open, close] = SHAPE[n.kind];
  return `${ids.get(n.id)}${open}"${text(n.label)}"${close}:::${n.kind === 'dead-letter' ? 'deadletter' : n.kind}`;
}

function edgeLine(e: GraphEdge, ids: ReadonlyMap<string, string>): string {
  const arrow = e.style === 'error' ? '-.->' : e.style === 'match' ? '-.-' : '-->';
  const label = e.label ? `|"${text(e.label)}"|` : '';
  return `${ids.get(e.from)} ${arrow}${label} ${ids.get(e.to)}`;
}

/** Mermaid labels are quoted; quotes and angle brackets become entities so any text is safe. */
function text(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;').replace(/\n/g, ' ');
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}
