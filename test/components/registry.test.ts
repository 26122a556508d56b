/**
 * The registry forgets each spec's configuration type in one place (schemaChecked), because the
 * compiler hands a spec only configuration that passed its configSchema. Type checks run under
 * `npm run typecheck`; the last test checks at run time that a shared shape has one schema.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { registry, type KnownInput } from '../../runtime/components/registry.ts';
import type { CompileContext, StepSpec } from '../../runtime/components/types.ts';
import { httpStep } from '../../runtime/components/steps/http.ts';
import { deliverSchema } from '../../runtime/components/deliver-policy.ts';

describe('registry', () => {
  it('takes configuration that is still unknown, and names the union of compiled inputs', () => {
    type Compile = NonNullable<ReturnType<typeof registry.inputs.get>>['compile'];
    expectTypeOf<Compile>().toEqualTypeOf<(config: unknown, ctx: CompileContext) => KnownInput | undefined>();
    type StepCompile = NonNullable<ReturnType<typeof registry.steps.get>>['compile'];
    expectTypeOf<Parameters<StepCompile>[0]>().toEqualTypeOf<unknown>();
  });

  it('is the only way a spec for one configuration passes for a spec of any configuration', () => {
    // @ts-expect-error httpStep compiles an http configuration, not anything
    const any: StepSpec<unknown> = httpStep;
    expect(any.kind).toBe('http');
  });

  it('gives the deliver option one schema: the jetstream input uses the DeliverPolicy schema itself', () => {
    expect(registry.inputs.get('jetstream')?.configSchema.properties?.['deliver']).toBe(deliverSchema);
  });
});
