/**
 * The trace index on a real nats-server with real runners and the shipped pipelines: the demo
 * day played through a runner exporting spans to the OpenTelemetry SDK's in-memory exporter
 * (orders from the channel through ERP posting, warehouse release, shipment and the retailer's
 * 810, and the pick-release SLA those releases close),
 * then a runner process SIGKILLed while it indexes and works, restarted, and its index compared
 * with one rebuilt from the streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestNats, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { REPO } from '../support/project.ts';
import { publishOrders } from '../support/orders.ts';
import { runCli, startRunnerProcess } from '../support/runner-process.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { startRunner, type RunningRunner } from '../../runtime/runner/runner.ts';
import { otelTracing } from '../../runtime/observability/otel-tracing.ts';
import { startStandInErp, type StandInErp } from '../../runtime/demo/stand-in-erp.ts';
import { demoErpBook } from '../../runtime/demo/erp-book.ts';
import { loadDemoScript } from '../../runtime/demo/script.ts';
import { play } from '../../runtime/demo/player.ts';
import { waitForQuiet } from '../../runtime/demo/summary.ts';
import { Diagnostics } from '../../runtime/config/diagnostics.ts';
import { TraceDb } from '../../runtime/operations/trace/store.ts';
import { journeyOf, type Journey } from '../../runtime/operations/trace/journey.ts';
import { traceScope } from '../../runtime/operations/trace/service.ts';

const PIPELINES = join(REPO, 'pipelines');
const DAY = join(REPO, 'runtime/demo/day/day.yaml');
const VIEWER_KEY = 'trace-test-viewer-key';
/**
 * Milliseconds per minute of the demo day. An EDI file is read once it has been still for a
 * second (edi-inbound's stableFor, listed every second): at this speed the retail order dropped
 * at 05:40 is posted well before the ERP releases it at 12:50.
 */
const MS_PER_MINUTE = 10;
const logger = pino({ level: 'silent' });

let nats: TestNats;
let erp: StandInErp;
const spans = new InMemorySpanExporter();
let runner: RunningRunner | undefined;
let dayData: string;

/** Waits until the index has folded every message of every traced stream. */
async function caughtUp(db: () => TraceDb, streams: readonly string[]): Promise<void> {
  await waitFor('the trace index to catch up', async () => {
    for (const s of streams) {
      const last = (await nats.jsm.streams.info(s)).state.last_seq;
      if (db().position(s) < last) return false;
    }
    return true;
  }, 60_000, 200);
}

/** Failures, deliveries and first documents worked out from the stored messages themselves, not from the index the KPIs read. */
async function fromTheStreams(streams: readonly string[]) {
  const finished = new Map<string, Map<string, boolean>>();
  const delivered = new Map<string, { all: number; duplicates: number }>();
  const firstDoc = new Map<string, number>();
  for (const stream of streams) {
    const info = (await nats.jsm.streams.info(stream)).state;
    for (let seq = info.first_seq; info.messages > 0 && seq <= info.last_seq; seq++) {
      const m = await nats.jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
      if (!m) continue;
      const h = (n: string): string | undefined => m.header?.get(n) || undefined;
      const pipeline = h('Crossdock-Pipeline');
      const deadLetter = m.subject.startsWith('dlq.');
      const fromStream = h('Crossdock-Source-Stream');
      const fromSeq = h('Crossdock-Source-Seq');
      // A dead letter from an edge (a webhook, a file) has no stored source: it is its own message.
      const source = deadLetter ? (fromStream && fromSeq && fromSeq !== '0' ? `${fromStream}:${fromSeq}` : `${stream}:${seq}`) : h('Crossdock-Source-Key');
      const partner = /^edi\.in\.[^.]+\.([^.]+)$/.exec(m.subject)?.[1] ?? /^channel\.([^.]+)\..+/.exec(m.subject)?.[1];
      if (partner && (source === undefined || /^(http|file):/.test(source)) && !firstDoc.has(partner)) firstDoc.set(partner, Date.parse(m.timestamp));
      if (!pipeline) continue;
      // Deliveries, and second copies reported on the duplicate subject (an exceptions subject).
      if (!deadLetter && (!m.subject.startsWith('exceptions.') || h('Crossdock-Duplicate-Of'))) {
        const d = delivered.get(pipeline) ?? { all: 0, duplicates: 0 };
        d.all++;
        if (h('Crossdock-Duplicate-Of')) d.duplicates++;
        delivered.set(pipeline, d);
      }
      if (source === undefined) continue;
      const f = finished.get(pipeline) ?? new Map<string, boolean>();
      f.set(source, (f.get(source) ?? false) || deadLetter);
      finished.set(pipeline, f);
    }
  }
  return { finished, delivered, firstDoc };
}

