/**
 * The driver of `http` inputs: a route on the runner's HTTP server that authenticates the
 * request, runs it through the pipeline, and answers 202 only after JetStream has stored
 * every output (see components/inputs/http.ts for the contract).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jetstream } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import type { HttpInput } from '../components/inputs/http.ts';
import type { DegenerateId, MessageMeta } from '../components/types.ts';
import type { DriverDeps, InputDriver } from '../engine/drivers.ts';
import { createExchange, isFailure, processExchange, type Failure, type Outcome } from '../engine/process.ts';
import { deadLetter } from '../engine/dead-letter.ts';
import { decideFailure, SENDER_RETRIES } from '../engine/delivery-policy.ts';
import { CORRELATION_ID } from '../components/header-names.ts';
import { Deliverer } from '../engine/deliverer.ts';
import { publishAcksFor } from '../transport/publish-acks.ts';
import { propagateOnly, TRACEPARENT, type SpanOutcome, type Tracing } from '../observability/tracing.ts';
import { sendJson } from '../http/server.ts';
import { ConnectionState } from '../transport/connection-state.ts';

export class HttpIngress implements InputDriver {
  readonly pipeline: CompiledPipeline;
  private readonly input: HttpInput;
  private readonly deps: DriverDeps;
  private readonly deliverer: Deliverer;
  private readonly log: Logger;
  private readonly connection: ConnectionState;
  private readonly tracing: Tracing;
  private accepting = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(pipeline: CompiledPipeline, deps: DriverDeps) {
    const input = pipeline.input;
    if (input.kind !== 'http') throw new Error(`pipeline ${pipeline.name}: input ${input.kind} is not run by the HTTP ingress`);
    this.pipeline = pipeline;
    this.input = input.config;
    this.deps = deps;
    this.deliverer = new Deliverer(jetstream(deps.nc, { timeout: 5000 }), publishAcksFor(deps.nc).publish);
    this.log = deps.logger.child({ pipeline: pipeline.name });
    this.connection = ConnectionState.of(deps.nc);
    this.tracing = deps.tracing ?? propagateOnly;
  }

  get ready(): boolean {
    return this.accepting;
  }

  async start(): Promise<void> {
    if (!this.deps.http) throw new Error(`pipeline ${this.pipeline.name} receives HTTP on ${this.input.path}: start the runner with --http HOST:PORT`);
    this.deps.http.route(this.input.method, this.input.path, (req, res) => this.handle(req, res));
    this.accepting = true;
    this.log.info({ path: this.input.path, method: this.input.method, auth: this.input.auth.kind }, 'http input ready');
  }

  async stop(graceMs: number): Promise<{ unfinished: number }> {
    this.accepting = false;
    if (this.inFlight > 0) {
      // Cleared once the last request is done, so it cannot hold the process open afterwards.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (this.idle = r)), new Promise((r) => (grace = setTimeout(r, graceMs)))]);
      clearTimeout(grace);
    }
    return { unfinished: this.inFlight };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.accepting) return sendJson(res, 503, { error: 'shutting down' }, { 'retry-after': '5' });
    if (!this.connection.connected) return sendJson(res, 503, { error: 'message store unreachable, retry later' }, { 'retry-after': '5' });
    this.inFlight++;
    const started = performance.now();
    try {
      await this.accept(req, res);
    } finally {
      this.deps.metrics.processing.observe((performance.now() - started) / 1000);
      if (--this.inFlight === 0) this.idle?.();
    }
  }

  private async accept(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > this.input.maxBodyBytes) return tooLarge(req, res, this.input.maxBodyBytes);
    const body = await readBody(req, this.input.maxBodyBytes);
    if (body === undefined) return tooLarge(req, res, this.input.maxBodyBytes);
    const denied = this.authenticate(req, body);
    if (denied) return sendJson(res, 401, { error: denied });
    this.deps.metrics.received.inc();

    const headers = this.keptHeaders(req);
    const deliveryId = this.input.deliveryId ? headerText(req, this.input.deliveryId) : undefined;
    const meta: MessageMeta = {
      pipeline: this.pipeline.name,
      subject: `http:${this.input.path}`,
      stream: 'http',
      streamSeq: 0,
      deliveryCount: 1,
      receivedAt: Date.now(),
      key: `http:${deliveryId ?? randomUUID()}`,
    };
    // A request without a traceparent starts a trace here; with one, the sender's span is the parent.
    const span = this.tracing.begin(headerText(req, TRACEPARENT), { pipeline: this.pipeline.name, stream: meta.stream, seq: 0, subject: meta.subject });
    let spanOutcome: SpanOutcome = 'failed';
    try {
      const ex = createExchange(this.pipeline, { data: body, headers, meta, traceparent: span.traceparent }, this.input.format);
      if (isFailure(ex)) {
        // A body that is not JSON is the sender's mistake; there is nothing to keep.
        return sendJson(res, 400, { error: ex.reason });
      }
      // A webhook is an object; a bare string, number, list or null is a sender's mistake that
      // would otherwise be stored and answered 202.
      const notObject = this.input.format === 'json' ? notAnObject(ex.body) : undefined;
      if (notObject) return sendJson(res, 400, { error: `body must be a JSON object, not ${notObject}` });
      let outcome: Outcome;
      try {
        const r = processExchange(this.pipeline, ex);
        outcome = r instanceof Promise ? await r : r;
      } catch (err) {
        this.log.error({ err, correlationId: ex.correlationId }, 'unexpected error in http input');
        return sendJson(res, 500, { error: 'internal error' });
      }
      if (outcome.kind === 'drop') {
        this.deps.metrics.dropped.inc();
        spanOutcome = 'dropped';
        return sendJson(res, 202, { accepted: true, dropped: true, correlationId: ex.correlationId });
      }
      if (outcome.kind === 'fail' && outcome.failure.degenerateId) return this.refuseId(res, ex.correlationId, outcome.failure.degenerateId, outcome.failure.reason);
      if (outcome.kind === 'fail') return this.reject(res, meta, body, headers, ex.correlationId, outcome.failure);
      try {
        await this.deliverer.deliverAll(outcome.emissions);
      } catch (err) {
        this.log.warn({ err: (err as Error).message, correlationId: ex.correlationId }, 'publish failed; asking the sender to retry');
        return sendJson(res, 503, { error: 'message store unreachable, retry later' }, { 'retry-after': '5' });
      }
      this.deps.metrics.published.inc(outcome.emissions.length);
      spanOutcome = 'delivered';
      sendJson(res, 202, { accepted: true, correlationId: ex.correlationId, messages: outcome.emissions.map((e) => ({ subject: e.subject, id: e.msgId })) });
    } finally {
      span.end(spanOutcome);
    }
  }

  /**
   * A failed request, as the delivery policy decides it: a retry is the sender's to make (503,
   * with the policy's delay as Retry-After: this edge's 5 s, or longer when the failing service
   * asked for longer); a dead letter is kept and answered 422.
   */
  private async reject(res: ServerResponse, meta: MessageMeta, body: Uint8Array, headers: Record<string, string>, correlationId: string, failure: Failure): Promise<void> {
    const decision = decideFailure(failure, meta.deliveryCount, SENDER_RETRIES);
    if (decision.action === 'retry') return sendJson(res, 503, { error: failure.reason }, { 'retry-after': String(Math.ceil(decision.delayMs / 1000)) });
    const dl = deadLetter(this.pipeline.errors.deadLetter, this.pipeline.name, meta, { data: body, headers }, correlationId, failure, decision.kind);
    try {
      await this.deliverer.deadLetter(dl);
    } catch {
      return sendJson(res, 503, { error: 'message store unreachable, retry later' }, { 'retry-after': '5' });
    }
    this.deps.metrics.deadLettered.inc();
    this.log.warn({ correlationId, step: failure.step, reason: failure.reason }, 'request rejected and dead-lettered');
    sendJson(res, 422, { error: failure.reason, step: failure.step, correlationId });
  }

  /**
   * The request lacks what its message id is made of (usually the partner's delivery-id
   * header): stored, it would share one id with every other such request and be dropped as a
   * duplicate after a 202. The sender can fix it, so 400 and nothing kept.
   */
  private refuseId(res: ServerResponse, correlationId: string, d: DegenerateId, reason: string): void {
    const missing = d.missingHeaders;
    const error = missing.length > 0 ? `missing header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : `output ${d.output}: message id ${d.expression} came out empty for this request`;
    this.log.warn({ correlationId, reason }, 'request refused: its message id would be shared');
    sendJson(res, 400, { error });
  }

  /** Returns why the request is refused, or undefined. Secrets and keys are never logged or echoed. */
  private authenticate(req: IncomingMessage, body: Uint8Array): string | undefined {
    const auth = this.input.auth;
    if (auth.kind === 'none') return undefined;
    if (auth.kind === 'hmac') {
      const given = headerText(req, auth.header);
      if (!given) return `missing signature header ${auth.header}`;
      const expected = createHmac('sha256', auth.secret).update(body).digest(auth.encoding);
      return safeEqual(given, expected) ? undefined : 'signature does not match the body';
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(headerText(req, 'authorization') ?? '')?.[1];
    const key = headerText(req, auth.header) ?? bearer;
    if (!key) return `missing API key (${auth.header} or Authorization: Bearer)`;
    return auth.keys.some((k) => safeEqual(k, key)) ? undefined : 'unknown API key';
  }

  private keptHeaders(req: IncomingMessage): Record<string, string> {
    const out: Record<string, string> = {};
    const skip = this.input.auth.kind === 'none' ? undefined : this.input.auth.header;
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === skip || name === 'authorization') continue;
      const keep = this.input.keepHeaders ? this.input.keepHeaders.includes(name) : name.startsWith('x-');
      if (keep) out[canonical(name)] = Array.isArray(value) ? value.join(', ') : value;
    }
    const corr = headerText(req, 'x-correlation-id');
    if (corr) out[CORRELATION_ID] = corr;
    return out;
  }
}

/** How to name a JSON value that is not an object, or undefined for an object. */
function notAnObject(body: unknown): string | undefined {
  if (body === null) return 'null';
  if (Array.isArray(body)) return 'an array';
  if (typeof body === 'object') return undefined;
  return typeof body === 'string' ? 'a string' : typeof body === 'number' ? 'a number' : 'a boolean';
}

function headerText(req: IncomingMessage, lowerName: string): string | undefined {
  const v = req.headers[lowerName];
  return Array.isArray(v) ? v[0] : v;
}

/** `x-shopify-webhook-id` → `X-Shopify-Webhook-Id`, as partners write them. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The body, or undefined when it grows past `limit` (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        resolve(undefined);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(new Uint8Array(Buffer.concat(chunks)));
    });
    req.on('error', reject);
  });
}

function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  res.setHeader('connection', 'close');
  sendJson(res, 413, { error: `body larger than ${limit} bytes` });
  req.resume();
}
