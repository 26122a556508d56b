/**
 * The pure halves of the layout: the flow graph as ELK's input (boxes sized from their
 * measured text, room reserved for every edge's drawn label and live rate), and ELK's answer
 * as a GraphLayout. Running ELK itself is layout.ts's job.
 *
 * Three things are drawn otherwise than the graph lists them, to keep the picture narrow (see
 * docs/reviewing.md): an outside system that both sends and receives gets a box on each side;
 * a pipeline's own dead-letter subject is a band under the pipeline's box, not a box of its own
 * one edge away; boxes with no edge (streams only the runner writes) sit in a row underneath.
 */
import type { ElkExtendedEdge, ElkLabel, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import type { FlowGraph, GraphEdge, GraphNode } from './graph.ts';
import { TEXT, type Box, type GraphLayout, type LaidEdge, type LaidNode, type Point, type SystemSide } from './layout-model.ts';
import { textWidth, wrapText } from './text-width.ts';

/** Past this a label wraps (subjects break between tokens, paths between folders). */
const MAX_LABEL_WIDTH = 120;
const PAD_X = 10;
const PAD_Y = 7;
/** Room for a rate such as "1,234/s" under an edge's label. */
const RATE_WIDTH = 44;
/** The dead-letter band under a pipeline: its subject, then room for a count as wide as a rate. */
const BAND_H = 18;

export const LAYOUT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  // Left to right reads as the flow does; top-down puts a dozen boxes side by side in a layer.
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
  'elk.spacing.nodeNode': '12',
  'elk.spacing.edgeEdge': '6',
  'elk.spacing.edgeNode': '8',
  'elk.spacing.edgeLabel': '2',
  'elk.layered.spacing.nodeNodeBetweenLayers': '18',
  'elk.layered.spacing.edgeNodeBetweenLayers': '10',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '6',
  // Boxes move left into room their layer does not use: a quarter of the width on the shipped project.
  'elk.layered.compaction.postCompaction.strategy': 'LEFT',
  // Keep the order the graph lists things in where crossings allow: pipelines in file order.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

type PlanNode = {
  readonly elkId: string;
  readonly node: GraphNode;
  readonly lines: readonly string[];
  readonly caption?: string;
  readonly side?: SystemSide;
  readonly band?: GraphNode;
  /** Rate slots of unlabelled edges kept in rows above the box, in this order. */
  readonly slots: readonly string[];
  /** No edge: placed in a row under the picture, not by ELK (which would give it a column). */
  readonly loose?: boolean;
};
/** Where an edge's rate goes: under its drawn label, in its node's row of slots, or in its pipeline's dead-letter band. */
type SlotPlace = 'label' | 'node' | 'band';
type PlanEdge = { readonly elkId: string; readonly edge: GraphEdge; readonly text?: string; readonly pipeline?: string; readonly subject?: string; readonly place: SlotPlace; readonly owner?: string };

/** What ELK was given, to read its answer back. */
export interface ElkPlan {
  readonly input: ElkNode;
  readonly nodes: readonly PlanNode[];
  readonly edges: readonly PlanEdge[];
}

/** The systems that both send and receive: drawn once on each side. */
function twoSided(graph: FlowGraph): Set<string> {
  const into = new Set(graph.edges.map((e) => e.to));
  const outOf = new Set(graph.edges.map((e) => e.from));
  return new Set(graph.nodes.filter((n) => n.kind === 'system' && into.has(n.id) && outOf.has(n.id)).map((n) => n.id));
}

/** Dead-letter subjects written by one pipeline and touched by nothing else, by that pipeline's id. */
function bands(graph: FlowGraph): Map<string, GraphNode> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, GraphNode>();
  for (const n of graph.nodes) {
    if (n.kind !== 'dead-letter') continue;
    const touching = graph.edges.filter((e) => e.from === n.id || e.to === n.id);
    const only = touching[0];
    if (touching.length !== 1 || !only || only.to !== n.id || only.style !== 'error' || byId.get(only.from)?.kind !== 'pipeline' || out.has(only.from)) continue;
    out.set(only.from, n);
  }
  return out;
}

