/**
 * `reject`: dead-letters the message when a condition holds, with a reason built from it — the
 * declarative "this cannot go on" (Camel's throwException), e.g. an EDI file from which not
 * one document could be read.
 */
import type { StepSpec } from '../types.ts';
import { StepFailure } from '../types.ts';
import { isPromiseLike } from '../../expressions/jsonata.ts';
import { truthy } from '../values.ts';
import { expressionFailure } from './expression-failure.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const configSchema = {
  type: 'object',
  properties: {
    when: { type: 'string', minLength: 1, description: 'JSONata condition.', examples: ['$count(documents) = 0'] },
    reason: { type: 'string', minLength: 1, description: 'JSONata expression giving the reason text.', examples: ["'no document could be read: ' & errors[0].message"] },
  },
  required: ['when', 'reason'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type RejectConfig = ConfigOf<typeof configSchema>;

export const rejectStep: StepSpec<RejectConfig> = {
  kind: 'reject',
  summary: 'Dead-letter the message when a condition holds.',
  description: 'When the JSONata condition `when` is true, the message fails permanently with the text of `reason` (a JSONata expression) and goes to the dead-letter subject.',
  configSchema,
  examples: [{ when: '$count(documents) = 0', reason: "'no document could be read: ' & errors[0].message" }],
  compile(config, ctx) {
    const when = ctx.expression(config.when, ['when']);
    const reason = ctx.expression(config.reason, ['reason']);
    if (!when || !reason) return undefined;
    const decide = (hit: unknown, why: () => unknown): void | Promise<void> => {
      if (!truthy(hit)) return undefined;
      const r = why();
      const fail = (text: unknown): never => {
        throw new StepFailure(typeof text === 'string' ? text : JSON.stringify(text) ?? 'rejected', { permanent: true });
      };
      return isPromiseLike(r) ? Promise.resolve(r).then(fail) : fail(r);
    };
    return {
      label: `reject when ${config.when.length > 48 ? config.when.slice(0, 47) + "…" : config.when}`,
      run(ex) {
        let hit: unknown;
        try {
          hit = when.evaluate(ex.body, ex.bindings);
        } catch (err) {
          throw expressionFailure('reject condition', when, err);
        }
        const why = (): unknown => {
          try {
            return reason.evaluate(ex.body, ex.bindings);
          } catch (err) {
            throw expressionFailure('reject reason', reason, err);
          }
        };
        return isPromiseLike(hit) ? Promise.resolve(hit).then((h) => decide(h, why)) : decide(hit, why);
      },
    };
  },
};
