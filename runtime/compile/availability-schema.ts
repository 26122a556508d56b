/**
 * JSON Schema of the availability policy file (a YAML file in pipelines/ with a top-level
 * `availability:` key). The loader checks the file against it with file:line:col messages and
 * `crossdock schema --write` writes it to schemas/crossdock/ for editors.
 */
import type { JsonSchema } from '../config/json-schema.ts';
import { durationSchema } from '../config/durations.ts';

const SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';
export const LOCATION_ID = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
export const CHANNEL_NAME = '^[a-z0-9][a-z0-9-]*$';
const DAYS = { type: 'string', pattern: '^\\d+d$', description: 'Whole days, e.g. `14d`.' } as const;

function quantityRule(what: string): JsonSchema {
  return {
    description: `${what}: a number of units (\`{ units: 5 }\`) or a percentage (\`{ percent: 10 }\`).`,
    oneOf: [
      { type: 'object', properties: { units: { type: 'number', minimum: 0 } }, required: ['units'], additionalProperties: false },
      { type: 'object', properties: { percent: { type: 'number', minimum: 0, maximum: 100 } }, required: ['percent'], additionalProperties: false },
    ],
  };
}

const locationList: JsonSchema = {
  type: 'array',
  items: { type: 'string', pattern: LOCATION_ID },
  minItems: 1,
  uniqueItems: true,
  description: 'Location ids in priority order (reservations and promise dates take from the first ones first).',
};

const channelSchema: JsonSchema = {
  type: 'object',
  description: 'One sales channel and the rules that turn the pooled stock into what it may promise.',
  properties: {
    locations: {
      description:
        'Which locations serve the channel: a list (every region), or a map from the customer\'s region to a list. ' +
        'The `default` entry serves lookups without a region and regions not listed; without it, such lookups use every listed location.',
      oneOf: [
        locationList,
        { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Za-z0-9_-]+$' }, additionalProperties: locationList },
      ],
    },
    share: {
      type: 'object',
      description: 'Allocation share: the channel sees at most this percentage of the pool.',
      properties: { percent: { type: 'number', exclusiveMinimum: 0, maximum: 100 } },
      required: ['percent'],
      additionalProperties: false,
    },
    ringFence: quantityRule('Ring-fence: stock kept for this channel alone; other channels sharing its locations do not see it'),
    cap: { type: 'number', minimum: 0, description: 'The most the channel is ever shown, per SKU.' },
    buffer: quantityRule('Channel safety buffer, taken off what the channel sees (a percentage is of that figure)'),
  },
  required: ['locations'],
  additionalProperties: false,
};

const locationSchema: JsonSchema = {
  type: 'object',
  description: 'Per-location rules. Master data (time zone, cut-off, working days) comes from `inventory.location.<id>` events.',
  properties: {
    safetyStock: { type: 'number', minimum: 0, default: 0, description: 'Units never promised at this location, per SKU.' },
    safetyStockBySku: { type: 'object', additionalProperties: { type: 'number', minimum: 0 }, description: 'Safety stock for particular SKUs at this location (overrides `safetyStock`).' },
    receivingLeadTime: { ...DAYS, description: 'Days from arrival to sellable at this location (overrides the policy-wide value).' },
  },
  additionalProperties: false,
};

export const availabilitySchema: JsonSchema = {
  $schema: SCHEMA_DIALECT,
  $id: 'https://schemas.crossdock.dev/crossdock/availability.schema.json',
  title: 'Crossdock availability policy',
  description: 'Which locations serve which channel and region, and the rules that turn stock into channel figures. One file per project.',
  type: 'object',
  properties: {
    availability: {
      type: 'object',
      properties: {
        stream: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', default: 'INVENTORY', description: 'The stream holding `inventory.>` events, consumed in order.' },
        inbound: {
          type: 'object',
          description: 'Which expected supply counts.',
          properties: {
            horizon: { ...DAYS, default: '14d', description: 'Inbound supply available later than this many days from today is not counted.' },
            receivingLeadTime: { ...DAYS, default: '0d', description: 'Days from arrival (ETA) to sellable.' },
          },
          additionalProperties: false,
        },
        locations: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: LOCATION_ID },
          additionalProperties: locationSchema,
          description: 'Every location a channel may use, with its safety stock.',
        },
        channels: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: CHANNEL_NAME },
          additionalProperties: channelSchema,
          description: 'Sales channels by name (the `channel` of a SalesOrder).',
        },
        changes: {
          type: 'object',
          description: 'Change events on `availability.<channel>.<sku>`.',
          properties: {
            enabled: { type: 'boolean', default: true },
            debounce: { ...durationSchema, default: '5ms', description: 'Changes to one SKU within this window are published once.' },
          },
          additionalProperties: false,
        },
        api: {
          type: 'object',
          description: 'The HTTP API (/v1/atp). Keys come from the CROSSDOCK_API_KEYS environment variable.',
          properties: {
            rateLimit: {
              type: 'object',
              properties: {
                requestsPerSecond: { type: 'number', exclusiveMinimum: 0, default: 200, description: 'Sustained requests per second per API key.' },
                burst: { type: 'integer', minimum: 1, default: 400, description: 'Requests a key may make at once before the sustained rate applies.' },
              },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      },
      required: ['locations', 'channels'],
      additionalProperties: false,
    },
  },
  required: ['availability'],
  additionalProperties: false,
};