export function toElk(graph: FlowGraph): ElkPlan {
  const split = twoSided(graph);
  const banded = bands(graph);
  const bandIds = new Set([...banded.values()].map((n) => n.id));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ends = new Map(graph.nodes.map((n, i) => [n.id, { sends: `n${i}`, receives: split.has(n.id) ? `n${i}r` : `n${i}` }]));
  const edges: PlanEdge[] = [];
  const slotsOf = new Map<string, string[]>();
  graph.edges.forEach((edge, i) => {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) return;
    const elkId = `e${i}`;
    const text = shownLabel(edge, from, to);
    const pipeline = [from, to].find((n) => n.kind === 'pipeline')?.label;
    const subject = [from, to].find((n) => n.id.startsWith('subject:'))?.label;
    const common = { elkId, edge, ...(text ? { text } : {}), ...(pipeline ? { pipeline } : {}), ...(subject ? { subject } : {}) };
    if (bandIds.has(to.id) || text) {
      edges.push({ ...common, place: bandIds.has(to.id) ? 'band' : 'label' });
      return;
    }
    // A rate-only slot in a label would cost a layer of its own between two layers: it goes
    // above the end that reads (a pipeline's input) or, toward an outside system, the subject.
    const owner = to.kind === 'system' ? (ends.get(from.id) as { sends: string }).sends : (ends.get(to.id) as { receives: string }).receives;
    slotsOf.set(owner, [...(slotsOf.get(owner) ?? []), elkId]);
    edges.push({ ...common, place: 'node', owner });
  });
  const connected = new Set(graph.edges.flatMap((e) => [e.from, e.to]));
  const nodes: PlanNode[] = [];
  graph.nodes.forEach((node) => {
    if (bandIds.has(node.id)) return;
    const lines = wrapText(node.label, MAX_LABEL_WIDTH, TEXT.label);
    const band = banded.get(node.id);
    const ids = ends.get(node.id) as { sends: string; receives: string };
    const sides: (SystemSide | undefined)[] = split.has(node.id) ? ['sends', 'receives'] : [undefined];
    for (const side of sides) {
      const caption = node.stream ? `stream ${node.stream}` : side;
      const elkId = side === 'receives' ? ids.receives : ids.sends;
      nodes.push({ elkId, node, lines, ...(caption ? { caption } : {}), ...(side ? { side } : {}), ...(band ? { band } : {}), slots: slotsOf.get(elkId) ?? [], ...(connected.has(node.id) ? {} : { loose: true }) });
    }
  });
  const children: ElkNode[] = nodes
    .filter((n) => !n.loose)
    .map((n) => {
      const { width, height } = nodeSize(n);
      // Room kept free above (rate slots) and below (the band) the box, where no edge ends: as
      // labels outside the box, which ELK keeps other boxes and routes clear of.
      const labels: ElkLabel[] = [];
      if (n.slots.length > 0) labels.push({ id: `${n.elkId}s`, text: 'rates', width: Math.min(n.slots.length, perRow(width)) * (RATE_WIDTH + SLOT_GAP) - SLOT_GAP, height: slotRows(n.slots.length, width) * SLOT_ROW, layoutOptions: { 'elk.nodeLabels.placement': 'OUTSIDE V_TOP H_LEFT' } });
      if (n.band) labels.push({ id: `${n.elkId}b`, text: n.band.label, width, height: BAND_H, layoutOptions: { 'elk.nodeLabels.placement': 'OUTSIDE V_BOTTOM H_LEFT' } });
      return { id: n.elkId, width, height, ...(labels.length > 0 ? { labels, layoutOptions: { 'elk.spacing.labelNode': '0' } } : {}) };
    });
  const elkEdges: ElkExtendedEdge[] = edges
    .filter((e) => e.place !== 'band')
    .map(({ elkId, edge, text, place }) => ({
      id: elkId,
      sources: [(ends.get(edge.from) as { sends: string }).sends],
      targets: [(ends.get(edge.to) as { receives: string }).receives],
      ...(place === 'label' ? { labels: [{ id: `${elkId}l`, text: text ?? '', ...labelSize(text ?? '') }] } : {}),
    }));
  return { input: { id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges: elkEdges }, nodes, edges };
}

/** The box: its label lines and caption, wide enough for its band's subject and count. */
function nodeSize(n: PlanNode): { width: number; height: number } {
  const text = Math.max(...n.lines.map((l) => textWidth(l, TEXT.label)), n.caption ? textWidth(n.caption, TEXT.caption) : 0);
  const band = n.band ? textWidth(n.band.label, TEXT.caption) + RATE_WIDTH + PAD_X : 0;
  return { width: Math.max(text + 2 * PAD_X, band), height: n.lines.length * TEXT.labelLine + (n.caption ? TEXT.captionLine : 0) + 2 * PAD_Y };
}

/** A drawn label over a rate line. */
function labelSize(text: string): { width: number; height: number } {
  return { width: Math.max(RATE_WIDTH, textWidth(text, TEXT.edge)) + 4, height: 2 * TEXT.edgeLine };
}

const SLOT_GAP = 2;
const SLOT_ROW = TEXT.edgeLine + SLOT_GAP;
const perRow = (width: number): number => Math.max(1, Math.floor((width + SLOT_GAP) / (RATE_WIDTH + SLOT_GAP)));
const slotRows = (count: number, width: number): number => Math.ceil(count / perRow(width));

/** The i-th rate slot above a box. */
function nodeSlot(b: Box, i: number, count: number): Box {
  const across = perRow(b.w);
  const rows = slotRows(count, b.w);
  return { x: round(b.x + (i % across) * (RATE_WIDTH + SLOT_GAP)), y: round(b.y - (rows - Math.floor(i / across)) * SLOT_ROW), w: RATE_WIDTH, h: TEXT.edgeLine };
}

