/**
 * The shipped project's flow laid out by ELK and drawn, checked for what makes it read: it
 * fits a 1,440 px wide window at a scale where its text stays legible, no box overlaps another,
 * no label (or rate slot) overlaps a box or another label, every route starts and ends on its
 * boxes, and everything the project declares is in it — with the hooks the console uses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadProject, type Project } from '../../runtime/compile/project.ts';
import { buildFlow } from '../../runtime/graph/flow.ts';
import { buildGraph, type FlowGraph } from '../../runtime/graph/graph.ts';
import { layoutGraph } from '../../runtime/graph/layout.ts';
import { TEXT, type Box, type GraphLayout, type LaidNode, type Point } from '../../runtime/graph/layout-model.ts';
import { renderSvg } from '../../runtime/graph/svg.ts';
import { textWidth } from '../../runtime/graph/text-width.ts';
import { REPO } from '../support/project.ts';

/** The window the picture must read in, and the least scale it may be drawn at to fit it. */
const WINDOW = 1440;
// 12 px labels drawn at 9.6 px or more; 10 px captions at 8 px or more.
const MIN_SCALE = 0.8;

let project: Project;
let graph: FlowGraph;
let layout: GraphLayout;
let svg: string;

beforeAll(async () => {
  project = loadProject(join(REPO, 'pipelines'));
  graph = buildGraph(buildFlow(project), project.streams);
  layout = await layoutGraph(graph);
  svg = renderSvg(layout);
}, 60_000);

/** Boxes share more than an edge line (half a pixel of rounding allowed). */
const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
const onBorder = (p: Point, b: Box): boolean => {
  const within = (v: number, lo: number, hi: number): boolean => v >= lo - 1 && v <= hi + 1;
  const onVertical = (Math.abs(p.x - b.x) <= 1 || Math.abs(p.x - (b.x + b.w)) <= 1) && within(p.y, b.y, b.y + b.h);
  const onHorizontal = (Math.abs(p.y - b.y) <= 1 || Math.abs(p.y - (b.y + b.h)) <= 1) && within(p.x, b.x, b.x + b.w);
  return onVertical || onHorizontal;
};
const name = (n: LaidNode): string => `${n.id}${n.side ? ` (${n.side})` : ''}`;

