/**
 * The operations console, served by the runner on its HTTP address: a client of the /v1 API
 * with no business logic of its own. registerConsole adds
 *
 *   GET  /console/, /console/<page>   the shell (shell.ts), or 303 to the sign-in page
 *   GET  /console/assets/<file>       its static files (assets.ts)
 *   GET|POST /console/sign-in, POST /console/sign-out, GET /console/session   (sign-in.ts)
 *   GET  /v1/events                   the live event stream (viewer; cookie or key)
 *
 * Events: `rates-history` once on connect (the last 15 minutes), then `rates` every 2 s (per
 * pipeline: in, out, dead-lettered, failed per second), `kpi` every 10 s (each KPI's `all`
 * row), `exceptions` and `dead-letters` on connect and when they change.
 */
import type { Logger } from 'pino';
import type { Access } from '../http/access.ts';
import { sendJson, type HttpServer } from '../http/server.ts';
import type { RunnerMetrics } from '../observability/metrics.ts';
import { Assets, scopedCss } from './assets.ts';
import { GRAPH_CSS } from '../graph/svg.ts';
import { EventHub, frame, MAX_CLIENTS, type EventHubOptions } from './events.ts';
import { Feeds, type FeedSources } from './feeds.ts';
import { redirect, sendHtml, securityHeaders } from './headers.ts';
import { metricsTotals, RateSampler } from './rates.ts';
import { pageOf, shellHtml, PAGES } from './shell.ts';
import { registerSignIn, SIGN_IN_PATH } from './sign-in.ts';

export interface ConsoleDeps extends FeedSources {
  readonly metrics: RunnerMetrics;
  /** Every pipeline the runner runs, for the rates. */
  readonly pipelines: readonly string[];
  readonly logger: Logger;
  /** Tests: smaller limits. */
  readonly events?: EventHubOptions;
}

export interface RunningConsole {
  readonly hub: EventHub;
  readonly rates: RateSampler;
  /** Ends every event stream and timer (before the HTTP server closes). */
  stop(): void;
}

export function registerConsole(http: HttpServer, access: Access, deps: ConsoleDeps): RunningConsole {
  const assets = new Assets();
  // The flow graph's own rules, scoped to the Flows page's drawing (its inline <style> is
  // refused by the CSP), at the end of the one stylesheet every page links.
  assets.append('console.css', `/* The flow graph (runtime/graph/svg.ts GRAPH_CSS) */\n${scopedCss(GRAPH_CSS, '.flow-graph')}`);
  const hub = new EventHub(deps.events);
  const rates = new RateSampler(metricsTotals(deps.metrics, deps.pipelines));
  const feeds = new Feeds(deps, hub);
  rates.onSample((s) => hub.broadcast('rates', s));
  rates.start();

  registerSignIn(http, access, deps.logger);
  http.route('GET', '/console/assets/:file', (req, res, params) => assets.serve(req, res, params.file ?? ''));

  const shell: Parameters<HttpServer['route']>[2] = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const page = pageOf(path);
    if (!page) return sendHtml(res, 404, '<!doctype html><html lang="en"><title>Not found · Crossdock console</title><main><h1>No such console page</h1><p><a href="/console/">Overview</a></p></main></html>');
    if (!access.session(req)) return redirect(res, SIGN_IN_PATH);
    sendHtml(res, 200, shellHtml(page, assets.has(`page-${page.id}.js`)));
  };
  http.route('GET', '/console', shell);
  http.route('GET', '/console/:page', shell);

  http.route('GET', '/v1/events', async (req, res) => {
    if (!access.require(req, res, 'viewer')) return;
    if (req.method === 'HEAD') {
      // The router answers HEAD with GET's handler: the headers, never a stream held open.
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const first = [frame('rates-history', rates.history()), ...(await feeds.current()).map((e) => frame(e.event, e.data))];
    if (!hub.connect(req, res, first)) sendJson(res, 503, { error: `too many open event streams (at most ${deps.events?.maxClients ?? MAX_CLIENTS}); try again later` }, { 'retry-after': '30', ...securityHeaders() });
  });

  deps.logger.debug({ pages: PAGES.map((p) => p.id) }, 'console registered');
  return {
    hub,
    rates,
    stop() {
      rates.stop();
      feeds.stop();
      hub.close();
    },
  };
}
