/**
 * `validate`: checks the body — or a part of it (`select`), or every item of a list (`each`) —
 * against a JSON Schema from schemas/; a mismatch is permanent, with every failing field named.
 */
import type { StepSpec } from '../types.ts';
import { StepFailure } from '../types.ts';
import { formatProblems, type SchemaValidator, type ValidationProblem } from '../schema-validator.ts';
import { isPromiseLike } from '../../expressions/jsonata.ts';
import { expressionFailure } from './expression-failure.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const configSchema = {
  oneOf: [
    { type: 'string', pattern: '\\.json$', description: 'A schema file under schemas/.' },
    {
      type: 'object',
      properties: {
        schema: { type: 'string', pattern: '\\.json$', description: 'A schema file under schemas/.', examples: ['canonical/sales-order.schema.json'] },
        select: { type: 'string', minLength: 1, description: 'JSONata giving the part of the body to validate.', examples: ['order'] },
        each: { type: 'string', minLength: 1, description: 'JSONata giving a list; every item is validated.', examples: ['inventory'] },
      },
      required: ['schema'],
      additionalProperties: false,
    },
  ],
} as const satisfies JsonSchema;

type ValidateConfig = ConfigOf<typeof configSchema>;

export const validateStep: StepSpec<ValidateConfig> = {
  kind: 'validate',
  summary: 'Check the body, a part of it, or every item of a list against a JSON Schema.',
  description:
    'Validates against a JSON Schema file under `schemas/` (draft-07 or 2020-12; relative `$ref`s between files resolve). ' +
    'By default the whole body; `select` (JSONata) validates one part of it, `each` (JSONata giving a list) every item, ' +
    'e.g. the documents a mapping prepared for several outputs. A message that does not match is dead-lettered with every failing field named.',
  configSchema,
  examples: ['canonical/sales-order.schema.json', { schema: 'canonical/inventory-event.schema.json', each: 'inventory' }],
  compile(config, ctx) {
    const file = typeof config === 'string' ? config : config.schema;
    const validator = ctx.schema(file, typeof config === 'string' ? [] : ['schema']);
    if (typeof config !== 'string' && config.select !== undefined && config.each !== undefined) {
      ctx.error('give select or each, not both', ['each'], 'validate-target');
      return undefined;
    }
    const select = typeof config === 'string' || config.select === undefined ? undefined : ctx.expression(config.select, ['select']);
    const each = typeof config === 'string' || config.each === undefined ? undefined : ctx.expression(config.each, ['each']);
    if (!validator || (typeof config !== 'string' && ((config.select !== undefined && !select) || (config.each !== undefined && !each)))) return undefined;
    const target = select ?? each;
    const detail = typeof config === 'string' ? '' : config.select !== undefined ? ` (${config.select})` : config.each !== undefined ? ` (each ${config.each})` : '';
    const label = `validate ${file}${detail}`;
    return {
      label,
      run(ex) {
        if (!target) return check(validator, file, ex.body, '');
        let v: unknown;
        try {
          v = target.evaluate(ex.body, ex.bindings);
        } catch (err) {
          throw expressionFailure('validate', target, err);
        }
        const judge = (value: unknown): void => (each ? checkEach(validator, file, value) : check(validator, file, value, ''));
        if (isPromiseLike(v)) return Promise.resolve(v).then(judge, (err: unknown) => { throw expressionFailure('validate', target, err); });
        judge(v);
        return undefined;
      },
    };
  },
};

function check(validator: SchemaValidator, file: string, value: unknown, prefix: string): void {
  const problems = validator.validate(value);
  if (problems) fail(file, problems.map((p) => ({ ...p, field: prefix + p.field })));
}

function checkEach(validator: SchemaValidator, file: string, value: unknown): void {
  const items = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const problems: ValidationProblem[] = [];
  items.forEach((item, i) => {
    for (const p of validator.validate(item) ?? []) problems.push({ ...p, field: `[${i}]${p.field}` });
  });
  if (problems.length > 0) fail(file, problems);
}

function fail(file: string, problems: readonly ValidationProblem[]): never {
  throw new StepFailure(`does not match ${file}: ${formatProblems(problems)}`, { permanent: true, field: problems[0]?.field });
}
