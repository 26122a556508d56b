/**
 * Which tracing a runner uses: OTLP export when an endpoint is configured (the `--otlp` flag or
 * the standard OTEL_EXPORTER_OTLP_ENDPOINT), else propagation only. The SDK is imported only
 * in the first case, so a runner without an endpoint never loads it.
 */
import { propagateOnly, type Tracing } from './tracing.ts';

export async function tracingFor(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  const url = endpoint ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.replace(/\/v1\/traces\/?$/, '') ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!url) return propagateOnly;
  try {
    new URL(url);
  } catch {
    throw new Error(`the OTLP endpoint '${url}' is not a URL (expected e.g. http://127.0.0.1:4318)`);
  }
  const { otlpTracing } = await import('./otel-tracing.ts');
  return otlpTracing(url, env.OTEL_SERVICE_NAME || 'crossdock');
}
