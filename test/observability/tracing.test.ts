/**
 * W3C trace context on messages: the header each run passes on, with and without the
 * OpenTelemetry SDK (its in-memory exporter stands in for an OTLP collector).
 */
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent, propagateOnly } from '../../runtime/observability/tracing.ts';
import { otelTracing } from '../../runtime/observability/otel-tracing.ts';
import { tracingFor } from '../../runtime/observability/tracing-config.ts';

const facts = (pipeline: string, seq = 1) => ({ pipeline, stream: 'CHANNELS', seq, subject: 'channel.shopify.orders.created' });
const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('parses version 00 and refuses malformed or all-zero ids (W3C: start a new trace then)', () => {
    expect(parseTraceparent(PARENT)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: '01' });
    expect(parseTraceparent(' 00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01 ')?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    for (const bad of [undefined, '', 'garbage', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    }
    expect(formatTraceparent({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), flags: '01' })).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
  });

  it('without an exporter: keeps the trace id and flags, makes a new span id, and starts a trace when none arrives', () => {
    const child = parseTraceparent(propagateOnly.begin(PARENT, facts('a')).traceparent);
    expect(child?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child?.flags).toBe('01');
    expect(child?.spanId).not.toBe('00f067aa0ba902b7');
    const fresh = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const t = parseTraceparent(propagateOnly.begin(i % 2 ? undefined : 'not-a-traceparent', facts('a')).traceparent);
      expect(t).toBeDefined();
      fresh.add(t!.traceId);
    }
    expect(fresh.size).toBe(1000);
  });

  it('no endpoint configured: propagation only, the SDK is not used', async () => {
    expect(await tracingFor(undefined, {})).toBe(propagateOnly);
    await expect(tracingFor('not a url', {})).rejects.toThrow(/OTLP endpoint 'not a url' is not a URL/);
    const t = await tracingFor(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' });
    expect(t).not.toBe(propagateOnly);
    await t.shutdown();
  });
});

describe('spans through the OpenTelemetry SDK', () => {
  it('two pipelines of one journey: same trace id, the second a child of the first, with the hop as attributes', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = otelTracing(new SimpleSpanProcessor(exporter));
    // The webhook edge starts the trace; the order pipeline reads the header it wrote.
    const edge = tracing.begin(undefined, { pipeline: 'shopify-webhooks', stream: 'http', seq: 0, subject: 'http:/webhooks/shopify' });
    const order = tracing.begin(edge.traceparent, facts('shopify-orders', 7));
    order.end('delivered');
    edge.end('delivered');
    const failing = tracing.begin(order.traceparent, { pipeline: 'erp-post-salesorders', stream: 'ERP', seq: 3, subject: 'erp.salesorders.shopify' });
    failing.end('dead-lettered');
    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    const a = byName.get('shopify-webhooks')!;
    const b = byName.get('shopify-orders')!;
    const c = byName.get('erp-post-salesorders')!;
    expect(new Set([a, b, c].map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(b.parentSpanContext?.spanId).toBe(a.spanContext().spanId);
    expect(c.parentSpanContext?.spanId).toBe(b.spanContext().spanId);
    expect(a.parentSpanContext).toBeUndefined();
    // The header a run passes on names that run's own span.
    expect(parseTraceparent(order.traceparent)?.spanId).toBe(b.spanContext().spanId);
    expect(b.attributes).toMatchObject({ 'crossdock.stream': 'CHANNELS', 'crossdock.seq': 7, 'crossdock.pipeline': 'shopify-orders', 'messaging.destination.name': 'channel.shopify.orders.created', 'crossdock.outcome': 'delivered' });
    expect(c.status.code).toBe(SpanStatusCode.ERROR);
    expect(b.status.code).toBe(SpanStatusCode.UNSET);
    await tracing.shutdown();
  });

  it('with an endpoint, spans go over OTLP/HTTP (JSON) to URL/v1/traces, as service crossdock', async () => {
    const got: { path: string; type: string; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ path: req.url ?? '', type: String(req.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const tracing = await tracingFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {});
      tracing.begin(undefined, facts('shopify-orders')).end('delivered');
      await tracing.shutdown();
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ path: '/v1/traces', type: 'application/json' });
      const body = JSON.parse(got[0]!.body) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string }[] }[] }[] };
      expect(body.resourceSpans[0]!.scopeSpans[0]!.spans.map((x) => x.name)).toEqual(['shopify-orders']);
      expect(body.resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('crossdock');
    } finally {
      server.close();
    }
  });

  it('continues a trace that arrives from outside (a caller with its own tracing)', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = otelTracing(new SimpleSpanProcessor(exporter));
    const run = tracing.begin(PARENT, facts('b2b-portal-api'));
    run.end('delivered');
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    await tracing.shutdown();
  });
});
