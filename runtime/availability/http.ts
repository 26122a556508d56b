/**
 * The availability HTTP API on the runner's server:
 *
 *   GET  /v1/atp/{sku}?channel=&region=&qty=&explain=   one SKU (without a channel: also the
 *                                                        regions each channel names, to ask by)
 *   POST /v1/atp/query                                   up to 1,000 SKUs
 *
 * Every request needs an API key (`Authorization: Bearer KEY` or `X-API-Key: KEY`) of any role
 * from CROSSDOCK_API_KEYS (see http/access.ts): 401 without a known one. Each key has a token
 * bucket: 429 with Retry-After when it is empty. Bad input is a 400 naming the field.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Access } from '../http/access.ts';
import { clientAborted, sendJson, sendJsonText, type HttpServer } from '../http/server.ts';
import type { MetricsRegistry, CounterChild } from '../observability/metrics.ts';
import type { Availability, ChannelFigure, LookupQuery, SkuAvailability } from './api.ts';
import { RateLimiter } from './rate-limit.ts';

export const MAX_BATCH = 1000;
const MAX_BODY = 512 * 1024;
const SKU_TEXT = /^[^\u0000-\u001f\u007f]{1,128}$/;
const REGION_TEXT = /^[A-Za-z0-9_-]{1,64}$/;

export interface ApiOptions {
  /** The runner's API keys; none: every request is refused with 401. */
  readonly access: Access;
  readonly rate: { readonly requestsPerSecond: number; readonly burst: number };
  readonly logger: Logger;
  readonly metrics?: MetricsRegistry;
  /**
   * The regions each channel has a location list for (policy.ts channelRegions): the answer
   * without a channel carries them, so a client can ask for each region's figure.
   */
  readonly regions?: Readonly<Record<string, readonly string[]>>;
  /** Monotonic milliseconds, for the rate limiter (tests inject one). */
  readonly clock?: () => number;
}

class BadInput extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

class BodyTooLarge extends Error {}

