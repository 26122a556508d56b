/**
 * JSON Schemas of Crossdock's own YAML files. The pipeline schema is derived from the
 * component registry: each input, step and output kind contributes its own config schema,
 * description and examples, so editors complete and document exactly what the runner accepts.
 */
import type { Registry } from '../components/registry.ts';
import type { JsonSchema } from '../config/json-schema.ts';
import { durationSchema } from '../config/durations.ts';

export const SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

const PIPELINE_NAME = '^[a-z0-9][a-z0-9-]*$';
const SUBJECT_LITERAL = '^[^\\s*>]+$';

interface Described {
  readonly kind: string;
  readonly summary: string;
  readonly description: string;
  readonly configSchema: JsonSchema;
  readonly examples: readonly unknown[];
}

/**
 * The editor sees files before `${VAR}` references are resolved, so a field with a pattern
 * (a URL, a duration) must also accept text holding a reference; the runner checks the
 * resolved value against the original pattern.
 */
export function allowEnvReferences(schema: JsonSchema): JsonSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'pattern' && typeof v === 'string' ? `\\$\\{|${v}` : walk(v);
    return out;
  };
  return walk(schema) as JsonSchema;
}

function describedConfig(spec: Described): JsonSchema {
  return {
    ...spec.configSchema,
    description: `${spec.summary}\n\n${spec.description}`,
    markdownDescription: `**${spec.kind}** — ${spec.summary}\n\n${spec.description}`,
    examples: spec.examples,
  };
}

/** The first example of each kind, written as the slot takes it: `{ jetstream: {...} }`. */
function kindExamples(specs: readonly Described[]): unknown[] {
  return specs.filter((s) => s.examples.length > 0).map((s) => ({ [s.kind]: s.examples[0] }));
}

/** One of several kinds, written as a single-key object: `{ map: ... }`. */
function kindSlot(specs: Iterable<Described>, what: string, detailed: boolean): JsonSchema {
  const list = [...specs];
  if (!detailed) {
    return { type: 'object', minProperties: 1, maxProperties: 1, description: `One ${what}, written as \`kind: config\`.` };
  }
  return {
    type: 'object',
    description: `One ${what}, written as \`kind: config\`. Kinds: ${list.map((s) => s.kind).join(', ')}.`,
    examples: kindExamples(list),
    minProperties: 1,
    maxProperties: 1,
    properties: Object.fromEntries(list.map((s) => [s.kind, describedConfig(s)])),
    additionalProperties: false,
  };
}

function stepSlot(registry: Registry, detailed: boolean): JsonSchema {
  if (!detailed) return kindSlot(registry.steps.values(), 'step', false);
  // anyOf over single-key objects gives editors one completion list and per-kind hovers.
  return {
    description: `One step, written as \`kind: config\`. Kinds: ${[...registry.steps.keys()].join(', ')}.`,
    anyOf: [...registry.steps.values()].map((s) => ({
      type: 'object',
      properties: { [s.kind]: describedConfig(s) },
      required: [s.kind],
      additionalProperties: false,
      description: s.summary,
    })),
  };
}

export const errorsSchema: JsonSchema = {
  type: 'object',
  description: 'What happens when a message cannot be handled.',
  properties: {
    maxDeliver: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 5,
      description: 'Attempts for a transiently failing message (timeouts, unavailable services) before it is dead-lettered.',
      examples: [5, 8],
    },
    backoff: {
      type: 'array',
      items: durationSchema,
      minItems: 1,
      default: ['1s', '10s', '1m'],
      description: 'Delay before each retry; the last value repeats.',
      examples: [['1s', '10s', '1m'], ['2s', '10s', '1m', '5m']],
    },
    deadLetter: {
      type: 'string',
      pattern: SUBJECT_LITERAL,
      description: 'Subject that receives failed messages whole, with the reason in headers. Defaults to `dlq.<pipeline>`.',
      examples: ['dlq.shopify-orders'],
    },
  },
  additionalProperties: false,
  examples: [{ maxDeliver: 5, backoff: ['1s', '10s', '1m'], deadLetter: 'dlq.shopify-orders' }],
};

/**
 * The schema of a pipeline file. With `detailed: false` the component slots only check their
 * shape; the compiler then checks kinds and configs itself, for sharper messages.
 */