const hopsOf = (j: Journey) => j.hops.map((h) => [h.subject, h.pipeline ?? '(outside)', h.outcome]);

beforeAll(async () => {
  nats = await startTestNats();
  erp = await startStandInErp(0, demoErpBook());
  const inbox = tempDir('trace-edi');
  process.env.ERP_URL = erp.url;
  process.env.EDI_INBOX = join(inbox, 'inbox');
  process.env.EDI_OUTBOX = join(inbox, 'outbox');
  process.env.CROSSDOCK_API_KEYS = `viewer:trace-test:${VIEWER_KEY}`;
  mkdirSync(process.env.EDI_INBOX, { recursive: true });
  const project = loadProject(PIPELINES);
  expect(project.diagnostics.hasErrors).toBe(false);
  dayData = tempDir('trace-day');
  runner = await startRunner({ project, natsUrl: nats.url, dataDir: dayData, logger, http: { host: '127.0.0.1', port: 0 }, graceMs: 5000, tracing: otelTracing(new SimpleSpanProcessor(spans)) });
  const diags = new Diagnostics();
  const script = loadDemoScript(DAY, diags);
  expect(script).toBeDefined();
  await play(script!, DAY, { js: nats.js, httpBase: `http://127.0.0.1:${runner.http!.port}`, dropFolder: () => process.env.EDI_INBOX as string, shopifySecret: 'crossdock-dev-secret' }, MS_PER_MINUTE, () => undefined);
  expect(await waitForQuiet(nats.jsm, 60_000, 1000)).toBe(true);
  const trace = runner.trace!;
  await caughtUp(() => trace.db, traceScope(project.streams, project.layout.schemasDir).streams);
  // Positions count what is queued; lookups read what is committed.
  await trace.db.committed();
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await erp?.close();
  await nats?.close();
});