export function registerAvailabilityRoutes(http: HttpServer, service: Availability, options: ApiOptions): void {
  if (options.access.size === 0) options.logger.warn('CROSSDOCK_API_KEYS is empty: the availability HTTP API refuses every request (401)');
  const limiter = new RateLimiter(options.rate.requestsPerSecond, options.rate.burst, options.clock);
  const counter = options.metrics?.counter('crossdock_atp_http_requests_total', 'Availability API requests, by route and status.');
  const counted = new Map<string, CounterChild[]>();
  const count = (route: string, status: number): void => {
    if (!counter) return;
    let byStatus = counted.get(route);
    if (!byStatus) counted.set(route, (byStatus = []));
    (byStatus[status] ??= counter.labels({ route, status: String(status) })).inc();
  };
  const reply = (res: ServerResponse, route: string, status: number, body: unknown, headers?: Record<string, string>): void => {
    count(route, status);
    sendJson(res, status, body, headers);
  };

  /** The key's digest when the request carries a known key; otherwise answers 401. */
  const authenticate = (req: IncomingMessage, res: ServerResponse, route: string): string | undefined => {
    const v = options.access.check(req);
    if (v.ok) return v.principal.keyDigest;
    reply(res, route, 401, { error: v.error }, { 'www-authenticate': 'Bearer' });
    return undefined;
  };

  /** True when the key's bucket holds `cost` tokens; otherwise answers 429 with Retry-After. */
  const admit = (res: ServerResponse, route: string, key: string, cost: number): boolean => {
    const r = limiter.take(key, cost);
    if (r.allowed) return true;
    reply(res, route, 429, { error: 'rate limit exceeded for this API key', retryAfterSeconds: r.retryAfterSeconds }, { 'retry-after': String(r.retryAfterSeconds) });
    return false;
  };

  const fail = (res: ServerResponse, route: string, err: unknown): void => {
    if (err instanceof BadInput) reply(res, route, 400, { error: err.message, field: err.field });
    else throw err;
  };

  http.route('POST', '/v1/atp/query', async (req, res) => {
    const route = 'query';
    const key = authenticate(req, res, route);
    if (!key) {
      req.resume();
      return;
    }
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (clientAborted(req, err)) {
        // Routine, and there is no one left to answer: not worth an error line or a status count.
        options.logger.debug({ route }, 'client closed the connection before the request body was complete');
        return;
      }
      if (!(err instanceof BodyTooLarge)) throw err;
      reply(res, route, 413, { error: `request body larger than ${MAX_BODY} bytes`, field: 'body' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      if (admit(res, route, key, 1)) reply(res, route, 400, { error: `body is not JSON: ${(err as Error).message}`, field: 'body' });
      return;
    }
    // A batch costs more than a single lookup: one token, plus one per hundred SKUs.
    const items = isRecord(body) && Array.isArray(body.items) ? body.items.length : 0;
    if (!admit(res, route, key, 1 + Math.floor(Math.min(items, MAX_BATCH) / 100))) return;
    try {
      const q = parseBatch(body, service);
      const results = q.items.map((i) => {
        const query = { ...q.query, quantity: i.qty ?? q.query.quantity ?? 1 };
        return shape(service.lookup(i.sku, query), query);
      });
      reply(res, route, 200, { seq: service.seq, results });
    } catch (err) {
      fail(res, route, err);
    }
  });

  http.route('GET', '/v1/atp/:sku', (req, res, params) => {
    const route = 'sku';
    const key = authenticate(req, res, route);
    if (!key || !admit(res, route, key, 1)) return;
    try {
      const sku = params.sku ?? '';
      if (!SKU_TEXT.test(sku)) throw new BadInput('sku', 'sku must be 1 to 128 characters without control characters');
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const query = q < 0 ? {} : parseQuery(url.slice(q + 1), service);
      const a = service.lookup(sku, query);
      const f = a.channels[0];
      if (query.channel !== undefined && f !== undefined && f.explain === undefined) {
        count(route, 200);
        sendJsonText(res, 200, channelJson(a, f));
      } else if (query.channel === undefined && options.regions) reply(res, route, 200, { ...(shape(a, query) as object), regions: options.regions });
      else reply(res, route, 200, shape(a, query));
    } catch (err) {
      fail(res, route, err);
    }
  });
}

/** A channel's figure flattened into the answer; without a channel, every channel and location. */
function shape(a: SkuAvailability, query: LookupQuery): unknown {
  if (query.channel === undefined) return { sku: a.sku, known: a.known, seq: a.seq, quantity: query.quantity ?? 1, channels: a.channels, locations: a.locations };
  const f = a.channels[0] as ChannelFigure;
  // Written out rather than spread: this runs on every request.
  return f.explain === undefined
    ? { sku: a.sku, known: a.known, seq: a.seq, channel: f.channel, region: f.region, available: f.available, quantity: f.quantity, promiseDate: f.promiseDate, shipDate: f.shipDate }
    : { sku: a.sku, known: a.known, seq: a.seq, ...f };
}


const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');
const str = (s: string | null | undefined): string => (s === null || s === undefined ? 'null' : JSON.stringify(s));

/**
 * shape() of a one-channel answer without explain, as JSON.stringify would write it: written
 * out by hand because it is the answer to nearly every request.
 */
function channelJson(a: SkuAvailability, f: ChannelFigure): string {
  const region = f.region === undefined ? '' : `"region":${JSON.stringify(f.region)},`;
  return `{"sku":${JSON.stringify(a.sku)},"known":${a.known},"seq":${num(a.seq)},"channel":${JSON.stringify(f.channel)},${region}"available":${num(f.available)},"quantity":${num(f.quantity)},"promiseDate":${str(f.promiseDate)},"shipDate":${str(f.shipDate)}}`;
}

/** The query string of a single lookup. Hand-parsed: this runs on every request. */
function parseQuery(text: string, service: Availability): LookupQuery {
  const q: { channel?: string; region?: string; quantity?: number; explain?: boolean } = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeParam(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeParam(pair.slice(eq + 1));
    switch (key) {
      case 'channel':
        if (value !== '') q.channel = checkChannel(value, 'channel', service);
        break;
      case 'region':
        if (value !== '') q.region = checkRegion(value, 'region');
        break;
      case 'qty':
        if (value !== '') q.quantity = checkQty(Number(value), 'qty', `'${value}'`);
        break;
      case 'explain':
        if (!['true', 'false', '1', '0', ''].includes(value)) throw new BadInput('explain', `explain must be true or false, not '${value}'`);
        q.explain = value === 'true' || value === '1' || value === '';
        break;
      default:
        throw new BadInput(key, `unknown query parameter '${key}' (allowed: channel, region, qty, explain)`);
    }
  }
  return q;
}

function decodeParam(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new BadInput('query', `malformed query parameter '${text}'`);
  }
}

