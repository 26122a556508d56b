/**
 * GET /v1/graph from a real runner on a real nats-server: refused without a key, the picture
 * (SVG) and the layout (JSON) for a viewer, laid out once and the same bytes every time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loadProject, type Project } from '../../runtime/compile/project.ts';
import { startRunner, type RunningRunner } from '../../runtime/runner/runner.ts';
import type { GraphLayout } from '../../runtime/graph/layout-model.ts';
import { startTestNats, tempDir, type TestNats } from '../support/nats.ts';
import { repoFile, tempProject } from '../support/project.ts';

const VIEWER = 'graph-test-viewer-key';

let nats: TestNats;
let runner: RunningRunner;
let loaded: Project;
let base = '';

beforeAll(async () => {
  nats = await startTestNats();
  const project = tempProject({
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
    'pipelines/relay.yaml': `pipeline: relay
description: Orders from a marketplace, passed on to the ERP.
owner: test
input: { jetstream: { stream: CHANNELS, subject: channel.acme.orders.created } }
steps:
  - reject: { when: "bad = true", reason: "'a bad order'" }
outputs: { erp: { jetstream: { subject: "'erp.salesorders.acme'" } } }
errors: { deadLetter: dlq.relay }
`,
  });
  const before = process.env.CROSSDOCK_API_KEYS;
  process.env.CROSSDOCK_API_KEYS = `viewer:grafana:${VIEWER}`;
  try {
    loaded = loadProject(project.pipelinesDir);
    runner = await startRunner({ project: loaded, natsUrl: nats.url, dataDir: tempDir('graph-http'), logger: pino({ level: 'warn' }), http: { host: '127.0.0.1', port: 0 }, views: new Set(), graceMs: 1000 });
  } finally {
    if (before === undefined) delete process.env.CROSSDOCK_API_KEYS;
    else process.env.CROSSDOCK_API_KEYS = before;
  }
  base = `http://127.0.0.1:${runner.http?.port}`;
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await nats?.close();
});

const get = (path: string, key?: string): Promise<Response> => fetch(`${base}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

describe('GET /v1/graph', () => {
  it('refuses a request without a key or with an unknown one', async () => {
    const none = await get('/v1/graph');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.text()).not.toContain('<svg');
    expect((await get('/v1/graph?format=json', 'not-a-key')).status).toBe(401);
  });

  it("answers a viewer with the project's picture, the same bytes every time", async () => {
    const r = await get('/v1/graph', VIEWER);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await r.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*role="img" aria-label="Crossdock flow">/);
    expect(svg).toContain('data-pipeline="relay">');
    expect(svg).toContain('data-edge="pipeline:relay-&gt;subject:erp.salesorders.acme" data-pipeline="relay" data-subject="erp.salesorders.acme"');
    expect(svg).toContain('<text class="rate"');
    const again = await get('/v1/graph?format=svg', VIEWER);
    expect(await again.text()).toBe(svg);
  });

  it('gives the layout as JSON: boxes with their places, edges with their points', async () => {
    const r = await get('/v1/graph?format=json', VIEWER);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const layout = (await r.json()) as GraphLayout;
    expect(layout.direction).toBe('right');
    const relay = layout.nodes.find((n) => n.id === 'pipeline:relay');
    expect(relay).toMatchObject({ kind: 'pipeline', label: 'relay' });
    for (const k of ['x', 'y', 'w', 'h'] as const) expect(typeof relay?.[k]).toBe('number');
    expect(relay!.x + relay!.w).toBeLessThanOrEqual(layout.width);
    const erp = layout.edges.find((e) => e.from === 'pipeline:relay' && e.to === 'subject:erp.salesorders.acme');
    expect(erp?.points.length).toBeGreaterThanOrEqual(2);
    expect(erp).toMatchObject({ text: 'erp', pipeline: 'relay', subject: 'erp.salesorders.acme' });
    // Every stream the project declares is in it, the runner's own too.
    expect(new Set(layout.nodes.map((n) => n.stream).filter(Boolean))).toEqual(new Set(loaded.streams.map((s) => s.name)));
  });

  it('names the format it does not know', async () => {
    const r = await get('/v1/graph?format=png', VIEWER);
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: "format: give svg or json, not 'png'", field: 'format' });
  });
});

