/** The generated schema files under schemas/, as text, keyed by path relative to schemas/. */
import { registry } from '../components/registry.ts';
import { pipelineSchema, pipelineTestSchema, streamsSchema } from './spec-schemas.ts';
import { availabilitySchema } from '../availability/policy-schema.ts';

export function specSchemaFiles(): Record<string, string> {
  const text = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';
  return {
    'crossdock/pipeline.schema.json': text(pipelineSchema(registry)),
    'crossdock/streams.schema.json': text(streamsSchema),
    'crossdock/pipeline-test.schema.json': text(pipelineTestSchema),
    'crossdock/availability.schema.json': text(availabilitySchema),
  };
}
