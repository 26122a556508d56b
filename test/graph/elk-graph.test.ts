/**
 * The pure halves of the layout, without running ELK: what ELK is asked (sizes from text,
 * systems on both sides, dead letters as bands, rate slots) and how its answer is read back.
 */
import { describe, expect, it } from 'vitest';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import { fromElk, toElk } from '../../runtime/graph/elk-graph.ts';
import type { FlowGraph } from '../../runtime/graph/graph.ts';
import { textWidth } from '../../runtime/graph/text-width.ts';

const graph: FlowGraph = {
  nodes: [
    { id: 'system:Shop', kind: 'system', label: 'Shop' },
    { id: 'pipeline:orders', kind: 'pipeline', label: 'orders' },
    { id: 'subject:erp.orders.*', kind: 'subject', label: 'erp.orders.*', stream: 'ERP' },
    { id: 'subject:dlq.orders', kind: 'dead-letter', label: 'dlq.orders', stream: 'DLQ' },
    { id: 'subject:audit.>', kind: 'subject', label: 'audit.>', stream: 'AUDIT' },
    { id: 'pipeline:a-pipeline-with-a-much-longer-name', kind: 'pipeline', label: 'a-pipeline-with-a-much-longer-name' },
  ],
  edges: [
    { from: 'system:Shop', to: 'pipeline:orders', style: 'flow' },
    { from: 'pipeline:orders', to: 'subject:erp.orders.*', label: 'erp', style: 'flow' },
    { from: 'pipeline:orders', to: 'subject:dlq.orders', label: 'dead letter', style: 'error' },
    { from: 'subject:erp.orders.*', to: 'system:Shop', label: 'erp.>', style: 'flow' },
    { from: 'subject:erp.orders.*', to: 'pipeline:a-pipeline-with-a-much-longer-name', style: 'flow' },
  ],
};

describe('the ELK input', () => {
  const plan = toElk(graph);
  const child = (label: string): ElkNode[] => (plan.input.children ?? []).filter((c) => plan.nodes.find((n) => n.elkId === c.id)?.node.label === label);

  it('sizes boxes from their text', () => {
    const [long] = child('a-pipeline-with-a-much-longer-name');
    const [subject] = child('erp.orders.*');
    expect(long!.width).toBe(textWidth('a-pipeline-with-a-much-longer-name', 12) + 20);
    // A subject's caption (its stream) is a second line.
    expect(subject!.width).toBe(textWidth('erp.orders.*', 12) + 20);
    expect(subject!.height).toBeGreaterThan(long!.height!);
    // A pipeline's box is wide enough for its dead-letter band: the subject and a count.
    const [orders] = child('orders');
    expect(orders!.width).toBeGreaterThanOrEqual(textWidth('dlq.orders', 10) + 44);
  });

  it('gives a system that sends and receives a box on each side, and edges the matching one', () => {
    const shop = child('Shop');
    expect(shop.length).toBe(2);
    const side = (id: string): string | undefined => plan.nodes.find((n) => n.elkId === id)?.side;
    const edges = plan.input.edges ?? [];
    const out = edges.find((e) => e.sources[0] === shop[0]!.id || e.sources[0] === shop[1]!.id);
    const into = edges.find((e) => e.targets[0] === shop[0]!.id || e.targets[0] === shop[1]!.id);
    expect(side(out!.sources[0]!)).toBe('sends');
    expect(side(into!.targets[0]!)).toBe('receives');
  });

  it('folds a dead-letter subject into a band under its pipeline, and leaves an unconnected box to be placed after', () => {
    const ids = (plan.input.children ?? []).map((c) => plan.nodes.find((n) => n.elkId === c.id)?.node.id);
    expect(ids).not.toContain('subject:dlq.orders');
    expect(ids).not.toContain('subject:audit.>');
    const [orders] = child('orders');
    expect(orders!.labels?.find((l) => l.text === 'dlq.orders')?.layoutOptions?.['elk.nodeLabels.placement']).toBe('OUTSIDE V_BOTTOM H_LEFT');
    expect((plan.input.edges ?? []).length).toBe(graph.edges.length - 1);
  });

  it('labels only edges whose label says more than their ends, and keeps rate room for the rest above a box', () => {
    const labelled = (plan.input.edges ?? []).filter((e) => (e.labels ?? []).length > 0).map((e) => e.labels![0]!.text);
    expect(labelled).toEqual(['erp']);
    // The Shop's input to orders and the subject's output to Shop: one slot above each box that owns it.
    const [orders] = child('orders');
    expect(orders!.labels?.find((l) => l.text === 'rates')?.height).toBe(14);
    const [erp] = child('erp.orders.*');
    expect(erp!.labels?.find((l) => l.text === 'rates')).toBeDefined();
  });
});