describe('the demo day, traced', () => {
  it('the B2B order: portal → ERP posting → release to DC-EAST → warehouse shipment → ERP and CRM, every hop in order with its pipeline', () => {
    const j = journeyOf(runner!.trace!.db, 'ACME-PO-55120');
    const hops = hopsOf(j);
    expect(hops.slice(0, 6)).toEqual([
      ['channel.b2b.orders.created', 'b2b-portal-api', 'delivered'],
      ['erp.salesorders.b2b-portal', 'b2b-portal-orders', 'delivered'],
      ['erp.posted.salesorders.b2b-portal', 'erp-post-salesorders', 'delivered'],
      // The ERP adapter's release is reached as the source of the warehouse order made from it.
      ['erp.out.releases.DC-EAST', '(outside)', 'delivered'],
      ['wms.orders.DC-EAST', 'wms-release-orders', 'delivered'],
      ['wms.shipments.DC-EAST', '(outside)', 'delivered'],
    ]);
    // The warehouse order names the order and the ERP's number for it, as the posting gave it.
    expect(j.hops[4]!.keys).toEqual({ orderNumber: 'ACME-PO-55120', erpOrderNumber: j.hops[2]!.keys.erpOrderNumber });
    expect(j.hops[4]!.source).toBe(`${j.hops[3]!.stream}:${j.hops[3]!.seq}`);
    // The shipment's two outputs are published together: either may be stored first.
    expect(hops.slice(6).sort()).toEqual([
      ['crm.shipments.b2b-portal', 'wms-shipments', 'delivered'],
      ['erp.shipments.b2b-portal', 'wms-shipments', 'delivered'],
    ]);
    const times = j.hops.map((h) => Date.parse(h.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(j.hops[0]!.sincePreviousMs).toBe(0);
    expect(j.hops.slice(1).every((h) => h.sincePreviousMs >= 0)).toBe(true);
    // The ERP released the order at 10:30 of the day, it came at 08:15: 135 minutes; the warehouse
    // shipped at 14:45, 255 minutes after the release.
    expect(j.hops[3]!.sincePreviousMs).toBeGreaterThan(135 * MS_PER_MINUTE * 0.5);
    expect(j.hops[5]!.sincePreviousMs).toBeGreaterThan(255 * MS_PER_MINUTE * 0.5);
    expect(j.hops[3]!.correlationId).not.toBe(j.hops[0]!.correlationId);
    // Three documents, three correlation ids, one journey: the order, its warehouse order, its shipment.
    const correlation = [0, 4, 6].map((i) => j.hops[i]!.correlationId);
    expect(correlation.every((c) => typeof c === 'string' && c !== '')).toBe(true);
    expect(new Set(correlation).size).toBe(3);
  });

  it('the ERP order number and the portal order id find the same journey', () => {
    const db = runner!.trace!.db;
    const byPo = journeyOf(db, 'ACME-PO-55120');
    const erpNumber = byPo.hops.find((h) => h.subject.startsWith('erp.posted.'))!.keys.erpOrderNumber!;
    // The stand-in ERP's book numbers the orders the day releases: the release quotes the same number.
    expect(erpNumber).toBe('SO-500001');
    const ids = (j: Journey) => j.hops.map((h) => `${h.stream}:${h.seq}`);
    expect(journeyOf(db, erpNumber).matchedAs).toEqual(['erpOrderNumber']);
    expect(ids(journeyOf(db, erpNumber))).toEqual(ids(byPo));
    expect(ids(journeyOf(db, 'B2B-100482'))).toEqual(ids(byPo));
  });

  it('an EDI retail order: 850 → ERP posting → release to DC-SOLON → shipment → invoice, out as the 810 the retailer expects', () => {
    const j = journeyOf(runner!.trace!.db, '4500047731');
    const hops = hopsOf(j);
    expect(hops.slice(0, 6)).toEqual([
      ['edi.in.850.4405197800', 'edi-inbound', 'delivered'],
      ['erp.salesorders.edi-4405197800', 'edi-retail-orders', 'delivered'],
      ['erp.posted.salesorders.edi-4405197800', 'erp-post-salesorders', 'delivered'],
      ['erp.out.releases.DC-SOLON', '(outside)', 'delivered'],
      ['wms.orders.DC-SOLON', 'wms-release-orders', 'delivered'],
      ['wms.shipments.DC-SOLON', '(outside)', 'delivered'],
    ]);
    expect(hops.slice(6, 8).sort()).toEqual([
      ['crm.shipments.edi-4405197800', 'wms-shipments', 'delivered'],
      ['erp.shipments.edi-4405197800', 'wms-shipments', 'delivered'],
    ]);
    // The ERP's invoice is reached as the source of the 810, which names the retailer's PO number.
    expect(hops.slice(8)).toEqual([
      ['erp.out.invoices.edi-4405197800', '(outside)', 'delivered'],
      ['edi.out.810.4405197800', 'edi-retail-invoices', 'delivered'],
    ]);
    const x810 = j.hops[9]!;
    expect(x810.keys).toEqual({ invoiceNumber: 'INV-26-004471', poNumber: '4500047731', shipmentId: 'SHP-000880' });
    expect(x810.source).toBe(`${j.hops[8]!.stream}:${j.hops[8]!.seq}`);
    expect(x810.msgId).toBe('x12-810:4405197800:INV-26-004471');
    expect(j.hops[2]!.keys.erpOrderNumber).toBe('SO-500002');
    const times = j.hops.map((h) => Date.parse(h.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The invoice number finds the same journey.
    const ids = (k: string) => journeyOf(runner!.trace!.db, k).hops.map((h) => `${h.stream}:${h.seq}`);
    expect(ids('INV-26-004471')).toEqual(ids('4500047731'));
  });

  it('the 810 edi-outbound wrote for the retailer is the interchange the EDI stream holds', async () => {
    const outbox = process.env.EDI_OUTBOX as string;
    const hop = journeyOf(runner!.trace!.db, 'INV-26-004471').hops.find((h) => h.subject === 'edi.out.810.4405197800')!;
    const message = await nats.jsm.streams.getMessage('EDI', { seq: hop.seq });
    expect(message?.subject).toBe('edi.out.810.4405197800');
    const stored = new TextDecoder().decode(message!.data);
    expect(stored).toMatch(/^ISA\*.*\*ZZ\*4405197800 +\*/);
    expect(stored).toContain('BIG*20260303*INV-26-004471*20260302*4500047731~');
    await waitFor('the 810 in the outbox', () => existsSync(join(outbox, `4405197800_810_${hop.seq}.edi`)), 30_000, 100);
    expect(readFileSync(join(outbox, `4405197800_810_${hop.seq}.edi`), 'utf8')).toBe(stored);
  });

  it('a released order raises no late-release: its pick-release closed in time, and so did its shipment confirmation; orders never released stay open', async () => {
    type Listing = { expectations: { name: string; open: number; closedInTime: number; late: number }[]; items: { expectation: string; keys: Record<string, unknown>; state: string }[] };
    const get = async (query: string): Promise<Listing> => {
      const res = await fetch(`http://127.0.0.1:${runner!.http!.port}/v1/expectations?${query}`, { headers: { 'x-api-key': VIEWER_KEY } });
      expect(res.status).toBe(200);
      return (await res.json()) as Listing;
    };
    const released = ['ACME-PO-55120', '4500047731'];
    // The view folds the streams on its own: wait until it has seen both warehouse shipments.
    await waitFor('both releases and shipments folded into the expectations', async () => {
      const totals = (await get('state=open')).expectations;
      return (totals.find((e) => e.name === 'shipment-confirmation')?.closedInTime ?? 0) >= 2;
    }, 30_000, 200);
    const summary = (await get('state=open')).expectations;
    expect(summary.find((e) => e.name === 'pick-release')).toMatchObject({ closedInTime: 2, late: 0 });
    expect(summary.find((e) => e.name === 'shipment-confirmation')).toMatchObject({ closedInTime: 2, late: 0 });
    for (const name of ['pick-release', 'shipment-confirmation']) {
      for (const state of ['open', 'late']) {
        const items = (await get(`state=${state}&name=${name}&limit=1000`)).items;
        expect(items.filter((i) => released.includes(String(i.keys.orderNumber))), `${name} ${state}`).toEqual([]);
      }
    }
    // Posted orders the ERP did not release wait for theirs, and will be raised at their deadline.
    const waiting = (await get('state=open&name=pick-release&limit=1000')).items.map((i) => i.keys.orderNumber);
    expect(waiting).toContain('#8001');
    expect(summary.find((e) => e.name === 'pick-release')!.open).toBe(waiting.length);
  });

  it('the Shopify order placed twice: stored, posted, then the second copy reported as a duplicate of the first', () => {
    const j = journeyOf(runner!.trace!.db, '#8002');
    const hops = hopsOf(j);
    const at = (subject: string, outcome = 'delivered') => hops.findIndex((h) => h[0] === subject && h[2] === outcome);
    const created = hops.filter((h) => h[0] === 'channel.shopify.orders.created');
    expect(created).toEqual([
      ['channel.shopify.orders.created', 'shopify-webhooks', 'delivered'],
      ['channel.shopify.orders.created', 'shopify-webhooks', 'delivered'],
    ]);
    expect(at('erp.salesorders.shopify')).toBeGreaterThan(hops.indexOf(created[0]!));
    expect(at('erp.posted.salesorders.shopify')).toBeGreaterThan(at('erp.salesorders.shopify'));
    const dup = j.hops.find((h) => h.outcome === 'duplicate')!;
    expect(dup).toMatchObject({ subject: 'exceptions.duplicate-order.shopify', pipeline: 'shopify-orders' });
    expect(dup.duplicateOf).toBe(`${j.hops[at('erp.salesorders.shopify')]!.stream}:${j.hops[at('erp.salesorders.shopify')]!.seq}`);
  });

  it('a dead letter is a hop of its document, with the step and the reason', () => {
    // The draft order without line items (15:25) fails the Shopify contract.
    const db = runner!.trace!.db;
    const dead = db.dump().hops.map(([, h]) => h).filter((h) => h.outcome === 'dead-lettered');
    expect(dead.length).toBeGreaterThan(0);
    for (const h of dead) {
      expect(h.pipeline, h.subject).toBeDefined();
      expect(h.reason, h.subject).toBeTruthy();
    }
    const fromChannel = dead.find((h) => h.subject === 'dlq.shopify-orders');
    expect(fromChannel?.source).toMatch(/^CHANNELS:\d+$/);
    const journey = journeyOf(db, fromChannel!.correlationId!);
    expect(hopsOf(journey)).toEqual([
      ['channel.shopify.orders.created', 'shopify-webhooks', 'delivered'],
      ['dlq.shopify-orders', 'shopify-orders', 'dead-lettered'],
    ]);
  });

  it('spans of one journey share a trace id and are parent and child, pipeline after pipeline', () => {
    const j = journeyOf(runner!.trace!.db, 'ACME-PO-55120');
    const first = j.hops.slice(0, 3);
    const traceId = first[0]!.traceId!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.map((h) => h.traceId)).toEqual([traceId, traceId, traceId]);
    const inTrace = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const byName = new Map(inTrace.map((s) => [s.name, s]));
    const edge = byName.get('b2b-portal-api')!;
    const orders = byName.get('b2b-portal-orders')!;
    const post = byName.get('erp-post-salesorders')!;
    expect(edge.parentSpanContext).toBeUndefined();
    expect(orders.parentSpanContext?.spanId).toBe(edge.spanContext().spanId);
    expect(post.parentSpanContext?.spanId).toBe(orders.spanContext().spanId);
    expect(orders.attributes).toMatchObject({ 'crossdock.stream': 'CHANNELS', 'crossdock.seq': first[0]!.seq, 'crossdock.outcome': 'delivered' });
    // The release and the warehouse's message came from outside without a traceparent: the
    // warehouse order and the shipment each start their own trace.
    const wmsOrder = j.hops.find((h) => h.subject === 'wms.orders.DC-EAST')!;
    const shipment = j.hops.find((h) => h.subject === 'erp.shipments.b2b-portal')!;
    expect(wmsOrder.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(shipment.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set([traceId, wmsOrder.traceId, shipment.traceId]).size).toBe(3);
  });

  it('KPIs over the day: failure and duplicate shares per pipeline and partner onboarding match what the streams hold', async () => {
    // The index trails the streams (it folds on the views thread, 50 ms at a time, behind the
    // pipelines when the cores are busy), and a late retry may still add a message after the day
    // went quiet: compare only when no stream moved between reading them and asking for the KPIs.
    const scopeStreams = traceScope(loadProject(PIPELINES).streams, join(REPO, 'schemas')).streams;
    const lastSeqs = async () => JSON.stringify(await Promise.all(scopeStreams.map(async (s) => (await nats.jsm.streams.info(s)).state.last_seq)));
    let finished = new Map<string, Map<string, boolean>>();
    let delivered = new Map<string, { all: number; duplicates: number }>();
    let firstDoc = new Map<string, number>();
    let report: { kpis: { id: string; rows: { label: string; count: number; hits?: number }[] }[] } = { kpis: [] };
    for (let attempt = 0; ; attempt++) {
      const before = await lastSeqs();
      await caughtUp(() => runner!.trace!.db, scopeStreams);
      ({ finished, delivered, firstDoc } = await fromTheStreams(scopeStreams));
      const res = await fetch(`http://127.0.0.1:${runner!.http!.port}/v1/kpi?since=1h`, { headers: { 'x-api-key': VIEWER_KEY } });
      report = (await res.json()) as typeof report;
      if ((await lastSeqs()) === before) break;
      expect(attempt, 'the streams kept moving after the day went quiet').toBeLessThan(5);
    }
    const rows = (id: string) => report.kpis.find((k) => k.id === id)?.rows.filter((r) => r.label !== 'all') ?? [];
    const failures = [...finished].map(([p, f]) => ({ label: p, count: f.size, hits: [...f.values()].filter(Boolean).length })).sort((a, b) => a.label.localeCompare(b.label));
    expect(rows('interface-failure-rate').map((r) => ({ label: r.label, count: r.count, hits: r.hits }))).toEqual(failures);
    // The day has dead letters and a duplicate, so these are not all zeros.
    expect(failures.some((f) => f.hits > 0)).toBe(true);
    const duplicates = [...delivered].map(([p, d]) => ({ label: p, count: d.all, hits: d.duplicates })).sort((a, b) => a.label.localeCompare(b.label));
    expect(rows('duplicate-transaction-rate').map((r) => ({ label: r.label, count: r.count, hits: r.hits }))).toEqual(duplicates);
    expect(duplicates.some((d) => d.hits > 0)).toBe(true);
    // Every partner that sent a document is onboarding or onboarded, and no other.
    expect(rows('partner-onboarding-duration').map((r) => r.label).sort()).toEqual([...firstDoc.keys()].sort());
  });

  it('GET /v1/trace/:key answers viewers with the journey and no message body; 401, 400 and 404 otherwise', async () => {
    const base = `http://127.0.0.1:${runner!.http!.port}/v1/trace/`;
    const get = (key: string, apiKey?: string) => fetch(base + encodeURIComponent(key), { headers: apiKey ? { 'x-api-key': apiKey } : {} });
    const ok = await get('ACME-PO-55120', VIEWER_KEY);
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(journeyOf(runner!.trace!.db, 'ACME-PO-55120'))));
    // Lines, addresses and customer details stay in the streams.
    for (const word of ['"lines"', 'shipTo', 'Produce Rd', 'C-004211', 'customer']) expect(text).not.toContain(word);
    expect((await get('ACME-PO-55120')).status).toBe(401);
    expect((await get('ACME-PO-55120', 'wrong')).status).toBe(401);
    const bad = await get('x'.repeat(201), VIEWER_KEY);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'key' });
    expect((await get('no-such-order', VIEWER_KEY)).status).toBe(404);
    expect((await get('#8002', VIEWER_KEY)).status).toBe(200);
  });

  it('crossdock trace KEY prints the timeline from the data folder; an unknown key exits 1', async () => {
    const r = await runCli(['trace', 'ACME-PO-55120', '--data', dayData, '--pipelines', PIPELINES]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    // The portal's own order carries the customer's PO number; the canonical order its order number.
    expect(lines[0]).toMatch(/^ACME-PO-55120 \(orderNumber, poNumber\): 8 hops over \d/);
    expect(lines[2]).toMatch(/^TIME \(UTC\)\s+HOP\s+SUBJECT\s+PIPELINE\s+OUTCOME\s+SINCE PREVIOUS$/);
    expect(lines[3]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+CHANNELS:\d+\s+channel\.b2b\.orders\.created\s+b2b-portal-api\s+delivered$/);
    expect(lines[4]).toMatch(/erp\.salesorders\.b2b-portal\s+b2b-portal-orders\s+delivered\s+\+\d/);
    expect(lines[6]).toMatch(/erp\.out\.releases\.DC-EAST\s+\(from outside\)\s+delivered\s+\+/);
    expect(lines[7]).toMatch(/wms\.orders\.DC-EAST\s+wms-release-orders\s+delivered\s+\+/);
    expect(lines[8]).toMatch(/wms\.shipments\.DC-EAST\s+\(from outside\)\s+delivered\s+\+/);
    const json = await runCli(['trace', 'B2B-100482', '--json', '--data', dayData]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Journey).hops).toHaveLength(8);
    const none = await runCli(['trace', 'no-such-order', '--data', dayData]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe("crossdock trace: no hop is indexed under 'no-such-order'");
    const badOtlp = await runCli(['run', '--otlp', 'collector:4318', '--pipelines', PIPELINES, '--data', tempDir('trace-otlp')]);
    expect(badOtlp.code).toBe(2);
    expect(badOtlp.stderr.trim()).toBe("crossdock run: --otlp: expected an http(s) URL of an OTLP collector (e.g. http://127.0.0.1:4318), not 'collector:4318'");
  });
});

describe('CROSSDOCK_TRACE_INDEX=off', () => {
  it('starts a runner that folds no index', async () => {
    const data = tempDir('trace-off');
    process.env.CROSSDOCK_TRACE_INDEX = 'off';
    try {
      const r = await startRunner({ project: loadProject(PIPELINES, { only: ['shopify-orders'] }), natsUrl: nats.url, dataDir: data, logger, graceMs: 1000 });
      expect(r.trace).toBeUndefined();
      await r.stop();
      expect(existsSync(join(data, 'trace'))).toBe(false);
    } finally {
      delete process.env.CROSSDOCK_TRACE_INDEX;
    }
  });
});

describe('kill -9 and rebuild', () => {
  it('an index SIGKILLed while folding and working, restarted, holds exactly what a rebuild from the streams holds', async () => {
    await runner?.stop();
    runner = undefined;
    const project = loadProject(PIPELINES);
    const streams = traceScope(project.streams, project.layout.schemasDir).streams;
    const p1 = startRunnerProcess(PIPELINES, nats.url, ['--workers', '1']);
    await p1.ready;
    const orders = publishOrders(nats.js, 1, 61, 16);
    // Killed once it has folded part of the new work.
    const erpBefore = (await nats.jsm.streams.info('ERP')).state.last_seq;
    await waitFor('some of the new orders indexed', () => {
      try {
        const db = TraceDb.open(p1.dataDir, { readOnly: true });
        try {
          return db.position('ERP') > erpBefore + 5;
        } finally {
          void db.close();
        }
      } catch {
        return false;
      }
    }, 60_000, 50);
    p1.child.kill('SIGKILL');
    expect((await p1.exited).signal).toBe('SIGKILL');
    await orders;
    const p2 = startRunnerProcess(PIPELINES, nats.url, ['--workers', '1'], { dataDir: p1.dataDir });
    await p2.ready;
    expect(await waitForQuiet(nats.jsm, 90_000, 1000)).toBe(true);
    let view: TraceDb | undefined;
    try {
      await caughtUp(() => {
        void view?.close();
        view = TraceDb.open(p1.dataDir, { readOnly: true });
        return view;
      }, streams);
    } finally {
      await view?.close();
    }
    p2.child.kill('SIGTERM');
    expect((await p2.exited).code).toBe(0);

    const rebuilt = tempDir('trace-rebuilt');
    const cli = await runCli(['trace', 'rebuild', '--data', rebuilt, '--nats', nats.url, '--pipelines', PIPELINES]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const rebuiltHops = Number(/^rebuilt \S+: (\d+) hops \(up to CHANNELS \d+, ERP \d+, EDI \d+, WMS \d+, CRM \d+, EXCEPTIONS \d+, DLQ \d+\) in [\d.]+ s$/.exec(cli.stdout.trim())?.[1]);
    const a = TraceDb.open(p1.dataDir, { readOnly: true });
    const b = TraceDb.open(rebuilt, { readOnly: true });
    try {
      const da = a.dump();
      const db = b.dump();
      expect(rebuiltHops).toBe(db.hops.length);
      // Streams marked trace: false are not folded.
      expect(da.hops.filter(([k]) => k[0] === 'INVENTORY' || k[0] === 'AVAILABILITY')).toEqual([]);
      expect(da.positions.map(([s]) => s).sort()).toEqual(['CHANNELS', 'CRM', 'DLQ', 'EDI', 'ERP', 'EXCEPTIONS', 'WMS']);
      expect(da.hops.length).toBeGreaterThan(100);
      expect(da.positions).toEqual(db.positions);
      expect(da.hops).toEqual(db.hops);
      expect(da.keys).toEqual(db.keys);
      expect(da.links).toEqual(db.links);
      // Every new order's journey: the order from outside, its SalesOrder, its posting.
      for (const n of [1, 30, 60]) {
        expect(hopsOf(journeyOf(a, `#${10_000 + n}`)).map((h) => h[0])).toEqual(['channel.shopify.orders.created', 'erp.salesorders.shopify', 'erp.posted.salesorders.shopify']);
      }
    } finally {
      await a.close();
      await b.close();
    }
  }, 180_000);
});
