/**
 * JSON Schema of the expectations file (a YAML file in pipelines/ with a top-level
 * `expectations:` key): business SLA timers. The loader checks the file against it with
 * file:line:col messages, and `crossdock schema --write` writes it to schemas/crossdock/.
 */
import type { JsonSchema } from '../config/json-schema.ts';
import { durationSchema } from '../config/durations.ts';

export const EXPECTATION_NAME = '^[a-z0-9][a-z0-9-]*$';
const CALENDAR_NAME = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
const TOKEN = '^[^\\s.*>]+$';
const EXPRESSION = { type: 'string', minLength: 1 } as const;

const documentSchema: JsonSchema = {
  type: 'object',
  description: 'Documents on a subject, and how to read their business key.',
  properties: {
    subject: { type: 'string', minLength: 1, description: 'Subject pattern (NATS wildcards `*` and `>`), inside a declared stream.' },
    key: {
      ...EXPRESSION,
      description:
        'JSONata over the message body (with `$subject` and `$headers`): the business key, a string or number, or an object of them (e.g. `{"poNumber": poNumber}`). Documents of `when` and `expect` match when their keys are equal.',
    },
    partner: { ...EXPRESSION, description: 'JSONata: the partner, channel or supplier the exception is raised for (the last token of its subject).' },
    channel: { ...EXPRESSION, description: 'JSONata: the sales channel, for the exception\'s filters.' },
    warehouse: { ...EXPRESSION, description: 'JSONata: the warehouse, for the exception\'s filters.' },
  },
  required: ['subject', 'key'],
  additionalProperties: false,
};

const documents = (what: string): JsonSchema => ({
  description: what,
  oneOf: [documentSchema, { type: 'array', items: documentSchema, minItems: 1 }],
});

const expectationSchema: JsonSchema = {
  type: 'object',
  description: 'When a document passes, expect a matching one within a duration; if none arrives in time, raise one business exception.',
  properties: {
    description: { type: 'string', description: 'What the SLA promises, for people.' },
    when: documents('The document (or documents, one per channel) that opens the expectation. Each needs a `partner` expression.'),
    expect: documents('The document (or documents) that closes it, matched by key.'),
    within: { ...durationSchema, description: 'How long the expected document may take; on the calendar\'s business time when `calendar` is set.' },
    calendar: { type: 'string', pattern: CALENDAR_NAME, description: 'A calendar declared under `calendars:`; omitted: wall-clock time.' },
    raise: {
      type: 'object',
      description: 'The business exception raised at the deadline: `exceptions.<type>.<partner>`.',
      properties: {
        type: { type: 'string', pattern: TOKEN, description: 'e.g. `late-ack`.' },
        documentType: { type: 'string', description: 'The document type the exception is about (e.g. `850`, `SalesOrder`).' },
      },
      required: ['type'],
      additionalProperties: false,
    },
  },
  required: ['when', 'expect', 'within', 'raise'],
  additionalProperties: false,
};

const calendarSchema: JsonSchema = {
  type: 'object',
  description: 'Business time: working days and hours in a time zone, and holidays.',
  properties: {
    timeZone: { type: 'string', minLength: 1, description: 'IANA time zone, e.g. `America/New_York`.' },
    workingDays: {
      type: 'array',
      items: { enum: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
      minItems: 1,
      uniqueItems: true,
      description: 'Default: mon to fri.',
    },
    hours: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-4]):[0-5]\\d$', description: 'Business hours, local, e.g. `08:00-18:00`. Default: the whole working day.' },
    holidays: { type: 'array', items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, description: 'Local dates that are not working days.' },
  },
  required: ['timeZone'],
  additionalProperties: false,
};

export const expectationsSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://schemas.crossdock.dev/crossdock/expectations.schema.json',
  title: 'Crossdock expectations (business SLA timers)',
  type: 'object',
  properties: {
    calendars: { type: 'object', propertyNames: { pattern: CALENDAR_NAME }, additionalProperties: calendarSchema },
    retention: {
      ...durationSchema,
      description: 'How long a finished expectation (closed, or late and raised) is kept in the view after its last document or deadline; KPIs over older windows no longer see it. Default 35d.',
    },
    expectations: {
      type: 'object',
      description: 'Expectations by name (lowercase, dashes).',
      propertyNames: { pattern: EXPECTATION_NAME },
      additionalProperties: expectationSchema,
    },
  },
  required: ['expectations'],
  additionalProperties: false,
};
