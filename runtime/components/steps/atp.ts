/**
 * `atp`: adds availability and promise dates to each order line, from the runner's
 * availability view (an in-process lookup, no I/O).
 */
import type { StepSpec, LocatedExpression } from '../types.ts';
import { StepFailure } from '../types.ts';
import type { Availability } from '../../availability/api.ts';
import { FIELD_NAME, PROPERTY_PATH, availabilityFrom, optionalString, orderLines, requiredString, withLineField } from './availability-support.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const configSchema = {
  type: 'object',
  properties: {
    channel: { type: 'string', minLength: 1, default: 'channel', description: 'JSONata expression giving the channel (a channel of the availability policy).', examples: ['channel'] },
    region: { type: 'string', minLength: 1, default: 'region', description: "JSONata expression giving the customer's region; nothing means the channel's default locations.", examples: ['shipTo.country'] },
    lines: { type: 'string', pattern: PROPERTY_PATH, default: 'lines', description: 'Property path of the order lines in the body.', examples: ['lines'] },
    field: { type: 'string', pattern: FIELD_NAME, default: 'availability', description: 'Property added to each line.', examples: ['availability'] },
    unknownSku: { type: 'string', enum: ['fail', 'zero'], default: 'fail', description: '`fail`: dead-letter an order with a SKU never seen; `zero`: report it as 0 available.', examples: ['fail'] },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

type AtpConfig = ConfigOf<typeof configSchema>;

export const atpStep: StepSpec<AtpConfig> = {
  kind: 'atp',
  summary: 'Add availability and promise dates to each order line.',
  description:
    'For every line of the order (`sku`, `quantity`), looks up what the channel may promise in the region ' +
    'and writes `{ available, promiseDate, shipDate, seq }` into the line under `field`. The figures come from the ' +
    "runner's availability view (see the availability policy); `seq` is the inventory stream sequence they reflect. " +
    'A SKU the view does not know (no position, reservation, hold, inbound line or receipt has named it; a reservation request alone does not) is a permanent failure (dead-lettered), unless `unknownSku: zero`. ' +
    'Needs an availability policy: `crossdock run` serves it, and fixture tests run it offline on an in-memory view that holds the inventory events the test lists.',
  configSchema,
  examples: [{ channel: 'channel', region: 'shipTo.country' }, {}],
  compile(config, ctx) {
    const channel = ctx.expression(config.channel ?? 'channel', config.channel === undefined ? undefined : ['channel']);
    const region = ctx.expression(config.region ?? 'region', config.region === undefined ? undefined : ['region']);
    if (!channel || !region) return undefined;
    const linesPath = config.lines ?? 'lines';
    const field = config.field ?? 'availability';
    const failUnknown = (config.unknownSku ?? 'fail') === 'fail';
    let service: Availability | undefined;
    return {
      label: 'atp',
      start(services) {
        service = availabilityFrom(services, 'atp');
      },
      async run(ex) {
        const s = service;
        if (!s) throw new StepFailure('step atp was not started', { permanent: false });
        const ch = await requiredString(channel as LocatedExpression, ex, 'channel');
        const rg = await optionalString(region, ex, 'region');
        if (!s.channels.includes(ch)) throw new StepFailure(`channel '${ch}' is not in the availability policy (known: ${s.channels.join(', ')})`, { permanent: true, field: 'channel' });
        const lines = orderLines(ex.body, linesPath);
        const figures = lines.map((l, i) => {
          const a = s.lookup(l.sku, { channel: ch, quantity: l.quantity, ...(rg === undefined ? {} : { region: rg }) });
          if (!a.known && failUnknown) throw new StepFailure(`unknown SKU '${l.sku}': no position, reservation, hold, inbound line or receipt has named it`, { permanent: true, field: `${linesPath}[${i}].sku` });
          const f = a.channels[0];
          return { available: f?.available ?? 0, promiseDate: f?.promiseDate ?? null, shipDate: f?.shipDate ?? null, seq: a.seq };
        });
        ex.body = withLineField(ex.body, linesPath, field, (i) => figures[i]);
        return undefined;
      },
    };
  },
};
