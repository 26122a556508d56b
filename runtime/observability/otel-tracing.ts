/**
 * Spans over the OpenTelemetry SDK: one span per message per pipeline, child of the span named
 * by the message's `traceparent`, exported by whatever span processor is given (OTLP over HTTP
 * in the runner, the SDK's in-memory exporter in tests). Loaded only when tracing is on.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Context } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { parseTraceparent, formatTraceparent, type MessageSpan, type SpanFacts, type SpanOutcome, type Tracing } from './tracing.ts';

const FAILED: ReadonlySet<SpanOutcome> = new Set(['dead-lettered', 'failed']);

export function otelTracing(processor: SpanProcessor, serviceName = 'crossdock'): Tracing {
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors: [processor] });
  const tracer = provider.getTracer('crossdock');
  return {
    begin(inbound: string | undefined, facts: SpanFacts): MessageSpan {
      const parent = parseTraceparent(inbound);
      let ctx: Context = ROOT_CONTEXT;
      if (parent) ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parseInt(parent.flags, 16) & TraceFlags.SAMPLED, isRemote: true });
      const span = tracer.startSpan(
        facts.pipeline,
        {
          kind: SpanKind.CONSUMER,
          attributes: { 'messaging.system': 'nats', 'messaging.destination.name': facts.subject, 'crossdock.stream': facts.stream, 'crossdock.seq': facts.seq, 'crossdock.pipeline': facts.pipeline },
        },
        ctx,
      );
      const sc = span.spanContext();
      const flags = (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00';
      return {
        traceparent: formatTraceparent({ traceId: sc.traceId, spanId: sc.spanId, flags }),
        end(outcome) {
          span.setAttribute('crossdock.outcome', outcome);
          if (FAILED.has(outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          span.end();
        },
      };
    },
    shutdown: () => provider.shutdown(),
  };
}

/** OTLP over HTTP to `endpoint` (the collector's base URL; `/v1/traces` is added), batched. */
export function otlpTracing(endpoint: string, serviceName?: string, exporter?: SpanExporter): Tracing {
  const url = endpoint.replace(/\/+$/, '') + '/v1/traces';
  return otelTracing(new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url })), serviceName);
}
