/** /healthz (the process is alive), /readyz (every consumer is bound), /metrics (Prometheus). */
import type { HttpServer } from './server.ts';
import { sendJson, sendText } from './server.ts';

export interface HealthSource {
  /** Names of pipelines and whether each is bound and pulling. */
  readiness(): readonly { readonly name: string; readonly ready: boolean }[];
  natsConnected(): boolean;
  /** The Prometheus text; a scrape may first fetch figures (consumer info), so it may be async. */
  metricsText(): string | Promise<string>;
}

export interface ReadyReport {
  readonly ready: boolean;
  readonly nats: boolean;
  readonly pipelines: readonly { readonly name: string; readonly ready: boolean }[];
}

/**
 * Answers for a whole group of processes behind one port (`crossdock run --workers N`): any one
 * of them may get the request, and it must answer for all.
 */
export interface GroupHealth {
  readiness(): Promise<{ readonly ready: boolean; readonly body: unknown }>;
  metricsText(): Promise<string>;
}

export function readyReport(source: HealthSource): ReadyReport {
  const pipelines = source.readiness();
  const nats = source.natsConnected();
  return { ready: nats && pipelines.every((p) => p.ready), nats, pipelines };
}

const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function registerHealthRoutes(http: HttpServer, source: HealthSource, group?: GroupHealth): void {
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  if (group) {
    http.route('GET', '/readyz', async (_req, res) => {
      const r = await group.readiness();
      sendJson(res, r.ready ? 200 : 503, r.body);
    });
    http.route('GET', '/metrics', async (_req, res) => sendText(res, 200, await group.metricsText(), METRICS_TYPE));
    return;
  }
  http.route('GET', '/readyz', (_req, res) => {
    const r = readyReport(source);
    sendJson(res, r.ready ? 200 : 503, r);
  });
  http.route('GET', '/metrics', async (_req, res) => sendText(res, 200, await source.metricsText(), METRICS_TYPE));
}
