/** `validate`: checks the body against a JSON Schema from schemas/; a mismatch is permanent. */
import type { StepSpec } from '../types.ts';
import { StepFailure } from '../types.ts';
import { formatProblems } from '../../compile/schemas.ts';

type ValidateConfig = string | { readonly schema: string };

export const validateStep: StepSpec<ValidateConfig> = {
  kind: 'validate',
  summary: 'Check the body against a JSON Schema.',
  description:
    'Validates the message body against a JSON Schema file under `schemas/` (draft-07 or 2020-12; ' +
    'relative `$ref`s between files resolve). A message that does not match is dead-lettered with every ' +
    'failing field named.',
  configSchema: {
    oneOf: [
      { type: 'string', pattern: '\\.json$', description: 'A schema file under schemas/.' },
      {
        type: 'object',
        properties: { schema: { type: 'string', pattern: '\\.json$', description: 'A schema file under schemas/.', examples: ['canonical/sales-order.schema.json'] } },
        required: ['schema'],
        additionalProperties: false,
      },
    ],
  },
  examples: ['canonical/sales-order.schema.json'],
  compile(config, ctx) {
    const file = typeof config === 'string' ? config : config.schema;
    const validator = ctx.schema(file, typeof config === 'string' ? [] : ['schema']);
    if (!validator) return undefined;
    return {
      label: `validate ${file}`,
      run(ex) {
        const problems = validator.validate(ex.body);
        if (problems) {
          throw new StepFailure(`does not match ${file}: ${formatProblems(problems)}`, {
            permanent: true,
            field: problems[0]?.field,
          });
        }
      },
    };
  },
};
