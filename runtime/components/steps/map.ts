/**
 * `map`: replaces the message body with the result of a JSONata mapping. A string ending in
 * `.jsonata` names a file under mappings/; anything else is an inline expression.
 */
import type { StepSpec, LocatedExpression } from '../types.ts';
import { StepFailure } from '../types.ts';
import { andThen } from '../values.ts';
import { expressionFailure } from './expression-failure.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const configSchema = {
  oneOf: [
    { type: 'string', minLength: 1, description: 'A mapping file under mappings/ (ends in .jsonata), or an inline JSONata expression.' },
    {
      type: 'object',
      properties: { file: { type: 'string', pattern: '\\.jsonata$', description: 'A mapping file under mappings/.', examples: ['shopify/order-to-sales-order.jsonata'] } },
      required: ['file'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { expr: { type: 'string', minLength: 1, description: 'An inline JSONata expression.', examples: ['$merge([$, {"channel": "shopify"}])'] } },
      required: ['expr'],
      additionalProperties: false,
    },
  ],
} as const satisfies JsonSchema;

type MapConfig = ConfigOf<typeof configSchema>;

export const mapStep: StepSpec<MapConfig> = {
  kind: 'map',
  transformsBody: true,
  summary: 'Replace the body with the result of a JSONata mapping.',
  description:
    'Evaluates a JSONata expression against the message body and makes its result the new body. ' +
    'Write a path ending in `.jsonata` to use a file under `mappings/`, or an inline expression. ' +
    'Variables: `$headers` (message headers), `$subject`, `$meta` (stream, sequence, delivery count). ' +
    'A mapping that yields nothing is a permanent error (the message is dead-lettered).',
  configSchema,
  examples: ['shopify/order-to-sales-order.jsonata', { expr: '$merge([$, {"channel": "shopify"}])' }],
  compile(config, ctx) {
    let expr: LocatedExpression | undefined;
    let label: string;
    if (typeof config === 'string') {
      if (/^[^\s]+\.jsonata$/.test(config)) {
        expr = ctx.mapping(config);
        label = `map ${config}`;
      } else {
        expr = ctx.expression(config);
        label = 'map (inline)';
      }
    } else if ('file' in config) {
      expr = ctx.mapping(config.file, ['file']);
      label = `map ${config.file}`;
    } else {
      expr = ctx.expression(config.expr, ['expr']);
      label = 'map (inline)';
    }
    if (!expr) return undefined;
    const e = expr;
    return {
      label,
      run(ex) {
        let result: unknown;
        try {
          result = e.evaluate(ex.body, ex.bindings);
        } catch (err) {
          throw expressionFailure('mapping', e, err);
        }
        const apply = (value: unknown): void => {
          if (value === undefined) throw new StepFailure(`mapping ${e.locate()} produced no value`, { permanent: true });
          ex.body = value;
        };
        const done = andThen(result, apply);
        if (done instanceof Promise) return done.catch((err: unknown) => { throw expressionFailure('mapping', e, err); });
        return undefined;
      },
    };
  },
};
