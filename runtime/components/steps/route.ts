/**
 * `route`: content-based routing. The first rule whose `when` holds chooses the outputs; a rule
 * without `when` matches everything (put it last). No match is a permanent error, so a
 * message never disappears because nobody thought of its case.
 */
import type { StepSpec, LocatedExpression, Exchange, StepResult } from '../types.ts';
import { StepFailure } from '../types.ts';
import { isPromiseLike } from '../../expressions/jsonata.ts';
import { truthy } from '../values.ts';
import { expressionFailure } from './expression-failure.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

interface CompiledRule {
  readonly when: LocatedExpression | undefined;
  readonly to: readonly string[];
}

const configSchema = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    properties: {
      when: { type: 'string', minLength: 1, description: 'A JSONata condition; omit it for the catch-all rule.', examples: ['totals.total > 10000'] },
      to: {
        description: 'The output name, or several to fan out.',
        oneOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
        ],
        examples: ['erp', ['erp', 'review']],
      },
    },
    required: ['to'],
    additionalProperties: false,
  },
} as const satisfies JsonSchema;

type RouteConfig = ConfigOf<typeof configSchema>;

export const routeStep: StepSpec<RouteConfig> = {
  kind: 'route',
  summary: 'Choose outputs by JSONata conditions, first match wins.',
  description:
    'A list of rules, tried in order. The first rule whose `when` condition is true sends the message to the ' +
    'output(s) named in `to`; a rule without `when` always matches. When no rule matches, the message is ' +
    'dead-lettered. Without a route step, a message goes to every output.',
  configSchema,
  examples: [[{ when: 'total > 10000', to: 'review' }, { to: 'erp' }]],
  compile(config, ctx) {
    const rules: CompiledRule[] = [];
    let ok = true;
    config.forEach((rule, i) => {
      const to = typeof rule.to === 'string' ? [rule.to] : [...rule.to];
      for (const name of to) {
        if (!ctx.outputNames.includes(name)) {
          ctx.error(`route target '${name}' is not an output of this pipeline (outputs: ${ctx.outputNames.join(', ') || 'none'})`, [i, 'to'], 'route-target');
          ok = false;
        }
      }
      if (rule.when === undefined && i < config.length - 1) {
        ctx.warn('a rule without `when` matches everything; the rules after it are never used', [i], 'route-unreachable');
      }
      const when = rule.when === undefined ? undefined : ctx.expression(rule.when, [i, 'when']);
      if (rule.when !== undefined && !when) ok = false;
      rules.push({ when, to });
    });
    if (!ok) return undefined;
    return {
      label: 'route',
      run(ex) {
        return choose(rules, 0, ex);
      },
    };
  },
};

function choose(rules: readonly CompiledRule[], start: number, ex: Exchange): StepResult | Promise<StepResult> {
  for (let i = start; i < rules.length; i++) {
    const rule = rules[i] as CompiledRule;
    if (!rule.when) {
      ex.route = rule.to;
      return undefined;
    }
    const cond = rule.when;
    let v: unknown;
    try {
      v = cond.evaluate(ex.body, ex.bindings);
    } catch (err) {
      throw expressionFailure('route condition', cond, err);
    }
    if (isPromiseLike(v)) {
      return Promise.resolve(v).then(
        (r) => {
          if (truthy(r)) {
            ex.route = rule.to;
            return undefined;
          }
          return choose(rules, i + 1, ex);
        },
        (err: unknown) => {
          throw expressionFailure('route condition', cond, err);
        },
      );
    }
    if (truthy(v)) {
      ex.route = rule.to;
      return undefined;
    }
  }
  throw new StepFailure('no route rule matched the message', { permanent: true });
}
