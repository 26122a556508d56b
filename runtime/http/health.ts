/** /healthz (the process is alive), /readyz (every consumer is bound), /metrics (Prometheus). */
import type { HttpServer } from './server.ts';
import { sendJson, sendText } from './server.ts';

export interface HealthSource {
  /** Names of pipelines and whether each is bound and pulling. */
  readiness(): readonly { readonly name: string; readonly ready: boolean }[];
  natsConnected(): boolean;
  metricsText(): string;
}

export function registerHealthRoutes(http: HttpServer, source: HealthSource): void {
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  http.route('GET', '/readyz', (_req, res) => {
    const pipelines = source.readiness();
    const nats = source.natsConnected();
    const ready = nats && pipelines.every((p) => p.ready);
    sendJson(res, ready ? 200 : 503, { ready, nats, pipelines });
  });
  http.route('GET', '/metrics', (_req, res) => sendText(res, 200, source.metricsText(), 'text/plain; version=0.0.4; charset=utf-8'));
}
