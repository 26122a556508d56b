/**
 * Typed mappings: the fixture inputs are real partner payloads, so running them through the
 * steps shows what each mapping really produces. When a `validate` step refuses the result of
 * the mapping before it, the mapping has the wrong shape for the schema that follows it, and
 * that is a lint error with the JSON path of the bad field, placed on the key in the mapping
 * that builds it. A fixture that expects exactly that dead letter is testing the refusal and
 * is left alone; a validate that refuses the unchanged input is the fixture's business
 * (`crossdock test`), not the mapping's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { positionAt, type SourcePosition } from '../../config/diagnostics.ts';
import { displayPath } from '../../compile/resources.ts';
import type { YamlSource } from '../../config/yaml-source.ts';
import { expectsFailure, type FixtureRun } from '../fixture-runs.ts';
import { registry } from '../../components/registry.ts';
import { locateField } from '../mapping-locate.ts';
import type { LintContext, LintRule } from '../rule.ts';

// Steps that replace the body; the others only read it, set headers or choose outputs.
// A step whose spec says it replaces the body is the one a later schema failure is blamed on.
const transforms = (kind: string): boolean => registry.steps.get(kind)?.transformsBody === true;

export const typedMappingsRule: LintRule = {
  name: 'typed-mappings',
  summary: "each fixture input is run through the steps; a mapping whose result fails the schema validated after it is an error, with the field's JSON path",
  codes: ['mapping-shape', 'fixture-not-run'],
  check(ctx) {
    for (const run of ctx.runs) {
      const testSource = ctx.project.sources.get(run.file);
      const testAt = testSource ? `${run.file}:${testSource.locate(['tests', run.index]).line}` : run.file;
      const o = run.outcome;
      if (o.kind === 'not-run') {
        if (o.reason.startsWith('input: file not found') || !testSource) continue; // fixture-files reports it
        ctx.diags.warn(run.file, testSource.locate(['tests', run.index]), 'fixture-not-run', `fixture '${run.name}' cannot be run offline, so its outputs are not checked: ${o.reason}`);
        continue;
      }
      if (o.kind !== 'fail') continue;
      checkShape(ctx, run, o, testAt);
    }
  },
};

function checkShape(ctx: LintContext, run: FixtureRun, o: { step: string; stepIndex: number; reason: string; field?: string }, testAt: string): void {
  const pipeline = ctx.project.pipelines.find((p) => p.name === run.pipeline);
  const source = pipeline ? ctx.project.sources.get(pipeline.file) : undefined;
  if (!pipeline || !source) return;
  const steps = ((source.value as { steps?: Record<string, unknown>[] }).steps ?? []);
  const failing = steps[o.stepIndex - 1];
  if (!failing || !('validate' in failing) || expectsFailure(run.test, o.step, o.reason)) return;
  let producer = -1;
  for (let j = o.stepIndex - 2; j >= 0; j--) {
    if (transforms(Object.keys(steps[j] ?? {})[0] ?? '')) {
      producer = j;
      break;
    }
  }
  if (producer < 0) return;
  const kind = Object.keys(steps[producer] ?? {})[0] as string;
  const schema = o.step.replace(/^validate /, '');
  const problems = o.reason.replace(/^does not match [^:]+: /, '');
  const label = pipeline.steps[producer]?.label ?? kind;
  const where = locate(ctx, source, steps[producer] as Record<string, unknown>, producer, o.field);
  ctx.diags.error(where.file, where.position, 'mapping-shape', `${label}: result does not match ${schema}: ${problems} (fixture '${run.name}', ${testAt})`);
}

/** The key in the mapping that builds `field`, else the step itself. */
function locate(ctx: LintContext, source: YamlSource, step: Record<string, unknown>, index: number, field: string | undefined): { file: string; position: SourcePosition } {
  const atStep = { file: source.file, position: source.locate(['steps', index]) };
  const config = step.map;
  if (config === undefined || field === undefined) return atStep;
  const fileRef = typeof config === 'string' && /^[^\s]+\.jsonata$/.test(config) ? config : typeof config === 'object' && config !== null && 'file' in config ? String((config as { file: unknown }).file) : undefined;
  if (fileRef !== undefined) {
    const abs = join(ctx.project.resources.layout.mappingsDir, fileRef);
    if (!existsSync(abs)) return atStep;
    const text = readFileSync(abs, 'utf8');
    const offset = locateField(text, field);
    return offset === undefined ? atStep : { file: displayPath(abs), position: positionAt(text, offset) };
  }
  const exprPath = typeof config === 'string' ? ['steps', index, 'map'] : ['steps', index, 'map', 'expr'];
  const text = typeof config === 'string' ? config : String((config as { expr?: unknown }).expr ?? '');
  const offset = locateField(text, field);
  return offset === undefined ? atStep : { file: source.file, position: source.locateInScalar(exprPath, offset) };
}
