/** `filter`: drops (acknowledges without output) messages for which a predicate is false. */
import type { StepSpec } from '../types.ts';
import { DROP } from '../types.ts';
import { andThen, truthy } from '../values.ts';
import { expressionFailure } from './expression-failure.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const configSchema = { type: 'string', minLength: 1, description: 'A JSONata predicate.' } as const satisfies JsonSchema;

type FilterConfig = ConfigOf<typeof configSchema>;

export const filterStep: StepSpec<FilterConfig> = {
  kind: 'filter',
  summary: 'Keep only messages for which a JSONata predicate is true.',
  description:
    'Evaluates a JSONata predicate against the body; when it is false (by JSONata\'s `$boolean` rules) the ' +
    'message is acknowledged and goes no further. Dropped messages are counted, not dead-lettered.',
  configSchema,
  examples: ["test = false", "financial_status in ['paid', 'authorized']"],
  compile(config, ctx) {
    const expr = ctx.expression(config);
    if (!expr) return undefined;
    return {
      label: `filter ${config}`,
      run(ex) {
        try {
          const verdict = andThen(expr.evaluate(ex.body, ex.bindings), (v) => (truthy(v) ? undefined : DROP));
          if (verdict instanceof Promise) return verdict.catch((err: unknown) => { throw expressionFailure('filter', expr, err); });
          return verdict as undefined | typeof DROP;
        } catch (err) {
          throw expressionFailure('filter', expr, err);
        }
      },
    };
  },
};
