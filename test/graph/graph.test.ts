/**
 * crossdock graph: the flow of the reference pipelines checked as a structure (nodes and edges
 * present), and the three drawings checked for what makes them usable, not as text snapshots.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadProject, type Project } from '../../runtime/compile/project.ts';
import { runFixtures } from '../../runtime/lint/fixture-runs.ts';
import { buildFlow, type Flow } from '../../runtime/graph/flow.ts';
import { buildGraph, type FlowGraph } from '../../runtime/graph/graph.ts';
import { renderMermaid } from '../../runtime/graph/mermaid.ts';
import { renderHtml, renderSvg } from '../../runtime/graph/svg.ts';
import { layoutGraph } from '../../runtime/graph/layout.ts';
import { REPO } from '../support/project.ts';

// Loaded once: compiling the reference project and running its fixtures is the slow part.
let loaded: Promise<{ flow: Flow; streams: Project['streams'] }> | undefined;

async function referenceGraph(only?: string[]): Promise<FlowGraph> {
  loaded ??= (async () => {
    const project = loadProject(join(REPO, 'pipelines'));
    return { flow: buildFlow(project, await runFixtures(project)), streams: project.streams };
  })();
  const { flow, streams } = await loaded;
  return buildGraph(flow, streams, only ? { only } : {});
}

const has = (g: FlowGraph, from: string, to: string, label?: string): boolean => g.edges.some((e) => e.from === from && e.to === to && (label === undefined || e.label === label));
const kindOf = (g: FlowGraph, id: string): string | undefined => g.nodes.find((n) => n.id === id)?.kind;
const streamOf = (g: FlowGraph, id: string): string | undefined => g.nodes.find((n) => n.id === id)?.stream;

describe('the graph of the reference pipelines', () => {
  it('follows a Shopify order from the webhook to the ERP posting', async () => {
    const g = await referenceGraph();
    expect(kindOf(g, 'system:http-in:POST /webhooks/shopify')).toBe('system');
    expect(has(g, 'system:http-in:POST /webhooks/shopify', 'pipeline:shopify-webhooks')).toBe(true);
    expect(has(g, 'pipeline:shopify-webhooks', 'subject:channel.shopify.orders.created', 'channel')).toBe(true);
    expect(streamOf(g, 'subject:channel.shopify.orders.created')).toBe('CHANNELS');
    expect(has(g, 'subject:channel.shopify.orders.created', 'pipeline:shopify-orders', 'shopify-orders')).toBe(true);
    expect(has(g, 'pipeline:shopify-orders', 'subject:erp.salesorders.*', 'erp')).toBe(true);
    expect(has(g, 'subject:erp.salesorders.*', 'pipeline:erp-post-salesorders', 'erp-post-salesorders')).toBe(true);
    expect(g.edges.some((e) => e.from === 'pipeline:erp-post-salesorders' && e.to.startsWith('system:http-call:') && e.label === 'erp')).toBe(true);
    expect(has(g, 'pipeline:erp-post-salesorders', 'subject:erp.posted.salesorders.*', 'posted')).toBe(true);
    expect(streamOf(g, 'subject:erp.posted.salesorders.*')).toBe('ERP');
  });

  it('shows dead letters and business exceptions apart from the business flow', async () => {
    const g = await referenceGraph();
    for (const p of ['shopify-webhooks', 'shopify-orders', 'erp-post-salesorders', 'edi-inbound']) {
      const dlq = g.edges.find((e) => e.from === `pipeline:${p}` && e.style === 'error');
      expect(dlq?.to, p).toBe(`subject:dlq.${p}`);
      expect(kindOf(g, `subject:dlq.${p}`)).toBe('dead-letter');
      expect(streamOf(g, `subject:dlq.${p}`)).toBe('DLQ');
    }
    expect(kindOf(g, 'subject:exceptions.duplicate-order.*')).toBe('exception');
    expect(has(g, 'pipeline:shopify-orders', 'subject:exceptions.duplicate-order.*', 'erp (duplicate)')).toBe(true);
    expect(has(g, 'pipeline:edi-inbound', 'subject:exceptions.edi-rejected.*', 'rejections')).toBe(true);
  });

  it('links a published subject to the wildcard filter that reads it', async () => {
    const g = await referenceGraph();
    expect(g.edges.find((e) => e.from === 'subject:edi.out.997.*' && e.to === 'subject:edi.out.>')?.style).toBe('match');
    expect(has(g, 'subject:edi.out.>', 'pipeline:edi-outbound')).toBe(true);
    expect(g.edges.some((e) => e.from === 'pipeline:edi-outbound' && e.to.startsWith('system:files-out:'))).toBe(true);
  });

  it('reads EDI files from the drop folder and splits them by type and partner', async () => {
    const g = await referenceGraph();
    const drop = g.nodes.find((n) => n.id.startsWith('system:files-in:') && has(g, n.id, 'pipeline:edi-inbound'));
    expect(drop?.label).toContain('*.edi');
    expect(drop?.label).toContain('${EDI_INBOX'); // as written: values from the environment are never shown
    expect(has(g, 'pipeline:edi-inbound', 'subject:edi.in.*.*', 'documents')).toBe(true);
    expect(has(g, 'pipeline:edi-inbound', 'subject:edi.out.997.*', 'acks')).toBe(true);
  });

  it("draws the streams file's outside systems on the subjects they read and write", async () => {
    const g = await referenceGraph();
    expect(has(g, 'subject:erp.posted.salesorders.*', 'system:ERP adapter')).toBe(true);
    expect(has(g, 'subject:exceptions.duplicate-order.*', 'system:Exception inbox')).toBe(true);
    expect(has(g, 'system:WMS and ERP inventory feeds', 'subject:inventory.>')).toBe(true);
    expect(has(g, 'subject:inventory.>', 'availability')).toBe(true);
    expect(kindOf(g, 'availability')).toBe('availability');
  });

  it('--only keeps a pipeline, what it reads and writes, and who is on the other side', async () => {
    const g = await referenceGraph(['shopify-orders']);
    const pipelines = g.nodes.filter((n) => n.kind === 'pipeline').map((n) => n.id);
    expect(pipelines).toContain('pipeline:shopify-orders');
    expect(pipelines).toContain('pipeline:shopify-webhooks');
    expect(pipelines).toContain('pipeline:erp-post-salesorders');
    expect(pipelines).not.toContain('pipeline:edi-inbound');
    expect(g.nodes.map((n) => n.id)).not.toContain('subject:dlq.edi-inbound');
    for (const e of g.edges) {
      expect(g.nodes.some((n) => n.id === e.from) && g.nodes.some((n) => n.id === e.to)).toBe(true);
    }
  });
});

describe('drawings', () => {
  const graph: FlowGraph = {
    nodes: [
      { id: 'system:http-in:POST /in', kind: 'system', label: 'HTTP POST /in' },
      { id: 'pipeline:a', kind: 'pipeline', label: 'a' },
      { id: 'subject:x.>', kind: 'subject', label: 'x.>', stream: 'X' },
      { id: 'pipeline:b', kind: 'pipeline', label: 'b "quoted" <b>' },
      { id: 'subject:dlq.a', kind: 'dead-letter', label: 'dlq.a', stream: 'DLQ' },
    ],
    edges: [
      { from: 'system:http-in:POST /in', to: 'pipeline:a', style: 'flow' },
      { from: 'pipeline:a', to: 'subject:x.>', label: 'out|put', style: 'flow' },
      { from: 'subject:x.>', to: 'pipeline:b', style: 'flow' },
      { from: 'pipeline:b', to: 'pipeline:a', style: 'flow' },
      { from: 'pipeline:a', to: 'subject:dlq.a', label: 'dead letter', style: 'error' },
    ],
  };

  it('Mermaid: every node declared once inside its stream, every edge between declared nodes, text escaped', () => {
    const m = renderMermaid(graph);
    expect(m.split('\n')[0]).toBe('flowchart LR');
    const declared = [...m.matchAll(/^\s+(n\d+)[[({>]/gm)].map((x) => x[1]);
    expect(new Set(declared).size).toBe(graph.nodes.length);
    for (const [, from, to] of m.matchAll(/^\s+(n\d+) -[-.]+>?(?:\|[^|]*\|)? (n\d+)$/gm)) {
      expect(declared).toContain(from);
      expect(declared).toContain(to);
    }
    expect(m.match(/^\s+n\d+ -/gm)?.length).toBe(graph.edges.length);
    expect(m).toContain('subgraph stream_X["stream X"]');
    expect(m).toContain('"x.#gt;"');
    expect(m).toContain('b #quot;quoted#quot; #lt;b#gt;');
    expect(m).toContain('|"out#124;put"|');
  });

  it('SVG: one group per node, laid out left to right along the flow despite the cycle', async () => {
    const layout = await layoutGraph(graph);
    const svg = renderSvg(layout);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g class="node[^"]*" data-kind=/g)?.length).toBe(graph.nodes.length);
    expect(svg).toContain('b &quot;quoted&quot; &lt;b&gt;');
    const x = (id: string): number => layout.nodes.find((n) => n.id === id)!.x;
    expect(x('system:http-in:POST /in')).toBeLessThan(x('pipeline:a'));
    expect(x('pipeline:a')).toBeLessThan(x('subject:x.>'));
    expect(x('subject:x.>')).toBeLessThan(x('pipeline:b'));
  });

  it('HTML: a whole page, nothing fetched from the network', async () => {
    const html = renderHtml(await layoutGraph(graph), renderMermaid(graph));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg');
    expect(html).toContain('flowchart LR');
    expect(html).not.toMatch(/<script|<link|@import|url\(http|src=/);
    expect([...html.matchAll(/https?:\/\/[^\s"]+/g)].map((m) => m[0])).toEqual(['http://www.w3.org/2000/svg']);
  });
});
