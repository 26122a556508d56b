/**
 * `reserve`: reserves stock for every line of an order, all or nothing, idempotently by the
 * order id. The request goes through the inventory stream and is decided in stream order, so
 * runners scaled out never sell the same last unit twice (see docs/availability.md, "How reservations work").
 */
import type { StepSpec } from '../types.ts';
import { StepFailure } from '../types.ts';
import type { Availability } from '../../availability/api.ts';
import { durationSchema, parseDuration } from '../../config/durations.ts';
import { FIELD_NAME, PROPERTY_PATH, availabilityFrom, optionalString, orderLines, requiredString } from './availability-support.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const configSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1, default: "channel & ':' & externalId", description: 'JSONata expression giving the reservation id (the order id).', examples: ["channel & ':' & externalId"] },
    channel: { type: 'string', minLength: 1, default: 'channel', description: 'JSONata expression giving the channel.', examples: ['channel'] },
    region: { type: 'string', minLength: 1, default: 'region', description: "JSONata expression giving the customer's region.", examples: ['shipTo.country'] },
    lines: { type: 'string', pattern: PROPERTY_PATH, default: 'lines', description: 'Property path of the order lines in the body.', examples: ['lines'] },
    expiresIn: { ...durationSchema, description: 'The reservation stops counting this long after the message arrived (unset: until released or consumed).', examples: ['30m'] },
    field: { type: 'string', pattern: FIELD_NAME, default: 'reservation', description: 'Property of the body the decision is written to.', examples: ['reservation'] },
    timeout: { ...durationSchema, default: '10s', description: 'How long to wait for the decision before retrying the message.', examples: ['10s'] },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

type ReserveConfig = ConfigOf<typeof configSchema>;

export const reserveStep: StepSpec<ReserveConfig> = {
  kind: 'reserve',
  summary: 'Reserve stock for every order line, all or none.',
  description:
    'Asks the availability service to reserve every line (`sku`, `quantity`) against what the channel may promise: ' +
    'either all lines are reserved (allocated to the channel\'s locations) or none is, and the decision is written to the body under `field`: ' +
    '`{ id, status: accepted | rejected, lines, shortages }`, with the shortage per SKU when rejected. Route on ' +
    '`reservation.status` to send shortages to an exceptions output. The same id always gets the first decision, so ' +
    'redeliveries and retries never reserve twice. Needs `crossdock run` with an availability policy.',
  configSchema,
  examples: [{ id: "channel & ':' & externalId", expiresIn: '30m' }, {}],
  compile(config, ctx) {
    const id = ctx.expression(config.id ?? "channel & ':' & externalId", config.id === undefined ? undefined : ['id']);
    const channel = ctx.expression(config.channel ?? 'channel', config.channel === undefined ? undefined : ['channel']);
    const region = ctx.expression(config.region ?? 'region', config.region === undefined ? undefined : ['region']);
    if (!id || !channel || !region) return undefined;
    const linesPath = config.lines ?? 'lines';
    const field = config.field ?? 'reservation';
    const expiresInMs = config.expiresIn === undefined ? undefined : parseDuration(config.expiresIn);
    const timeoutMs = parseDuration(config.timeout ?? '10s');
    let service: Availability | undefined;
    return {
      label: 'reserve',
      start(services) {
        service = availabilityFrom(services, 'reserve');
      },
      async run(ex) {
        const s = service;
        if (!s) throw new StepFailure('step reserve was not started', { permanent: false });
        const rid = await requiredString(id, ex, 'id');
        const ch = await requiredString(channel, ex, 'channel');
        const rg = await optionalString(region, ex, 'region');
        if (!s.channels.includes(ch)) throw new StepFailure(`channel '${ch}' is not in the availability policy (known: ${s.channels.join(', ')})`, { permanent: true, field: 'channel' });
        const lines = orderLines(ex.body, linesPath).map((l) => ({ sku: l.sku, quantity: l.quantity, ...(l.lineNumber === undefined ? {} : { lineNumber: l.lineNumber }) }));
        let decision;
        try {
          decision = await s.reserve(
            { id: rid, channel: ch, lines, ...(rg === undefined ? {} : { region: rg }), ...(expiresInMs === undefined ? {} : { expiresAt: ex.meta.receivedAt + expiresInMs }) },
            { timeoutMs },
          );
        } catch (err) {
          // A request the stream would not take is the message's fault; anything else (NATS down, slow view) is retried.
          const permanent = err instanceof RangeError;
          throw new StepFailure(`reservation ${rid}: ${(err as Error).message}`, { permanent, cause: err });
        }
        // A new object: outputs send the original bytes when the body is still the one received.
        ex.body = { ...(ex.body as Record<string, unknown>), [field]: decision };
        return undefined;
      },
    };
  },
};
