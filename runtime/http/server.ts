/**
 * The runner's HTTP server: a small router over node:http. Health and metrics live here
 * today; the availability API and webhook ingress register their routes the same way.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

export type Handler = (req: IncomingMessage, res: ServerResponse, params: Readonly<Record<string, string>>) => void | Promise<void>;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly keys: readonly string[];
  readonly handler: Handler;
}

export class HttpServer {
  private readonly routes: Route[] = [];
  private server: Server | undefined;
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** `path` may hold `:name` segments, e.g. `/v1/atp/:sku`. */
  route(method: string, path: string, handler: Handler): void {
    const keys: string[] = [];
    const pattern = new RegExp(
      '^' +
        path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z_]+)/g, (_m, k: string) => {
          keys.push(k);
          return '([^/]+)';
        }) +
        '/?$',
    );
    this.routes.push({ method, pattern, keys, handler });
  }

  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    const server = createServer((req, res) => this.dispatch(req, res));
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    return { host: addr.address, port: addr.port };
  }

  /**
   * Stops listening and closes idle keep-alive connections at once; requests still running get
   * up to `graceMs`, then their connections are closed too. Otherwise a client that sent half a
   * request would hold the stop until Node's request timeout (minutes).
   */
  async close(graceMs = 1000): Promise<void> {
    const s = this.server;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    s.closeAllConnections();
    await closed;
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let methodMismatch = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      if (r.method !== req.method && !(r.method === 'GET' && req.method === 'HEAD')) {
        methodMismatch = true;
        continue;
      }
      const params: Record<string, string> = {};
      try {
        for (let i = 0; i < r.keys.length; i++) {
          const v = m[i + 1] ?? '';
          params[r.keys[i] as string] = v.includes('%') ? decodeURIComponent(v) : v;
        }
      } catch {
        // A malformed %-escape is the client's mistake, never a reason to stop the runner.
        sendJson(res, 400, { error: `malformed URL path: ${path}` });
        return;
      }
      // Called directly (no promise per request on the lookup path); a handler that returns
      // a promise gets the same error handling as one that throws.
      try {
        const done = r.handler(req, res, params);
        if (done) done.catch((err: unknown) => this.failed(req, res, path, err));
      } catch (err) {
        this.failed(req, res, path, err);
      }
      return;
    }
    if (methodMismatch) sendJson(res, 405, { error: `method ${req.method} not allowed on ${path}` });
    else sendJson(res, 404, { error: `no route for ${path}` });
  }

  private failed(req: IncomingMessage, res: ServerResponse, path: string, err: unknown): void {
    if (clientAborted(req, err)) {
      // Routine (a client timeout, a dropped connection) and nobody is left to answer: an
      // error line with a stack per socket would bury real failures.
      this.logger.debug({ path, reason: (err as Error).message }, 'client closed the connection before the request was complete');
      return;
    }
    this.logger.error({ err, path }, 'http handler failed');
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    else res.end();
  }
}

/** True when `err` is the request stream failing because its client hung up mid-request. */
export function clientAborted(req: IncomingMessage, err: unknown): boolean {
  return req.destroyed && err instanceof Error && (err as NodeJS.ErrnoException).code === 'ECONNRESET';
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** A body already written as JSON. */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers?: Record<string, string>): void {
  const head: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  if (headers) for (const k in headers) head[k] = headers[k] as string;
  res.writeHead(status, head);
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `host:port`, `:port` or `port`. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(.*):)?(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`not a listen address: '${text}' (write HOST:PORT, e.g. 127.0.0.1:8080)`);
  const host = m[1] === undefined || m[1] === '' ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, '');
  return { host, port: Number(m[2]) };
}
