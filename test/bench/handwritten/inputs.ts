/**
 * Realistic inputs for every mapping in mappings/: the body and bindings that reach each
 * `map <file>.jsonata` step when the project's own pipeline fixture tests run. The steps before
 * the map step run as in the runner (createExchange, then each step's `run`), with the offline
 * services `crossdock test` uses (http stubs, an in-memory availability view seeded per test).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadProject } from '../../../runtime/compile/project.ts';
import type { CompiledPipeline } from '../../../runtime/compile/pipeline.ts';
import type { Exchange } from '../../../runtime/components/types.ts';
import { startSteps } from '../../../runtime/engine/drivers.ts';
import { createExchange, isFailure } from '../../../runtime/engine/process.ts';
import { compileExpression, isPromiseLike } from '../../../runtime/expressions/jsonata.ts';
import { FIXTURE_TIME } from '../../../runtime/fixture-tests/fixtures.ts';
import { OfflineServices, type OfflineTest } from '../../../runtime/fixture-tests/offline-services.ts';

export interface MappingInput {
  /** Where the input came from: `<pipeline> / <fixture test name>`. */
  readonly source: string;
  readonly body: unknown;
  readonly bindings: Readonly<Record<string, unknown>>;
}

export interface MappingInputs {
  /** Path under mappings/, e.g. `shopify/order-to-sales-order.jsonata`. */
  readonly file: string;
  readonly text: string;
  readonly inputs: readonly MappingInput[];
}

interface FixtureTest extends OfflineTest {
  name: string;
  input: { file?: string; select?: string; body?: unknown; text?: string; subject?: string; headers?: Record<string, string> };
}

const root = resolve(new URL('../../../', import.meta.url).pathname);
const MAP_PREFIX = 'map ';

async function payload(input: FixtureTest['input'], baseDir: string): Promise<Uint8Array | undefined> {
  const enc = new TextEncoder();
  if (input.text !== undefined) return enc.encode(input.text);
  if (input.body !== undefined) return enc.encode(JSON.stringify(input.body));
  if (input.file === undefined) return undefined;
  const abs = join(baseDir, input.file);
  if (!existsSync(abs)) return undefined;
  const raw = readFileSync(abs);
  if (input.select === undefined) return raw;
  const picked = await Promise.resolve(compileExpression(input.select, { engine: 'reference' }).evaluate(JSON.parse(raw.toString('utf8'))));
  return picked === undefined ? undefined : enc.encode(JSON.stringify(picked));
}

/** Runs one fixture test's message through the steps, recording what each mapping step receives. */
async function capture(pipeline: CompiledPipeline, test: FixtureTest, baseDir: string, into: Map<string, MappingInput[]>): Promise<void> {
  const data = await payload(test.input, baseDir);
  const subject = test.input.subject ?? pipeline.input.origin.subject;
  if (data === undefined || subject === undefined) return;
  const origin = pipeline.input.origin;
  const meta = { pipeline: pipeline.name, subject, stream: origin.stream, streamSeq: 1, deliveryCount: 1, receivedAt: FIXTURE_TIME, key: `${origin.stream}:1` };
  const headers = { 'X-Correlation-Id': 'fixture-test', ...(test.input.headers ?? {}) };
  const ex = createExchange(pipeline, { data, headers, meta }, pipeline.input.format);
  if (isFailure(ex)) return;
  for (const step of pipeline.steps) {
    if (step.label.startsWith(MAP_PREFIX) && step.label.endsWith('.jsonata')) {
      const file = step.label.slice(MAP_PREFIX.length);
      const list = into.get(file) ?? [];
      list.push({ source: `${pipeline.name} / ${test.name}`, body: structuredClone(ex.body), bindings: structuredClone(ex.bindings) });
      into.set(file, list);
    }
    try {
      const r = step.run(ex as Exchange);
      if (isPromiseLike(r)) {
        if ((await r) !== undefined) return;
      } else if (r !== undefined) {
        return;
      }
    } catch {
      return;
    }
  }
}

/**
 * Every mapping file with the distinct inputs its pipelines' fixture tests give it, in file
 * order. Inputs the mapping fails on (tests of dead-lettering) are left out: a benchmark times
 * results, not errors.
 */
export async function mappingInputs(): Promise<MappingInputs[]> {
  const cwd = process.cwd();
  process.chdir(root);
  const found = new Map<string, MappingInput[]>();
  try {
    const project = loadProject('pipelines');
    for (const source of project.testFiles) {
      const doc = source.value as { pipeline?: string; tests?: FixtureTest[] };
      const pipeline = project.pipelines.find((p) => p.name === doc.pipeline);
      if (!pipeline) continue;
      // The offline services `crossdock test` runs fixtures with: http stubs, in-memory availability.
      const offline = new OfflineServices(project.availability, () => FIXTURE_TIME);
      try {
        await startSteps(pipeline, offline.services);
      } catch {
        continue;
      }
      const baseDir = dirname(join(root, source.file));
      for (const test of doc.tests ?? []) {
        if (offline.forTest(test) !== undefined) continue;
        await capture(pipeline, test, baseDir, found);
      }
    }
  } finally {
    process.chdir(cwd);
  }
  const out: MappingInputs[] = [];
  for (const file of [...found.keys()].sort()) {
    const text = readFileSync(join(root, 'mappings', file), 'utf8');
    const expr = compileExpression(text);
    const seen = new Set<string>();
    const inputs: MappingInput[] = [];
    for (const input of found.get(file) ?? []) {
      const key = JSON.stringify([input.body, input.bindings]);
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        const r = expr.evaluate(structuredClone(input.body), structuredClone(input.bindings));
        if ((isPromiseLike(r) ? await r : r) === undefined) continue;
      } catch {
        continue;
      }
      inputs.push(input);
    }
    out.push({ file, text, inputs });
  }
  return out;
}
