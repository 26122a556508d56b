/**
 * Where a new durable consumer starts in its stream: the `deliver` option of the jetstream
 * input, which the compiled input, lint and plan carry on. Its own module so the contract
 * (types.ts) can name the type without importing an input kind.
 */
import type { JsonSchema } from '../config/json-schema.ts';
import type { ConfigOf } from './config-type.ts';

export const deliverSchema = {
  description: 'Where a new consumer starts: `all` (default), `new`, `last`, `last-per-subject`, or a start sequence or time.',
  oneOf: [
    { type: 'string', enum: ['all', 'new', 'last', 'last-per-subject'] },
    { type: 'object', properties: { startSequence: { type: 'integer', minimum: 1, description: 'Stream sequence of the first message to deliver.', examples: [1500] } }, required: ['startSequence'], additionalProperties: false },
    { type: 'object', properties: { startTime: { type: 'string', format: 'date-time', description: 'Deliver messages stored from this instant on (ISO 8601 with an offset).', examples: ['2024-01-15T00:00:00Z'] } }, required: ['startTime'], additionalProperties: false },
  ],
  examples: ['all', 'new', { startTime: '2024-01-15T00:00:00Z' }],
} as const satisfies JsonSchema;

/** `startTime` is only `string` here; the schema's `date-time` format is what checks it. */
export type DeliverPolicy = ConfigOf<typeof deliverSchema>;
