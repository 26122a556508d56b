/**
 * The flow graph as a standalone SVG, or an HTML page around it: no scripts, no fonts or
 * styles from the network, so it opens from a CI artifact or an e-mail. Layout is layered
 * left to right (sources first, each node one column right of its furthest predecessor), rows
 * ordered by the average row of their predecessors, edges drawn as curves.
 */
import type { FlowGraph, GraphNode, NodeKind } from './graph.ts';

const COLOURS: Record<NodeKind, { fill: string; stroke: string; text: string }> = {
  pipeline: { fill: '#dbeafe', stroke: '#1d4ed8', text: '#0b1f4d' },
  system: { fill: '#f3f4f6', stroke: '#4b5563', text: '#111827' },
  subject: { fill: '#ecfdf5', stroke: '#047857', text: '#064e3b' },
  exception: { fill: '#fef3c7', stroke: '#b45309', text: '#78350f' },
  'dead-letter': { fill: '#fee2e2', stroke: '#b91c1c', text: '#7f1d1d' },
  availability: { fill: '#ede9fe', stroke: '#6d28d9', text: '#2e1065' },
};

const LEGEND: [NodeKind, string][] = [
  ['system', 'outside system or edge'],
  ['subject', 'subject (stream)'],
  ['pipeline', 'pipeline'],
  ['exception', 'business exception'],
  ['dead-letter', 'dead letters'],
  ['availability', 'availability view'],
];

const CHAR = 7.2;
const NODE_H = 40;
const ROW_GAP = 22;
const COL_GAP = 90;
const MARGIN = 24;
const LEGEND_H = 36;

interface Placed {
  readonly node: GraphNode;
  readonly x: number;
  readonly y: number;
  readonly w: number;
}

export interface Layout {
  readonly placed: ReadonlyMap<string, Placed>;
  readonly width: number;
  readonly height: number;
}

export function layoutGraph(graph: FlowGraph): Layout {
  const layer = layers(graph);
  const columns: GraphNode[][] = [];
  for (const n of graph.nodes) (columns[layer.get(n.id) ?? 0] ??= []).push(n);
  const row = new Map<string, number>();
  const preds = new Map<string, string[]>();
  for (const e of graph.edges) preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  columns.forEach((col, c) => {
    if (c > 0) {
      const score = (n: GraphNode): number => {
        const ps = (preds.get(n.id) ?? []).filter((p) => row.has(p));
        return ps.length === 0 ? Infinity : ps.reduce((sum, p) => sum + (row.get(p) as number), 0) / ps.length;
      };
      col.sort((a, b) => score(a) - score(b));
    }
    col.forEach((n, i) => row.set(n.id, i));
  });
  const placed = new Map<string, Placed>();
  let x = MARGIN;
  let height = 0;
  for (const col of columns) {
    if (!col) continue;
    const w = Math.max(...col.map((n) => nodeWidth(n)));
    col.forEach((n, i) => {
      const y = MARGIN + LEGEND_H + i * (NODE_H + ROW_GAP);
      placed.set(n.id, { node: n, x, y, w });
      height = Math.max(height, y + NODE_H + MARGIN);
    });
    x += w + COL_GAP;
  }
  return { placed, width: Math.max(x - COL_GAP + MARGIN, 640), height: Math.max(height, MARGIN * 2 + LEGEND_H + NODE_H) };
}

/** Longest path from a source, ignoring edges that close a cycle. */
function layers(graph: FlowGraph): Map<string, number> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const forward: [string, string][] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    for (const to of out.get(id) ?? []) {
      const s = state.get(to);
      if (s === 'open') continue; // back edge
      forward.push([id, to]);
      if (s === undefined) visit(to);
    }
    state.set(id, 'done');
  };
  const incoming = new Set(graph.edges.map((e) => e.to));
  for (const n of graph.nodes) if (!incoming.has(n.id) && !state.has(n.id)) visit(n.id);
  for (const n of graph.nodes) if (!state.has(n.id)) visit(n.id);
  const layer = new Map(graph.nodes.map((n) => [n.id, 0]));
  // Relax along forward edges until stable (the forward edges form a DAG).
  for (let changed = true, rounds = 0; changed && rounds <= graph.nodes.length; rounds++) {
    changed = false;
    for (const [from, to] of forward) {
      const want = (layer.get(from) as number) + 1;
      if ((layer.get(to) as number) < want) {
        layer.set(to, want);
        changed = true;
      }
    }
  }
  return layer;
}

