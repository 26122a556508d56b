/**
 * Every component kind Crossdock knows, by name. The pipeline JSON Schema, the structural
 * checks and the reference docs are derived from these lists: add a kind here and it exists
 * everywhere.
 */
import type { InputSpec, OutputSpec, StepSpec } from './types.ts';
import { jetstreamInput } from './inputs/jetstream.ts';
import { httpInput } from './inputs/http.ts';
import { filesInput } from './inputs/files.ts';
import { mapStep } from './steps/map.ts';
import { validateStep } from './steps/validate.ts';
import { filterStep } from './steps/filter.ts';
import { routeStep } from './steps/route.ts';
import { headersStep } from './steps/headers.ts';
import { httpStep } from './steps/http.ts';
import { rejectStep } from './steps/reject.ts';
import { x12ReadStep } from './steps/x12-read.ts';
import { x12WriteStep } from './steps/x12-write.ts';
import { atpStep } from './steps/atp.ts';
import { reserveStep } from './steps/reserve.ts';
import { jetstreamOutput } from './outputs/jetstream.ts';
import { fileOutput } from './outputs/file.ts';

export interface Registry {
  readonly inputs: ReadonlyMap<string, InputSpec<never>>;
  readonly steps: ReadonlyMap<string, StepSpec<never>>;
  readonly outputs: ReadonlyMap<string, OutputSpec<never>>;
}

function byKind<T extends { kind: string }>(specs: readonly T[]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const s of specs) {
    if (map.has(s.kind)) throw new Error(`component kind registered twice: ${s.kind}`);
    map.set(s.kind, s);
  }
  return map;
}

const INPUT_KINDS = [jetstreamInput, httpInput, filesInput] as const;

/** The compiled input of a pipeline, one case per input kind: narrowing on `kind` gives its configuration without a cast. */
export type KnownInput = NonNullable<ReturnType<(typeof INPUT_KINDS)[number]['compile']>>;

// Specs are typed by their own config; the registry only hands them configuration that has
// passed their configSchema, which is what makes the cast below sound.
export const registry: Registry = {
  inputs: byKind(INPUT_KINDS as unknown as InputSpec<never>[]),
  steps: byKind([mapStep, validateStep, filterStep, routeStep, headersStep, rejectStep, httpStep, x12ReadStep, x12WriteStep, atpStep, reserveStep] as unknown as StepSpec<never>[]),
  outputs: byKind([jetstreamOutput, fileOutput] as unknown as OutputSpec<never>[]),
};