/**
 * What an edge's label adds to its ends: nothing for a dead letter (the red dashes and the
 * box say it), for a durable named after its pipeline, or for the subject pattern of an
 * outside system's edge (the subject box says it). Every label stays in the edge's title.
 */
function shownLabel(edge: GraphEdge, from: GraphNode, to: GraphNode): string | undefined {
  if (!edge.label || edge.style === 'error') return undefined;
  if (to.kind === 'pipeline' && edge.label === to.label) return undefined;
  if ((from.kind === 'system' && to.id.startsWith('subject:')) || (to.kind === 'system' && from.id.startsWith('subject:'))) return undefined;
  return edge.label;
}

/** ELK's answer read back through the plan. */
export function fromElk(plan: ElkPlan, laid: ElkNode): GraphLayout {
  const boxes = new Map<string, { x?: number; y?: number; width?: number; height?: number }>((laid.children ?? []).map((c) => [c.id, c]));
  const size = placeLoose(plan, laid, boxes);
  const nodes: LaidNode[] = [];
  const bandSlots = new Map<string, Box>();
  for (const { elkId, node, lines, caption, side, band } of plan.nodes) {
    const c = boxes.get(elkId);
    if (!c) throw new Error(`the layout lost node ${node.id}`);
    const b = box(c);
    const own = { id: node.id, kind: node.kind, label: node.label, lines, ...(caption ? { caption } : {}), ...(node.stream ? { stream: node.stream } : {}), ...(side ? { side } : {}) };
    if (!band) {
      nodes.push({ ...own, ...b });
      continue;
    }
    // The band's boxes touch the pipeline's and each other's without overlapping.
    const top = round(b.y + b.h);
    nodes.push({ ...own, ...b });
    nodes.push({ id: band.id, kind: band.kind, label: band.label, lines: [band.label], ...(band.stream ? { stream: band.stream } : {}), bandOf: node.id, x: b.x, y: top, w: round(b.w - RATE_WIDTH), h: BAND_H });
    bandSlots.set(band.id, { x: round(b.x + b.w - RATE_WIDTH), y: top, w: RATE_WIDTH, h: BAND_H });
  }
  const routes = new Map(((laid.edges ?? []) as ElkExtendedEdge[]).map((e) => [e.id, e]));
  const laidBox = new Map(plan.nodes.map((n) => [n.elkId, { box: box(boxes.get(n.elkId) ?? {}), slots: n.slots }]));
  const edges: LaidEdge[] = plan.edges.map(({ elkId, edge, text, pipeline, subject, place, owner }) => {
    const common = {
      from: edge.from,
      to: edge.to,
      style: edge.style,
      ...(edge.label ? { label: edge.label } : {}),
      ...(text ? { text } : {}),
      ...(pipeline ? { pipeline } : {}),
      ...(subject ? { subject } : {}),
    };
    if (place === 'band') return { ...common, points: [], slot: bandSlots.get(edge.to) as Box, band: true };
    const e = routes.get(elkId);
    if (!e) throw new Error(`the layout lost edge ${edge.from} -> ${edge.to}`);
    const points: Point[] = [];
    for (const s of e.sections ?? []) {
      for (const p of [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) {
        const last = points[points.length - 1];
        if (!last || last.x !== round(p.x) || last.y !== round(p.y)) points.push({ x: round(p.x), y: round(p.y) });
      }
    }
    if (place === 'label') return { ...common, points, slot: box(e.labels?.[0] ?? {}) };
    const at = laidBox.get(owner as string) as { box: Box; slots: readonly string[] };
    return { ...common, points, slot: nodeSlot(at.box, at.slots.indexOf(elkId), at.slots.length) };
  });
  return { direction: 'right', width: Math.ceil(size.width), height: Math.ceil(size.height), nodes, edges };
}

/** The unconnected boxes in rows under ELK's picture, left to right; the size with them. */
function placeLoose(plan: ElkPlan, laid: ElkNode, boxes: Map<string, { x?: number; y?: number; width?: number; height?: number }>): { width: number; height: number } {
  const width = laid.width ?? 0;
  let height = laid.height ?? 0;
  const loose = plan.nodes.filter((n) => n.loose).map((n) => ({ elkId: n.elkId, ...nodeSize(n) }));
  if (loose.length === 0) return { width, height };
  const gap = 12;
  let x = gap;
  let y = height;
  let row = 0;
  for (const s of loose) {
    if (x > gap && x + s.width > Math.max(width, s.width + 2 * gap) - gap) {
      x = gap;
      y += row + gap;
      row = 0;
    }
    boxes.set(s.elkId, { x, y, width: s.width, height: s.height });
    x += s.width + gap;
    row = Math.max(row, s.height);
  }
  height = y + row + gap;
  return { width: Math.max(width, ...loose.map((s) => s.width + 2 * gap)), height };
}

function box(s: { x?: number; y?: number; width?: number; height?: number }): Box {
  return { x: round(s.x ?? 0), y: round(s.y ?? 0), w: round(s.width ?? 0), h: round(s.height ?? 0) };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
