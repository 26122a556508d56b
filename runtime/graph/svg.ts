/**
 * The laid-out flow graph as a standalone SVG, and a self-contained HTML page around it: no
 * scripts, no fonts or styles from the network, so it opens from a CI artifact or an e-mail.
 * Pure: the layout (layout.ts) decides every place, this only draws.
 *
 * Hooks for a live overlay (the console): each pipeline box carries `data-pipeline`, each edge
 * `data-edge="FROM->TO"` (graph node ids) with `data-pipeline` and `data-subject` where it has
 * those ends, and an empty `<text class="rate">` in room the layout reserved for it.
 */
import type { NodeKind } from './graph.ts';
import { TEXT, type GraphLayout, type LaidEdge, type LaidNode, type Point } from './layout-model.ts';
import { textWidth } from './text-width.ts';

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

const LEGEND_H = 34;
const MARGIN = 12;
const FONT = 'ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif';

/**
 * The drawing's own style rules. A page whose Content-Security-Policy refuses inline styles
 * (the console) drops the SVG's <style> and links these from a stylesheet instead.
 */
export const GRAPH_CSS =
  `text{font-family:${FONT};font-size:${TEXT.label}px}.cap{font-size:${TEXT.caption}px;opacity:.8}` +
  `.edge path{fill:none;stroke:#6b7280;stroke-width:1.2}.edge.error path{stroke:#b91c1c;stroke-dasharray:5 4}.edge.match path{stroke:#9ca3af;stroke-dasharray:2 3}` +
  `.lbl,.rate{font-size:${TEXT.edge}px;fill:#374151;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}.rate{font-weight:600;fill:#1f2937}.edge.error .rate{fill:#b91c1c}`;

export function renderSvg(layout: GraphLayout, title = 'Crossdock flow'): string {
  const legend = legendParts();
  const width = Math.ceil(Math.max(layout.width, legend.width + 2 * MARGIN));
  const height = Math.ceil(layout.height + LEGEND_H);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xml(title)}">`);
  parts.push(`<title>${xml(title)}</title>`);
  parts.push(`<style>${GRAPH_CSS}</style>`);
  parts.push(
    '<defs>' +
      '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#6b7280"/></marker>' +
      '<marker id="arrow-error" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#b91c1c"/></marker>' +
      '</defs>',
  );
  parts.push(`<g class="legend" aria-hidden="true">${legend.svg}</g>`);
  parts.push(`<g transform="translate(0,${LEGEND_H})">`);
  const labelOf = new Map(layout.nodes.map((n) => [n.id, n.label]));
  const bandSlot = new Map(layout.edges.filter((e) => e.band).map((e) => [e.to, e.slot]));
  for (const e of layout.edges) if (!e.band) parts.push(edgeSvg(e, labelOf));
  for (const n of layout.nodes) parts.push(n.bandOf ? bandSvg(n, bandSlot.get(n.id)) : nodeSvg(n));
  // Over the bands they belong to.
  for (const e of layout.edges) if (e.band) parts.push(edgeSvg(e, labelOf));
  parts.push('</g>');
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function legendParts(): { svg: string; width: number } {
  let x = MARGIN;
  const out: string[] = [];
  for (const [kind, label] of LEGEND) {
    const c = COLOURS[kind];
    out.push(`<rect x="${x}" y="${MARGIN - 2}" width="14" height="14" rx="3" fill="${c.fill}" stroke="${c.stroke}"/><text x="${x + 20}" y="${MARGIN + 9}">${xml(label)}</text>`);
    x += 20 + textWidth(label, TEXT.label) + 22;
  }
  return { svg: out.join(''), width: x - MARGIN };
}

function edgeSvg(e: LaidEdge, labelOf: ReadonlyMap<string, string>): string {
  const cls = e.style === 'flow' ? 'edge' : `edge ${e.style}`;
  const data = [`data-edge="${xml(`${e.from}->${e.to}`)}"`, e.pipeline ? `data-pipeline="${xml(e.pipeline)}"` : '', e.subject ? `data-subject="${xml(e.subject)}"` : ''].filter(Boolean).join(' ');
  const title = `${labelOf.get(e.from) ?? e.from} → ${labelOf.get(e.to) ?? e.to}${e.label ? ` (${e.label})` : ''}`;
  const marker = e.style === 'match' ? '' : e.style === 'error' ? ' marker-end="url(#arrow-error)"' : ' marker-end="url(#arrow)"';
  if (e.band) {
    return `<g class="${cls} band" ${data}><title>${xml(title)}</title><text class="rate" x="${e.slot.x + e.slot.w - 4}" y="${e.slot.y + e.slot.h - 5}" text-anchor="end"></text></g>`;
  }
  const cx = e.slot.x + e.slot.w / 2;
  const lines: string[] = [`<g class="${cls}" ${data}>`, `<title>${xml(title)}</title>`, `<path d="${pathData(e.points)}"${marker}/>`];
  let y = e.slot.y + TEXT.edgeLine - 3;
  if (e.text) {
    lines.push(`<text class="lbl" x="${cx}" y="${y}" text-anchor="middle">${xml(e.text)}</text>`);
    y += TEXT.edgeLine;
  }
  lines.push(`<text class="rate" x="${cx}" y="${y}" text-anchor="middle"></text>`, '</g>');
  return lines.join('');
}