function parseBatch(body: unknown, service: Availability): { query: LookupQuery; items: { sku: string; qty?: number }[] } {
  if (!isRecord(body)) throw new BadInput('body', 'body must be a JSON object: { "channel": ..., "items": [{ "sku": ..., "qty": ... }] }');
  for (const k of Object.keys(body)) if (!['channel', 'region', 'explain', 'qty', 'items'].includes(k)) throw new BadInput(k, `unknown field '${k}' (allowed: channel, region, qty, explain, items)`);
  const query: { channel?: string; region?: string; quantity?: number; explain?: boolean } = {};
  if (body.channel !== undefined) {
    if (typeof body.channel !== 'string') throw new BadInput('channel', 'channel must be a string');
    query.channel = checkChannel(body.channel, 'channel', service);
  }
  if (body.region !== undefined) query.region = checkRegion(body.region, 'region');
  if (body.qty !== undefined) query.quantity = checkQty(body.qty, 'qty');
  if (body.explain !== undefined) {
    if (typeof body.explain !== 'boolean') throw new BadInput('explain', 'explain must be true or false');
    query.explain = body.explain;
  }
  const items = body.items;
  if (!Array.isArray(items) || items.length === 0) throw new BadInput('items', 'items must be a non-empty list of { "sku": ..., "qty": ... }');
  if (items.length > MAX_BATCH) throw new BadInput('items', `at most ${MAX_BATCH} items per request (got ${items.length})`);
  return {
    query,
    items: items.map((it: unknown, i) => {
      if (!isRecord(it)) throw new BadInput(`items[${i}]`, 'each item must be an object { "sku": ..., "qty": ... }');
      for (const k of Object.keys(it)) if (k !== 'sku' && k !== 'qty') throw new BadInput(`items[${i}].${k}`, `unknown field '${k}' (allowed: sku, qty)`);
      if (typeof it.sku !== 'string' || !SKU_TEXT.test(it.sku)) throw new BadInput(`items[${i}].sku`, 'sku must be 1 to 128 characters without control characters');
      return it.qty === undefined ? { sku: it.sku } : { sku: it.sku, qty: checkQty(it.qty, `items[${i}].qty`) };
    }),
  };
}

function checkChannel(channel: string, field: string, service: Availability): string {
  if (!service.channels.includes(channel)) throw new BadInput(field, `unknown channel '${channel}' (known: ${service.channels.join(', ')})`);
  return channel;
}

function checkRegion(region: unknown, field: string): string {
  if (typeof region !== 'string' || !REGION_TEXT.test(region)) throw new BadInput(field, 'region must be 1 to 64 letters, digits, - or _');
  return region;
}

/** `shown` is how the client wrote the value (a query parameter's text); by default its JSON. */
function checkQty(n: unknown, field: string, shown?: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 1e9) throw new BadInput(field, `${field} must be a number above 0 and at most 1e9, not ${shown ?? display(n)}`);
  return n;
}

/**
 * A client's JSON value for an error message. Never String(value): an object such as
 * {"toString": 1} makes that throw, which turned a bad request into a 500.
 */
function display(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