export function pipelineSchema(registry: Registry, detailed = true): JsonSchema {
  return {
    $schema: SCHEMA_DIALECT,
    $id: 'https://schemas.crossdock.dev/crossdock/pipeline.schema.json',
    title: 'Crossdock pipeline',
    description: 'One pipeline: an input, ordered steps, named outputs and error handling. Generated from the component registry; do not edit.',
    type: 'object',
    properties: {
      pipeline: { type: 'string', pattern: PIPELINE_NAME, description: 'Unique name (lowercase, digits, dashes). Used in metrics, logs and dead letters.', examples: ['shopify-orders'] },
      description: { type: 'string', minLength: 1, description: 'What the flow does, for reviewers.', examples: ['Shopify orders/create webhooks become canonical SalesOrders for the ERP to post.'] },
      owner: { type: 'string', minLength: 1, description: 'The team that answers for this flow.', examples: ['channels-team'] },
      input: kindSlot(registry.inputs.values(), 'input', detailed),
      steps: {
        type: 'array',
        items: stepSlot(registry, detailed),
        description: 'Applied in order to every message.',
        ...(detailed ? { examples: [kindExamples([...registry.steps.values()].filter((s) => s.kind === 'validate' || s.kind === 'map'))] } : {}),
      },
      outputs: {
        type: 'object',
        minProperties: 1,
        description: 'Named outputs. Without a route step, every message goes to every output.',
        ...(detailed ? { examples: [Object.fromEntries(kindExamples([...registry.outputs.values()]).slice(0, 1).map((e) => ['erp', e]))] } : {}),
        propertyNames: { pattern: '^[a-z][a-z0-9_-]*$' },
        additionalProperties: kindSlot(registry.outputs.values(), 'output', detailed),
      },
      errors: errorsSchema,
    },
    required: ['pipeline', 'description', 'owner', 'input', 'outputs'],
    additionalProperties: false,
  };
}

export const streamsSchema: JsonSchema = {
  $schema: SCHEMA_DIALECT,
  $id: 'https://schemas.crossdock.dev/crossdock/streams.schema.json',
  title: 'Crossdock stream declarations',
  description: 'JetStream streams, created or updated when the runner starts.',
  type: 'object',
  properties: {
    streams: {
      type: 'object',
      description: 'The streams, by name (letters, digits, `-` and `_`). No two may capture the same subject.',
      examples: [{ CHANNELS: { subjects: ['channel.>'], maxAge: '30d', duplicateWindow: '10m' } }],
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z0-9_-]+$' },
      additionalProperties: {
        type: 'object',
        properties: {
          description: { type: 'string', description: 'What the stream holds, for reviewers (also set on the server).', examples: ['Orders, returns and events from sales channels.'] },
          subjects: { type: 'array', items: { type: 'string', pattern: '^[^\\s]+$' }, minItems: 1, uniqueItems: true, description: 'Subjects the stream captures (wildcards allowed).', examples: [['channel.>'], ['erp.salesorders.*', 'erp.posted.>']] },
          storage: { type: 'string', enum: ['file', 'memory'], default: 'file', description: '`file` survives a server restart; `memory` does not. Cannot change once the stream exists.', examples: ['file'] },
          retention: { type: 'string', enum: ['limits', 'interest', 'workqueue'], default: 'limits', description: '`limits` keeps messages until a limit; `workqueue` deletes each once acknowledged.', examples: ['limits'] },
          maxAge: { ...durationSchema, description: 'Messages older than this are removed. Unset: no age limit.', examples: ['30d', '90d'] },
          maxBytes: { type: 'integer', minimum: 1, description: 'Size limit in bytes. Unset: none.', examples: [10737418240] },
          maxMsgs: { type: 'integer', minimum: 1, description: 'Message count limit. Unset: none.', examples: [1000000] },
          maxMsgSize: { type: 'integer', minimum: 1, description: 'Largest message accepted, in bytes.', examples: [1048576] },
          duplicateWindow: { ...durationSchema, default: '2m', description: 'How long message ids are remembered for deduplication.', examples: ['10m', '24h'] },
          replicas: { type: 'integer', minimum: 1, maximum: 5, default: 1, description: 'Copies in a cluster; use 3 in production clusters.', examples: [3] },
          discard: { type: 'string', enum: ['old', 'new'], default: 'old', description: 'At a limit, drop the oldest messages or refuse new ones.', examples: ['old'] },
          denyDelete: { type: 'boolean', default: false, description: 'Refuse deleting single messages (an append-only log, e.g. the audit stream).', examples: [true] },
          denyPurge: { type: 'boolean', default: false, description: 'Refuse purging the stream (an append-only log, e.g. the audit stream).', examples: [true] },
          trace: {
            type: 'boolean',
            default: true,
            description: 'Whether the trace index (`crossdock trace`) folds this stream. Business documents: yes; high-volume events that are no document\'s hop (inventory positions, availability changes): false.',
            examples: [false],
          },
        },
        required: ['subjects'],
        additionalProperties: false,
      },
    },
    external: {
      type: 'array',
      description:
        'Subjects that systems outside Crossdock read or write (ERP, WMS and channel adapters, EDI transport, people\'s inboxes). ' +
        '`crossdock lint` counts them as consumers and producers, so a subject read only outside Crossdock is not reported as unconsumed; `crossdock graph` draws them.',
      items: {
        type: 'object',
        description: 'One subject pattern and the outside system that consumes or produces it.',
        properties: {
          subject: { type: 'string', pattern: '^[^\\s]+$', description: 'Subject pattern; wildcards `*` (one token) and `>` (the rest) allowed.', examples: ['erp.>', 'wms.orders.*'] },
          direction: {
            type: 'string',
            enum: ['consumed', 'produced', 'both'],
            description: '`consumed`: the outside system reads these messages; `produced`: it publishes them for Crossdock; `both`.',
            examples: ['consumed'],
          },
          system: { type: 'string', minLength: 1, description: 'The outside system, as people call it.', examples: ['ERP adapter'] },
          description: { type: 'string', minLength: 1, description: 'What the system does with these messages, for reviewers.', examples: ['Posts purchase-order acknowledgments and ASNs to the ERP.'] },
        },
        required: ['subject', 'direction', 'system', 'description'],
        additionalProperties: false,
      },
      examples: [[{ subject: 'erp.>', direction: 'consumed', system: 'ERP adapter', description: 'Posts ERP-bound documents.' }]],
    },
  },
  required: ['streams'],
  additionalProperties: false,
};

const headersMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

export const pipelineTestSchema: JsonSchema = {
  $schema: SCHEMA_DIALECT,
  $id: 'https://schemas.crossdock.dev/crossdock/pipeline-test.schema.json',
  title: 'Crossdock pipeline fixture tests',
  description: 'Offline tests kept beside a pipeline: an input message and what must come out.',
  type: 'object',
  properties: {
    pipeline: { type: 'string', pattern: PIPELINE_NAME, description: 'The pipeline under test.' },
    tests: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1 },
          input: {
            type: 'object',
            description: 'The message: `file` (relative to this test file) or `body`, with optional subject and headers.',
            properties: {
              file: { type: 'string', description: 'A payload file, relative to this test file.' },
              select: { type: 'string', description: 'A JSONata expression picking part of a JSON `file` (e.g. `orders[0]`), so shared fixture files stay unchanged.' },
              body: { description: 'The payload, written inline (sent as JSON).' },
              text: { type: 'string', description: 'A raw text payload (for `format: text` inputs).' },
              subject: { type: 'string' },
              headers: headersMap,
            },
            additionalProperties: false,
          },
          http: {
            type: 'object',
            description: 'Responses for the pipeline\'s `http` steps, by step name (fixture tests make no network calls).',
            additionalProperties: {
              type: 'object',
              properties: {
                status: { type: 'integer', minimum: 100, maximum: 599, default: 200 },
                headers: headersMap,
                body: { description: 'JSON body of the response (a string is sent as text).' },
              },
              additionalProperties: false,
            },
          },
          inventory: {
            type: 'array',
            description: 'Inventory events the availability view holds for this test (atp and reserve steps run on an in-memory view; it starts empty).',
            items: {
              type: 'object',
              properties: {
                subject: { type: 'string', description: 'As published to the INVENTORY stream, e.g. inventory.position.DC-EAST.' },
                body: { type: 'object', description: 'The event, as its canonical schema in schemas/canonical/ describes it.' },
              },
              required: ['subject', 'body'],
              additionalProperties: false,
            },
          },
          expect: {
            type: 'object',
            properties: {
              outputs: {
                type: 'array',
                description: 'Every output message, in order. `body` is matched as a subset; `bodyFile` exactly.',
                items: {
                  type: 'object',
                  properties: {
                    output: { type: 'string' },
                    subject: { type: 'string' },
                    id: { type: 'string' },
                    headers: headersMap,
                    body: {},
                    bodyFile: { type: 'string' },
                  },
                  additionalProperties: false,
                },
              },
              deadLetter: {
                type: 'object',
                properties: {
                  step: { type: 'string', description: 'Substring of the failing step label, e.g. `validate`.' },
                  reason: { type: 'string', description: 'A regular expression the reason must match.' },
                },
                additionalProperties: false,
              },
              dropped: { type: 'boolean', description: 'The message is filtered out.' },
            },
            additionalProperties: false,
          },
        },
        required: ['name', 'input', 'expect'],
        additionalProperties: false,
      },
    },
  },
  required: ['pipeline', 'tests'],
  additionalProperties: false,
};