function nodeWidth(n: GraphNode): number {
  const caption = n.stream ? `stream ${n.stream}` : '';
  return Math.round(Math.max(n.label.length, caption.length) * CHAR + 28);
}

export function renderSvg(graph: FlowGraph, title = 'Crossdock flow'): string {
  const { placed, width, height } = layoutGraph(graph);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xml(title)}">`);
  parts.push(`<title>${xml(title)}</title>`);
  parts.push('<style>text{font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:12px}.cap{font-size:10px;opacity:.75}.edge{fill:none;stroke:#6b7280;stroke-width:1.3}.error{stroke:#b91c1c;stroke-dasharray:5 4}.match{stroke:#9ca3af;stroke-dasharray:2 3}.lbl{font-size:10px;fill:#374151}</style>');
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#6b7280"/></marker></defs>');
  let lx = MARGIN;
  for (const [kind, label] of LEGEND) {
    const c = COLOURS[kind];
    parts.push(`<rect x="${lx}" y="${MARGIN - 10}" width="14" height="14" rx="3" fill="${c.fill}" stroke="${c.stroke}"/><text x="${lx + 20}" y="${MARGIN + 1}">${xml(label)}</text>`);
    lx += Math.round(20 + label.length * CHAR + 24);
  }
  for (const e of graph.edges) {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + a.w;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const d = `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
    const cls = e.style === 'flow' ? 'edge' : `edge ${e.style}`;
    parts.push(`<path class="${cls}" d="${d}"${e.style === 'match' ? '' : ' marker-end="url(#arrow)"'}><title>${xml(`${a.node.label} → ${b.node.label}${e.label ? ` (${e.label})` : ''}`)}</title></path>`);
    if (e.label) parts.push(`<text class="lbl" x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle">${xml(e.label)}</text>`);
  }
  for (const p of placed.values()) {
    const c = COLOURS[p.node.kind];
    const rx = p.node.kind === 'system' ? NODE_H / 2 : p.node.kind === 'pipeline' ? 4 : 8;
    const dash = p.node.kind === 'dead-letter' ? ' stroke-dasharray="4 3"' : '';
    parts.push(`<g data-kind="${p.node.kind}" data-id="${xml(p.node.id)}">`);
    parts.push(`<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${NODE_H}" rx="${rx}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="${p.node.kind === 'pipeline' ? 2 : 1.2}"${dash}/>`);
    const ty = p.node.stream ? p.y + 17 : p.y + NODE_H / 2 + 4;
    parts.push(`<text x="${p.x + 14}" y="${ty}" fill="${c.text}">${xml(p.node.label)}</text>`);
    if (p.node.stream) parts.push(`<text class="cap" x="${p.x + 14}" y="${p.y + 31}" fill="${c.text}">stream ${xml(p.node.stream)}</text>`);
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** A self-contained page: the SVG inline, and the Mermaid source to paste into Markdown. */
export function renderHtml(graph: FlowGraph, mermaid: string, title = 'Crossdock flow'): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${xml(title)}</title>`,
    '<style>body{margin:24px;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111827}main{overflow:auto}pre{background:#f9fafb;padding:12px;border:1px solid #e5e7eb;overflow:auto}</style>',
    '</head><body>',
    `<h1>${xml(title)}</h1>`,
    `<p>${graph.nodes.filter((n) => n.kind === 'pipeline').length} pipeline(s), ${graph.nodes.filter((n) => n.kind !== 'pipeline' && n.kind !== 'system').length} subject(s), ${graph.nodes.filter((n) => n.kind === 'system').length} outside system(s). Hover an edge for its ends.</p>`,
    '<main>',
    renderSvg(graph, title).trimEnd(),
    '</main>',
    '<details><summary>Mermaid source (for Markdown)</summary>',
    `<pre>${xml(mermaid)}</pre>`,
    '</details>',
    '</body></html>',
    '',
  ].join('\n');
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