describe("ELK's answer read back", () => {
  const plan = toElk(graph);
  // A stand-in answer: every box in a row, every route a straight line, every label at its edge's middle.
  let x = 12;
  const children = (plan.input.children ?? []).map((c) => {
    const placed = { ...c, x, y: 40 };
    x += (c.width ?? 0) + 40;
    return placed;
  });
  const at = new Map(children.map((c) => [c.id, c]));
  const edges = (plan.input.edges ?? []).map((e) => {
    const a = at.get(e.sources[0]!)!;
    const b = at.get(e.targets[0]!)!;
    const start = { x: a.x + a.width!, y: 50 };
    const end = { x: b.x, y: 50 };
    return { ...e, sections: [{ id: `${e.id}s`, startPoint: start, endPoint: end }], labels: (e.labels ?? []).map((l) => ({ ...l, x: (start.x + end.x) / 2, y: 30 })) };
  });
  const layout = fromElk(plan, { ...plan.input, children, edges, width: x, height: 120 });

  it('places every graph node, the band touching its pipeline and the loose box under the picture', () => {
    expect(layout.nodes.map((n) => n.id).sort()).toEqual([...graph.nodes.map((n) => n.id), 'system:Shop'].sort());
    const orders = layout.nodes.find((n) => n.id === 'pipeline:orders')!;
    const band = layout.nodes.find((n) => n.id === 'subject:dlq.orders')!;
    expect(band.bandOf).toBe('pipeline:orders');
    expect(band.y).toBe(orders.y + orders.h);
    expect(band.x).toBe(orders.x);
    const audit = layout.nodes.find((n) => n.id === 'subject:audit.>')!;
    expect(audit.y).toBeGreaterThanOrEqual(120);
    expect(layout.height).toBeGreaterThanOrEqual(audit.y + audit.h);
  });

  it('gives every edge of the graph its route and a slot, with its ends for live figures', () => {
    expect(layout.edges.length).toBe(graph.edges.length);
    const erp = layout.edges.find((e) => e.to === 'subject:erp.orders.*')!;
    expect(erp).toMatchObject({ text: 'erp', pipeline: 'orders', subject: 'erp.orders.*', points: [{ y: 50 }, { y: 50 }] });
    expect(erp.slot.y).toBe(30);
    const dlq = layout.edges.find((e) => e.style === 'error')!;
    expect(dlq.band).toBe(true);
    expect(dlq.points).toEqual([]);
    const band = layout.nodes.find((n) => n.id === 'subject:dlq.orders')!;
    expect(dlq.slot).toMatchObject({ x: band.x + band.w, y: band.y });
    const input = layout.edges.find((e) => e.from === 'system:Shop')!;
    const orders = layout.nodes.find((n) => n.id === 'pipeline:orders')!;
    expect(input.text).toBeUndefined();
    expect(input.slot.y + input.slot.h).toBeLessThanOrEqual(orders.y);
    expect(input.slot.x).toBe(orders.x);
    // The subject's label toward an outside system is in the title only.
    expect(layout.edges.find((e) => e.to === 'system:Shop')).toMatchObject({ label: 'erp.>' });
    expect(layout.edges.find((e) => e.to === 'system:Shop')?.text).toBeUndefined();
  });

  it('names what ELK lost rather than drawing without it', () => {
    expect(() => fromElk(plan, { ...plan.input, children: children.slice(1), edges })).toThrow(/the layout lost node/);
  });
});
