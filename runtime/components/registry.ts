/**
 * Every component kind Crossdock knows, by name. The pipeline JSON Schema, the structural
 * checks and the reference docs are derived from these lists: add a kind here and it exists
 * everywhere.
 */
import type { CompiledInput, InputSpec, OutputSpec, StepSpec } from './types.ts';
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
  readonly inputs: ReadonlyMap<string, InputSpec<unknown, KnownInput>>;
  readonly steps: ReadonlyMap<string, StepSpec<unknown>>;
  readonly outputs: ReadonlyMap<string, OutputSpec<unknown>>;
}

function byKind<T extends { kind: string }>(specs: readonly T[]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const s of specs) {
    if (map.has(s.kind)) throw new Error(`component kind registered twice: ${s.kind}`);
    map.set(s.kind, s);
  }
  return map;
}

/**
 * Forgets the configuration type of each spec of one family, so kinds with different
 * configurations fit one map that takes `unknown`. This is the only place that happens, and it
 * is sound because each spec's configuration type is derived from its own `configSchema`
 * (config-type.ts) and a spec is only ever handed configuration that has passed that schema:
 * the compiler checks the shape before calling `compile` (compileSlot in compile/pipeline.ts),
 * and lint asks for a `footprint` only of compiled pipelines.
 */
function schemaChecked(specs: readonly StepSpec<never>[]): readonly StepSpec<unknown>[];
function schemaChecked<I extends CompiledInput>(specs: readonly InputSpec<never, I>[]): readonly InputSpec<unknown, I>[];
function schemaChecked(specs: readonly OutputSpec<never>[]): readonly OutputSpec<unknown>[];
function schemaChecked(specs: readonly unknown[]): readonly unknown[] {
  return specs;
}

const INPUT_KINDS = [jetstreamInput, httpInput, filesInput] as const;

/** The compiled input of a pipeline, one case per input kind: narrowing on `kind` gives its configuration without a cast. */
export type KnownInput = NonNullable<ReturnType<(typeof INPUT_KINDS)[number]['compile']>>;

export const registry: Registry = {
  inputs: byKind(schemaChecked<KnownInput>(INPUT_KINDS)),
  steps: byKind(schemaChecked([mapStep, validateStep, filterStep, routeStep, headersStep, rejectStep, httpStep, x12ReadStep, x12WriteStep, atpStep, reserveStep])),
  outputs: byKind(schemaChecked([jetstreamOutput, fileOutput])),
};