describe("the shipped project's flow, laid out", () => {
  it(`fits ${WINDOW} px wide at a scale of ${MIN_SCALE} or more`, () => {
    const width = Number(/^<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
    expect(width).toBeGreaterThan(0);
    expect(Math.min(1, WINDOW / width)).toBeGreaterThanOrEqual(MIN_SCALE);
    // And it is not a strip: the layout is left to right, not one long row.
    expect(layout.height).toBeLessThan(3 * WINDOW);
  });

  it('has no two boxes overlapping', () => {
    const clashes: string[] = [];
    layout.nodes.forEach((a, i) => layout.nodes.slice(i + 1).forEach((b) => overlap(a, b) && clashes.push(`${name(a)} / ${name(b)}`)));
    expect(clashes).toEqual([]);
  });

  it('has no label or rate slot overlapping a box or another slot, and every label fits its slot', () => {
    const clashes: string[] = [];
    layout.edges.forEach((e, i) => {
      const id = `${e.from}->${e.to}`;
      for (const n of layout.nodes) if (overlap(e.slot, n)) clashes.push(`${id} slot / ${name(n)}`);
      layout.edges.slice(i + 1).forEach((f) => overlap(e.slot, f.slot) && clashes.push(`${id} slot / ${f.from}->${f.to} slot`));
      if (e.text && textWidth(e.text, TEXT.edge) > e.slot.w) clashes.push(`${id}: '${e.text}' wider than its slot`);
    });
    expect(clashes).toEqual([]);
  });

  it("sizes every box to its text", () => {
    // A band's subject is drawn in the caption size.
    const tight = layout.nodes.filter((n) => Math.max(...n.lines.map((l) => textWidth(l, n.bandOf ? TEXT.caption : TEXT.label)), n.caption ? textWidth(n.caption, TEXT.caption) : 0) > n.w - 8).map(name);
    expect(tight).toEqual([]);
    // The label that overlapped another in the old layout reads whole on its own line.
    expect(layout.edges.filter((e) => e.text === 'erp (duplicate)').length).toBeGreaterThanOrEqual(3);
  });

  it('routes every edge from its source box to its target box', () => {
    const boxes = (id: string, end: 'from' | 'to'): LaidNode[] => layout.nodes.filter((n) => n.id === id && n.side !== (end === 'from' ? 'receives' : 'sends'));
    const astray: string[] = [];
    for (const e of layout.edges) {
      if (e.band) continue;
      const first = e.points[0];
      const last = e.points[e.points.length - 1];
      if (!first || !last || !boxes(e.from, 'from').some((b) => onBorder(first, b)) || !boxes(e.to, 'to').some((b) => onBorder(last, b))) astray.push(`${e.from}->${e.to}`);
    }
    expect(astray).toEqual([]);
    // Dead letters are bands under their pipelines, touching them.
    const bands = layout.nodes.filter((n) => n.bandOf);
    expect(bands.length).toBe(project.pipelines.length);
    for (const b of bands) {
      const p = layout.nodes.find((n) => n.id === b.bandOf) as LaidNode;
      expect(Math.abs(p.y + p.h - b.y), b.id).toBeLessThanOrEqual(0.5);
      expect(b.x).toBe(p.x);
    }
  });

  it('holds every pipeline, stream, node and edge of the project', () => {
    const pipelines = layout.nodes.filter((n) => n.kind === 'pipeline').map((n) => n.label).sort();
    expect(pipelines).toEqual(project.pipelines.map((p) => p.name).sort());
    expect(new Set(layout.nodes.map((n) => n.stream).filter(Boolean))).toEqual(new Set(project.streams.map((s) => s.name)));
    expect(new Set(layout.nodes.map((n) => n.id))).toEqual(new Set(graph.nodes.map((n) => n.id)));
    expect(layout.edges.map((e) => `${e.from}->${e.to}:${e.style}:${e.label ?? ''}`).sort()).toEqual(graph.edges.map((e) => `${e.from}->${e.to}:${e.style}:${e.label ?? ''}`).sort());
    // Outside systems that both send and receive have a box on each side.
    const erp = layout.nodes.filter((n) => n.id === 'system:ERP adapter');
    expect(erp.map((n) => n.side).sort()).toEqual(['receives', 'sends']);
    const [sends, receives] = [erp.find((n) => n.side === 'sends') as LaidNode, erp.find((n) => n.side === 'receives') as LaidNode];
    expect(sends.x).toBeLessThan(receives.x);
  });

  it('carries the hooks the console draws live rates with, and titles for every box and edge', () => {
    for (const p of project.pipelines) expect(svg).toContain(`data-pipeline="${p.name}">`);
    const edgeGroups = [...svg.matchAll(/<g (class="edge[^"]*" [^>]*)>(.*?)<\/g>/g)];
    expect(edgeGroups.length).toBe(layout.edges.length);
    const attrs = (s: string): Record<string, string> => Object.fromEntries([...s.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const unescape = (s: string): string => s.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const drawn: Record<string, string>[] = edgeGroups.map(([, a, body]) => ({ ...attrs(a as string), body: body as string }));
    expect(new Set(drawn.map((d) => unescape(d['data-edge'] as string)))).toEqual(new Set(graph.edges.map((e) => `${e.from}->${e.to}`)));
    for (const d of drawn) {
      expect(d.body, d['data-edge']).toMatch(/^<title>[^<]+<\/title>/);
      expect(d.body, d['data-edge']).toContain('<text class="rate"');
    }
    const order = drawn.find((d) => unescape(d['data-edge'] as string) === 'pipeline:shopify-orders->subject:erp.salesorders.*');
    expect(order?.['data-pipeline']).toBe('shopify-orders');
    expect(order?.['data-subject']).toBe('erp.salesorders.*');
    const dlq = drawn.find((d) => unescape(d['data-edge'] as string) === 'pipeline:shopify-orders->subject:dlq.shopify-orders');
    expect(dlq?.class).toBe('edge error band');
    expect(svg.match(/<g class="node[^"]*" [^>]*><title>[^<]+<\/title>/g)?.length).toBe(layout.nodes.length);
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="Crossdock flow">\n<title>Crossdock flow<\/title>/);
  });
});
