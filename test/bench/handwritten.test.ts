/**
 * The hand-written mappings the expression benchmark compares compiled code with must compute
 * exactly what the compiled mapping computes (deeply, key order included) on every input the
 * benchmark times: otherwise the comparison would flatter one side.
 */
import jsonata from 'jsonata';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileExpression } from '../../runtime/expressions/jsonata.ts';
import { sameValue } from '../expressions/same-value.ts';
import { handWritten } from './handwritten/index.ts';
import { type MappingInputs, mappingInputs } from './handwritten/inputs.ts';

const mappingsDir = new URL('../../mappings/', import.meta.url).pathname;

function shippedMappings(dir = mappingsDir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...shippedMappings(path));
    else if (name.endsWith('.jsonata')) out.push(relative(mappingsDir, path));
  }
  return out;
}

describe('hand-written mappings', () => {
  let captured: readonly MappingInputs[] = [];
  beforeAll(async () => {
    captured = await mappingInputs();
  }, 120_000);

  it('exist for every shipped mapping, each with inputs from the fixture tests', () => {
    const files = shippedMappings();
    expect([...handWritten.keys()].sort()).toEqual(files);
    for (const file of files) {
      expect(captured.find((m) => m.file === file)?.inputs.length ?? 0, file).toBeGreaterThan(0);
    }
  });

  it.each(shippedMappings().map((f) => [f]))('%s: same result as the compiled mapping on every captured input', async (file) => {
    const mapping = captured.find((m) => m.file === file) as MappingInputs;
    // Inline: a guarded evaluation that overran its budget on a loaded machine came back as a promise.
    const compiled = compileExpression(mapping.text, { strictCompile: true, isolation: 'inline' });
    const reference = jsonata(mapping.text);
    const byHand = handWritten.get(file);
    if (byHand === undefined) throw new Error(`no hand-written version of ${file}`);
    for (const input of mapping.inputs) {
      const fromCompiled = compiled.evaluate(structuredClone(input.body), structuredClone(input.bindings));
      const fromReference: unknown = await reference.evaluate(structuredClone(input.body), structuredClone(input.bindings));
      const fromHand = byHand(structuredClone(input.body), structuredClone(input.bindings));
      expect(sameValue(fromCompiled, fromReference, true), `${input.source}: compiled differs from the reference`).toBe(true);
      if (!sameValue(fromHand, fromCompiled, true)) {
        expect(fromHand, `${input.source}: hand-written differs from compiled`).toEqual(fromCompiled);
        throw new Error(`${input.source}: hand-written differs from compiled in key order`);
      }
    }
  });
});
