/**
 * `http` input: a webhook endpoint on the runner. An edge does as little as possible: check
 * size, signature and JSON, persist into JetStream, and only then answer 202 — so nothing a
 * partner was told is accepted can be lost. The partner's delivery id becomes the message key,
 * so its retries are deduplicated.
 */
import type { CompiledInput, InputSpec } from '../types.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

export type HttpAuth =
  | { readonly hmac: { readonly header: string; readonly secret: string; readonly encoding?: 'base64' | 'hex' } }
  | { readonly apiKey: { readonly keys: string; readonly header?: string } }
  | 'none';

/** The input as the driver needs it. */
export interface HttpInput {
  readonly path: string;
  readonly method: 'POST' | 'PUT';
  readonly auth: { readonly kind: 'hmac'; readonly header: string; readonly secret: string; readonly encoding: 'base64' | 'hex' } | { readonly kind: 'apiKey'; readonly header: string; readonly keys: readonly string[] } | { readonly kind: 'none' };
  readonly deliveryId: string | undefined;
  readonly maxBodyBytes: number;
  readonly format: 'json' | 'text';
  /** Lower-case header names to keep; undefined: every `x-*` header except the auth header. */
  readonly keepHeaders: readonly string[] | undefined;
}

/** The compiled input of a pipeline that takes HTTP requests. */
export type CompiledHttpInput = CompiledInput<'http', HttpInput>;

const SIZE = '^\\d+(\\.\\d+)?\\s*(b|kb|kib|mb|mib)$';

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib)$/i.exec(text.trim());
  if (!m) throw new Error(`not a size: '${text}' (write e.g. 512kb or 1mb)`);
  const unit = (m[2] as string).toLowerCase();
  const factor = unit === 'b' ? 1 : unit === 'kb' || unit === 'kib' ? 1024 : 1024 * 1024;
  return Math.floor(Number(m[1]) * factor);
}

const RESERVED_PATHS = /^\/(healthz|readyz|metrics|v1)(\/|$)/;

const configSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', pattern: '^/[A-Za-z0-9._~/-]*$', description: 'URL path, e.g. `/webhooks/shopify`.', examples: ['/webhooks/shopify'] },
    method: { type: 'string', enum: ['POST', 'PUT'], default: 'POST', description: 'HTTP method the path answers; others get 405.', examples: ['POST'] },
    auth: {
      description: 'How requests are authenticated: an HMAC signature of the body (as Shopify signs webhooks), an API key, or `none`.',
      oneOf: [
        { type: 'string', enum: ['none'] },
        {
          type: 'object',
          properties: {
            hmac: {
              type: 'object',
              description: 'An HMAC-SHA256 signature of the raw body, in a header (as Shopify signs webhooks).',
              examples: [{ header: 'X-Shopify-Hmac-Sha256', secret: '${SHOPIFY_WEBHOOK_SECRET}' }],
              properties: {
                header: { type: 'string', description: 'Header carrying the signature, e.g. X-Shopify-Hmac-Sha256.', examples: ['X-Shopify-Hmac-Sha256'] },
                secret: { type: 'string', minLength: 1, description: 'Shared secret; write it as `${ENV_VAR}`.', examples: ['${SHOPIFY_WEBHOOK_SECRET}'] },
                encoding: { type: 'string', enum: ['base64', 'hex'], default: 'base64', description: 'How the signature is written in the header.', examples: ['base64'] },
              },
              required: ['header', 'secret'],
              additionalProperties: false,
            },
          },
          required: ['hmac'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: {
            apiKey: {
              type: 'object',
              description: 'A key the partner sends with every request.',
              examples: [{ keys: '${B2B_PORTAL_API_KEYS}' }],
              properties: {
                keys: { type: 'string', minLength: 1, description: 'Comma-separated valid keys; write it as `${ENV_VAR}`.', examples: ['${B2B_PORTAL_API_KEYS}'] },
                header: { type: 'string', default: 'X-Api-Key', description: 'Header with the key; `Authorization: Bearer <key>` is accepted too.', examples: ['X-Api-Key'] },
              },
              required: ['keys'],
              additionalProperties: false,
            },
          },
          required: ['apiKey'],
          additionalProperties: false,
        },
      ],
      examples: ['none', { hmac: { header: 'X-Shopify-Hmac-Sha256', secret: '${SHOPIFY_WEBHOOK_SECRET}' } }, { apiKey: { keys: '${B2B_PORTAL_API_KEYS}' } }],
    },
    deliveryId: { type: 'string', description: "Header with the partner's delivery id; retries with the same id are deduplicated.", examples: ['X-Shopify-Webhook-Id'] },
    maxBody: { type: 'string', pattern: SIZE, default: '1mb', description: 'Largest body accepted (413 above it).', examples: ['1mb', '256kb'] },
    format: { type: 'string', enum: ['json', 'text'], default: 'json', description: '`json` refuses a body that is not a JSON object (400); `text` passes it on as a string.', examples: ['json'] },
    keepHeaders: { type: 'array', items: { type: 'string' }, description: 'Request headers carried onto the message (default: every X-* header except the signature).', examples: [['X-Shopify-Topic', 'X-Shopify-Shop-Domain']] },
  },
  required: ['path', 'auth'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type HttpInputConfig = ConfigOf<typeof configSchema>;

export const httpInput: InputSpec<HttpInputConfig, CompiledHttpInput> = {
  kind: 'http',
  footprint: (config) => ({ systems: [{ kind: 'http-in', label: `${config.method ?? 'POST'} ${config.path}` }] }),
  summary: 'Receive webhooks and partner API calls on the runner’s HTTP server.',
  description:
    'Serves `path` on the runner. A request is answered 202 only after every output publish is acknowledged by JetStream; ' +
    '401 for a bad signature or key, 400 for a body that is not a JSON object or a request lacking what an output\'s `id` is ' +
    'made of (`missing header X-Shopify-Webhook-Id`; nothing is stored), 413 for one larger than `maxBody`, 422 (and a dead ' +
    'letter) for a message a step rejects, 503 while JetStream is unreachable or a service a step calls fails for now (`Retry-After` 5 s, or longer when that service asked for longer). The `deliveryId` header (e.g. ' +
    '`X-Shopify-Webhook-Id`) makes partner retries idempotent.',
  configSchema,
  examples: [{ path: '/webhooks/shopify', auth: { hmac: { header: 'X-Shopify-Hmac-Sha256', secret: '${SHOPIFY_WEBHOOK_SECRET}' } }, deliveryId: 'X-Shopify-Webhook-Id' }],
  compile(config, ctx) {
    if (RESERVED_PATHS.test(config.path)) {
      ctx.error(`path ${config.path} is reserved by the runner (/healthz, /readyz, /metrics, /v1/...)`, ['path'], 'http-path');
      return undefined;
    }
    const a = config.auth;
    const auth: HttpInput['auth'] =
      a === 'none'
        ? { kind: 'none' }
        : 'hmac' in a
          ? { kind: 'hmac', header: a.hmac.header.toLowerCase(), secret: a.hmac.secret, encoding: a.hmac.encoding ?? 'base64' }
          : { kind: 'apiKey', header: (a.apiKey.header ?? 'X-Api-Key').toLowerCase(), keys: a.apiKey.keys.split(',').map((k) => k.trim()).filter(Boolean) };
    if (auth.kind === 'apiKey' && auth.keys.length === 0) {
      ctx.error('apiKey.keys holds no key', ['auth', 'apiKey', 'keys'], 'http-auth');
      return undefined;
    }
    const input: HttpInput = {
      path: config.path,
      method: config.method ?? 'POST',
      auth,
      deliveryId: config.deliveryId?.toLowerCase(),
      maxBodyBytes: parseSize(config.maxBody ?? '1mb'),
      format: config.format ?? 'json',
      keepHeaders: config.keepHeaders?.map((h) => h.toLowerCase()),
    };
    return { kind: 'http', config: input, format: input.format, origin: { stream: 'http', subject: `http:${input.path}` }, serves: { method: input.method, path: input.path } };
  },
};
