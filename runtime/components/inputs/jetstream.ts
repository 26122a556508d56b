/**
 * `jetstream` input: a durable pull consumer on a JetStream stream. Messages are fetched in
 * batches; at most `maxAckPending` are unacknowledged at once, which bounds memory under any
 * backlog. Several runners with the same pipeline share the durable consumer and the work.
 */
import type { CompiledInput, DeliverPolicy, InputSpec } from '../types.ts';
import { deliverSchema } from '../deliver-policy.ts';
import { durationSchema, parseDuration } from '../../config/durations.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

export type { DeliverPolicy } from '../types.ts';

/** The input as the transport needs it: every default filled in. */
export interface JetStreamInput {
  readonly stream: string;
  readonly subject: string;
  readonly durable: string;
  readonly deliver: DeliverPolicy;
  readonly batch: number;
  readonly maxAckPending: number;
  readonly ackWaitMs: number;
  readonly concurrency: number;
  readonly format: 'json' | 'text';
}

/** The compiled input of a pipeline that reads a stream. */
export type CompiledJetStreamInput = CompiledInput<'jetstream', JetStreamInput>;

export const INPUT_DEFAULTS = { batch: 256, maxAckPending: 1024, ackWait: '30s', concurrency: 256, format: 'json' } as const;

const NAME = '^[A-Za-z0-9_-]+$';
const SUBJECT = '^[^\\s]+$';

const configSchema = {
  type: 'object',
  properties: {
    stream: { type: 'string', pattern: NAME, description: 'The stream to consume (declared in a streams file).', examples: ['CHANNELS'] },
    subject: { type: 'string', pattern: SUBJECT, description: 'Filter subject; wildcards `*` and `>` allowed.', examples: ['channel.shopify.orders.>'] },
    durable: { type: 'string', pattern: NAME, description: 'Durable consumer name. Defaults to the pipeline name. Renaming it starts a new consumer from `deliver`.', examples: ['shopify-orders'] },
    deliver: deliverSchema,
    batch: { type: 'integer', minimum: 1, maximum: 10000, default: INPUT_DEFAULTS.batch, description: 'Most messages requested per pull (a pull never asks for more than the free concurrency).', examples: [128] },
    maxAckPending: { type: 'integer', minimum: 1, maximum: 100000, default: INPUT_DEFAULTS.maxAckPending, description: 'Most unacknowledged messages at once for the consumer, across all runners sharing it.', examples: [1024] },
    ackWait: { ...durationSchema, default: INPUT_DEFAULTS.ackWait, description: 'How long JetStream waits for an acknowledgement before redelivering.', examples: ['30s', '2m'] },
    concurrency: { type: 'integer', minimum: 1, maximum: 10000, default: INPUT_DEFAULTS.concurrency, description: 'Messages one runner holds and processes at once; it never pulls more, so their ack timers only run while they are being worked on. `1` keeps stream order.', examples: [64, 1] },
    format: { type: 'string', enum: ['json', 'text'], default: INPUT_DEFAULTS.format, description: '`json` parses the payload (a payload that is not JSON is dead-lettered); `text` gives it as a string.', examples: ['json'] },
  },
  required: ['stream', 'subject'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type JetStreamInputConfig = ConfigOf<typeof configSchema>;

export const jetstreamInput: InputSpec<JetStreamInputConfig, CompiledJetStreamInput> = {
  kind: 'jetstream',
  summary: 'Consume a JetStream stream through a durable pull consumer.',
  description:
    'Binds (creating or updating) a durable pull consumer on `stream`, filtered to `subject`, and fetches ' +
    'messages in batches. A message is acknowledged only after every output publish it caused has been ' +
    'acknowledged by JetStream. Runners that share the durable share the work.',
  configSchema,
  examples: [{ stream: 'CHANNELS', subject: 'channel.shopify.orders.created', durable: 'shopify-orders' }],
  compile(config, ctx) {
    const maxAckPending = config.maxAckPending ?? INPUT_DEFAULTS.maxAckPending;
    // Defaults shrink to fit a small maxAckPending; only values the user wrote can be wrong.
    const batch = config.batch ?? Math.min(INPUT_DEFAULTS.batch, maxAckPending);
    const concurrency = config.concurrency ?? Math.min(INPUT_DEFAULTS.concurrency, maxAckPending);
    let ok = true;
    if (concurrency > maxAckPending) {
      ctx.error(`concurrency (${concurrency}) cannot exceed maxAckPending (${maxAckPending})`, ['concurrency'], 'input-bounds');
      ok = false;
    }
    if (batch > maxAckPending) {
      ctx.error(`batch (${batch}) cannot exceed maxAckPending (${maxAckPending})`, ['batch'], 'input-bounds');
      ok = false;
    }
    if (!ok) return undefined;
    const input: JetStreamInput = {
      stream: config.stream,
      subject: config.subject,
      durable: config.durable ?? ctx.pipeline,
      deliver: config.deliver ?? 'all',
      batch,
      maxAckPending,
      ackWaitMs: parseDuration(config.ackWait ?? INPUT_DEFAULTS.ackWait),
      concurrency,
      format: config.format ?? INPUT_DEFAULTS.format,
    };
    const fixed = /[*>]/.test(input.subject) ? {} : { subject: input.subject };
    return {
      kind: 'jetstream',
      config: input,
      format: input.format,
      origin: { stream: input.stream, ...fixed },
      reads: { stream: input.stream, subject: input.subject, durable: input.durable, deliver: input.deliver },
    };
  },
};
