/**
 * `http`: calls a REST API (an ERP, a 3PL) and makes the response available to later steps as
 * `$<name>` ({status, headers, body}). 429 and 5xx are transient (retried with backoff, at least
 * as long as the service's Retry-After); another 4xx is permanent and dead-lettered with the
 * response body; a timeout or network error is transient. Calls are limited per runner by
 * `rateLimit` (requests per second) and `concurrency`.
 */
import type { HttpClient, HttpResponse } from '../services.ts';
import type { Exchange, LocatedExpression, StepSpec, StepResult } from '../types.ts';
import { StepFailure } from '../types.ts';
import { isPromiseLike } from '../../expressions/jsonata.ts';
import { durationSchema, parseDuration } from '../../config/durations.ts';
import { redactBody, redactText } from '../../config/redact.ts';
import { expressionFailure } from './expression-failure.ts';
import { RateGate } from './rate-gate.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const configSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: '^[a-z][A-Za-z0-9_]*$', description: 'Binding for the response (`$erp`), and the name fixture tests stub.', examples: ['erp'] },
    url: { type: 'string', pattern: '^https?://', description: 'Base URL, usually `${ERP_URL}`.', examples: ['${ERP_URL:-http://127.0.0.1:8089}'] },
    path: { type: 'string', description: 'JSONata expression appended to the URL, e.g. `\'/orders/\' & orderNumber`.', examples: ["'/api/salesorders'", "'/orders/' & orderNumber"] },
    method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], default: 'POST', description: 'HTTP method; GET and DELETE send no body.', examples: ['POST'] },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Literal request headers (after `${VAR}` substitution), e.g. an Authorization header.', examples: [{ Authorization: 'Bearer ${ERP_TOKEN}' }] },
    body: { type: 'string', description: 'JSONata expression for the request body (default: the message body).', examples: ['{ "order": $ }'] },
    timeout: { ...durationSchema, default: '10s', description: 'How long to wait for the response; a timeout is retried with the pipeline backoff.', examples: ['15s'] },
    rateLimit: { type: 'number', exclusiveMinimum: 0, description: 'Most requests per second from one runner.', examples: [20] },
    concurrency: { type: 'integer', minimum: 1, default: 8, description: 'Most requests in flight from one runner.', examples: [4] },
  },
  required: ['name', 'url'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type HttpStepConfig = ConfigOf<typeof configSchema>;

export const httpStep: StepSpec<HttpStepConfig> = {
  kind: 'http',
  footprint: (config) => ({ systems: [{ kind: 'http-call', label: config.url, name: config.name }] }),
  summary: 'Call a REST API; its response is available to later steps.',
  description:
    'Sends the body (or the `body` expression) as JSON to `url` + `path`, and binds the response as `$<name>` = ' +
    '`{status, headers, body}` for the steps and outputs after it (e.g. the ERP document number). 429 and 5xx responses, ' +
    'timeouts and network errors are retried with the pipeline backoff, never sooner than the Retry-After the service ' +
    'sent; any other 4xx is dead-lettered with the response body. Write secrets in `headers` as `${ENV_VAR}`.',
  configSchema,
  examples: [{ name: 'erp', url: '${ERP_URL}', path: "'/api/salesorders'", headers: { Authorization: 'Bearer ${ERP_TOKEN}' }, rateLimit: 20, concurrency: 4 }],
  compile(config, ctx) {
    const path = config.path === undefined ? undefined : ctx.expression(config.path, ['path']);
    const body = config.body === undefined ? undefined : ctx.expression(config.body, ['body']);
    if ((config.path !== undefined && !path) || (config.body !== undefined && !body)) return undefined;
    const method = config.method ?? 'POST';
    const timeoutMs = parseDuration(config.timeout ?? '10s');
    const gate = new RateGate(config.rateLimit, config.concurrency ?? 8);
    const baseUrl = config.url.replace(/\/$/, '');
    let client: HttpClient | undefined;
    const name = config.name;
    return {
      label: `http ${name}`,
      start(services) {
        if (!services.http) throw new Error(`step http ${name}: the runner provides no HTTP client`);
        client = services.http;
      },
      run(ex) {
        const c = client;
        if (!c) throw new StepFailure(`step http ${name} was not started`, { permanent: false });
        return evaluateBoth(path, body, ex).then(async ([p, b]) => {
          const url = baseUrl + (p === undefined ? '' : String(p));
          const payload = method === 'GET' || method === 'DELETE' ? undefined : encoder.encode(typeof b === 'string' ? b : JSON.stringify(b));
          const headers: Record<string, string> = { accept: 'application/json', 'x-correlation-id': ex.correlationId, ...(payload ? { 'content-type': 'application/json' } : {}), ...(config.headers ?? {}) };
          const release = await gate.acquire();
          let res: HttpResponse;
          try {
            res = await c.request({ name, method, url, headers, body: payload, timeoutMs });
          } catch (err) {
            throw new StepFailure(redactText(`http ${name}: ${method} ${url} failed: ${(err as Error).message}`), { permanent: false, cause: err });
          } finally {
            release();
          }
          return judge(name, method, url, res, ex);
        });
      },
    };
  },
};

function evaluateBoth(path: LocatedExpression | undefined, body: LocatedExpression | undefined, ex: Exchange): Promise<[unknown, unknown]> {
  const one = (e: LocatedExpression | undefined, what: string): unknown => {
    if (!e) return what === 'body' ? ex.body : undefined;
    try {
      const v = e.evaluate(ex.body, ex.bindings);
      return isPromiseLike(v) ? Promise.resolve(v).catch((err: unknown) => { throw expressionFailure(`http ${what}`, e, err); }) : v;
    } catch (err) {
      throw expressionFailure(`http ${what}`, e, err);
    }
  };
  try {
    return Promise.all([one(path, 'path'), one(body, 'body')]);
  } catch (err) {
    return Promise.reject(err);
  }
}

function judge(name: string, method: string, url: string, res: HttpResponse, ex: Exchange): StepResult {
  const text = decoder.decode(res.body);
  let body: unknown = text;
  try {
    body = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  if (res.status >= 200 && res.status < 300) {
    ex.bindings[name] = { status: res.status, headers: res.headers, body };
    return undefined;
  }
  // The URL may carry credentials, and the service's answer may echo the request's (an ERP
  // quoting the token it refused); the reason ends up in logs and dead-letter headers.
  const snippet = redactBody(text, 500);
  const reason = redactText(`http ${name}: ${method} ${url} answered ${res.status}${snippet ? `: ${snippet}` : ''}`);
  if (res.status === 429 || res.status >= 500) {
    throw new StepFailure(reason, { permanent: false, ...retryAfter(res.headers['retry-after']) });
  }
  throw new StepFailure(reason, { permanent: true });
}

/** Retry-After as seconds or an HTTP date. */
function retryAfter(value: string | undefined): { retryAfterMs?: number } {
  if (!value) return {};
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return { retryAfterMs: Math.max(0, seconds * 1000) };
  const at = Date.parse(value);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - Date.now()) };
}