/** An orthogonal route with its corners rounded a little, so crossing and turning read apart. */
function pathData(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  const d = [`M${first.x},${first.y}`];
  for (let i = 0; i < rest.length; i++) {
    const p = rest[i] as Point;
    const prev = i === 0 ? first : (rest[i - 1] as Point);
    const next = rest[i + 1];
    if (!next) {
      d.push(`L${p.x},${p.y}`);
      break;
    }
    const r = Math.min(5, dist(prev, p) / 2, dist(p, next) / 2);
    const a = toward(p, prev, r);
    const b = toward(p, next, r);
    d.push(`L${a.x},${a.y}Q${p.x},${p.y} ${b.x},${b.y}`);
  }
  return d.join('');
}

const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

function toward(from: Point, to: Point, r: number): Point {
  const d = dist(from, to) || 1;
  return { x: Math.round((from.x + ((to.x - from.x) * r) / d) * 10) / 10, y: Math.round((from.y + ((to.y - from.y) * r) / d) * 10) / 10 };
}

function nodeSvg(n: LaidNode): string {
  const c = COLOURS[n.kind];
  const rx = n.kind === 'system' ? Math.min(n.h / 2, 16) : n.kind === 'pipeline' ? 4 : 8;
  const dash = n.kind === 'dead-letter' ? ' stroke-dasharray="4 3"' : '';
  const data = [`data-kind="${n.kind}"`, `data-id="${xml(n.id)}"`, n.kind === 'pipeline' ? `data-pipeline="${xml(n.label)}"` : '', n.side ? `data-side="${n.side}"` : ''].filter(Boolean).join(' ');
  const kindName = n.kind === 'system' ? `outside system${n.side ? ` (${n.side})` : ''}` : n.kind === 'availability' ? 'view' : n.kind;
  const title = `${n.label}: ${kindName}${n.stream ? `, stream ${n.stream}` : ''}`;
  const out = [`<g class="node" ${data}>`, `<title>${xml(title)}</title>`];
  out.push(`<rect x="${n.x}" y="${n.y}" width="${n.w}" height="${n.h}" rx="${rx}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="${n.kind === 'pipeline' ? 2 : 1.2}"${dash}/>`);
  const textBlock = n.lines.length * TEXT.labelLine + (n.caption ? TEXT.captionLine : 0);
  let y = n.y + (n.h - textBlock) / 2 + TEXT.labelLine - 4;
  const x = n.x + 10;
  for (const line of n.lines) {
    out.push(`<text x="${x}" y="${round(y)}" fill="${c.text}">${xml(line)}</text>`);
    y += TEXT.labelLine;
  }
  if (n.caption) out.push(`<text class="cap" x="${x}" y="${round(y - 2)}" fill="${c.text}">${xml(n.caption)}</text>`);
  out.push('</g>');
  return out.join('');
}

/** A pipeline's dead letters: a dashed band under its box, over the edge's rate slot too. */
function bandSvg(n: LaidNode, slot: { x: number; w: number } | undefined): string {
  const c = COLOURS[n.kind];
  const w = slot ? slot.x + slot.w - n.x : n.w;
  return [
    `<g class="node band" data-kind="${n.kind}" data-id="${xml(n.id)}">`,
    `<title>${xml(`${n.label}: dead letters of ${n.bandOf?.replace(/^pipeline:/, '') ?? ''}${n.stream ? `, stream ${n.stream}` : ''}`)}</title>`,
    `<rect x="${n.x + 1}" y="${n.y}" width="${round(w - 2)}" height="${n.h - 1}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1" stroke-dasharray="4 3"/>`,
    `<text class="cap" x="${n.x + 10}" y="${n.y + n.h - 5}" fill="${c.text}">${xml(n.label)}</text>`,
    '</g>',
  ].join('');
}

/** A self-contained page: the SVG inline, and the Mermaid source to paste into Markdown. */
export function renderHtml(layout: GraphLayout, mermaid: string, title = 'Crossdock flow'): string {
  const count = (pick: (n: LaidNode) => boolean): number => new Set(layout.nodes.filter(pick).map((n) => n.id)).size;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${xml(title)}</title>`,
    `<style>body{margin:24px;font-family:${FONT};color:#111827}main{overflow:auto}main svg{max-width:100%;height:auto}pre{background:#f9fafb;padding:12px;border:1px solid #e5e7eb;overflow:auto}</style>`,
    '</head><body>',
    `<h1>${xml(title)}</h1>`,
    `<p>${count((n) => n.kind === 'pipeline')} pipeline(s), ${count((n) => n.kind !== 'pipeline' && n.kind !== 'system' && n.kind !== 'availability')} subject(s), ${count((n) => n.kind === 'system')} outside system(s). Hover a box or an edge for its details.</p>`,
    '<main>',
    renderSvg(layout, title).trimEnd(),
    '</main>',
    '<details><summary>Mermaid source (for Markdown)</summary>',
    `<pre>${xml(mermaid)}</pre>`,
    '</details>',
    '</body></html>',
    '',
  ].join('\n');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
