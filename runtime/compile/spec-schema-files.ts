/** The generated schema files under schemas/, as text, keyed by path relative to schemas/. */
import { registry } from '../components/registry.ts';
import { allowEnvReferences, pipelineSchema, pipelineTestSchema, streamsSchema } from './spec-schemas.ts';
import { availabilitySchema } from './availability-schema.ts';
import { expectationsSchema } from './expectations-schema.ts';

export function specSchemaFiles(): Record<string, string> {
  const text = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';
  return {
    // Editors see `${VAR}` before it is resolved; the runner checks resolved values strictly.
    'crossdock/pipeline.schema.json': text(allowEnvReferences(pipelineSchema(registry))),
    'crossdock/streams.schema.json': text(allowEnvReferences(streamsSchema)),
    'crossdock/pipeline-test.schema.json': text(pipelineTestSchema),
    'crossdock/availability.schema.json': text(allowEnvReferences(availabilitySchema)),
    'crossdock/expectations.schema.json': text(allowEnvReferences(expectationsSchema)),
  };
}
