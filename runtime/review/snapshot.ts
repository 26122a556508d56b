/**
 * One revision of a project, reduced to what `crossdock plan` compares: pipelines as written
 * (with `${VAR}` unresolved, so no secret reaches a pull request), their consumers, streams,
 * schemas, the flow of subjects and the outcome of every fixture test. Loading reads files;
 * everything after it works on this plain data.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { loadProject } from '../compile/project.ts';
import type { StreamDeclaration } from '../compile/streams.ts';
import type { JetStreamInput } from '../components/inputs/jetstream.ts';
import type { EnvLookup } from '../config/env.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';
import { fixtureFiles, runFixtures, type FixtureRun } from '../lint/fixture-runs.ts';
import { buildFlow, type Flow } from '../graph/flow.ts';
import { listFiles } from '../lint/rules/mapping-files.ts';

export interface ConsumerSettings {
  readonly stream: string;
  readonly subject: string;
  readonly durable: string;
  readonly deliver: JetStreamInput['deliver'];
  readonly ackWait: string;
  readonly maxAckPending: number;
  readonly batch: number;
  readonly concurrency: number;
  readonly maxDeliver: number;
}

export interface PipelineSnapshot {
  readonly name: string;
  /** Relative to the project root. */
  readonly file: string;
  /** The document as written, `${VAR}` unresolved. */
  readonly raw: unknown;
  readonly inputKind: string;
  readonly consumer?: ConsumerSettings;
  readonly deadLetter: string;
  /** Content hashes of everything the pipeline's behaviour depends on, by path. */
  readonly inputs: Readonly<Record<string, string>>;
}

export interface Snapshot {
  /** Shown in the report: a short commit id or "working tree". */
  readonly label: string;
  readonly pipelines: ReadonlyMap<string, PipelineSnapshot>;
  readonly streams: ReadonlyMap<string, StreamDeclaration>;
  /** Canonical and partner schemas (not the generated editor schemas), parsed, by path under schemas/. */
  readonly schemas: ReadonlyMap<string, unknown>;
  readonly flow: Flow;
  readonly runs: readonly FixtureRun[];
  /** Errors that kept something from compiling, formatted, paths relative to the project root. */
  readonly errors: readonly string[];
}

export async function loadSnapshot(root: string, pipelinesRel: string, label: string, env: EnvLookup): Promise<Snapshot> {
  const project = loadProject(join(root, pipelinesRel), { env });
  const rel = (file: string): string => relative(root, resolve(process.cwd(), file)).split(sep).join('/');
  const runs = await runFixtures(project);
  const flow = buildFlow(project, runs);
  const hash = (abs: string): string => (existsSync(abs) ? createHash('sha256').update(readFileSync(abs)).digest('hex').slice(0, 16) : 'missing');
  const testsOf = new Map<string, string[]>();
  for (const { source, doc } of fixtureFiles(project)) {
    const list = testsOf.get(doc.pipeline) ?? [];
    list.push(resolve(process.cwd(), source.file));
    const dir = resolve(process.cwd(), source.file, '..');
    for (const t of doc.tests) {
      if (t.input.file) list.push(resolve(dir, t.input.file));
      for (const o of t.expect.outputs ?? []) if (o.bodyFile) list.push(resolve(dir, o.bodyFile));
    }
    testsOf.set(doc.pipeline, list);
  }
  const pipelines = new Map<string, PipelineSnapshot>();
  for (const p of project.pipelines) {
    const source = project.sources.get(p.file);
    const raw = source ? safeParse(source.text) : undefined;
    const deps = [resolve(process.cwd(), p.file), ...referencedFiles(raw, project.resources.layout.mappingsDir, project.resources.layout.schemasDir), ...(testsOf.get(p.name) ?? [])];
    const inputs = Object.fromEntries(deps.map((abs) => [relative(root, abs).split(sep).join('/'), hash(abs)]));
    const input = p.input.kind === 'jetstream' ? p.input.config : undefined;
    pipelines.set(p.name, {
      name: p.name,
      file: rel(p.file),
      raw,
      inputKind: p.input.kind,
      ...(input ? { consumer: consumerSettings(input, p.errors.maxDeliver, raw) } : {}),
      deadLetter: p.errors.deadLetter,
      inputs,
    });
  }
  const schemasDir = project.resources.layout.schemasDir;
  const schemas = new Map<string, unknown>();
  for (const file of listFiles(schemasDir, '.json')) {
    if (file.startsWith('crossdock/')) continue;
    const parsed = safeJson(readFileSync(join(schemasDir, file), 'utf8'));
    if (parsed !== undefined) schemas.set(file, parsed);
  }
  const errors = project.diagnostics
    .sorted()
    .filter((d) => d.severity === 'error')
    .map((d) => formatDiagnostic({ ...d, file: rel(d.file) }));
  return { label, pipelines, streams: new Map(project.streams.map((s) => [s.name, { ...s, file: rel(s.file) }])), schemas, flow, runs: runs.map((r) => ({ ...r, file: rel(r.file) })), errors };
}

function consumerSettings(input: JetStreamInput, maxDeliver: number, raw: unknown): ConsumerSettings {
  // ackWait as written (`30s`), not in milliseconds: reviewers compare what they wrote.
  const written = (raw as { input?: { jetstream?: { ackWait?: unknown } } } | undefined)?.input?.jetstream?.ackWait;
  return {
    stream: input.stream,
    subject: input.subject,
    durable: input.durable,
    deliver: input.deliver,
    ackWait: typeof written === 'string' ? written : `${input.ackWaitMs / 1000}s`,
    maxAckPending: input.maxAckPending,
    batch: input.batch,
    concurrency: input.concurrency,
    maxDeliver,
  };
}

/** Mapping and schema files a pipeline document names in its steps (schemas with their `$ref`s). */
function referencedFiles(raw: unknown, mappingsDir: string, schemasDir: string): string[] {
  const steps = (raw as { steps?: unknown } | undefined)?.steps;
  if (!Array.isArray(steps)) return [];
  const out: string[] = [];
  for (const step of steps) {
    if (typeof step !== 'object' || step === null) continue;
    const s = step as { map?: unknown; validate?: unknown };
    const map = typeof s.map === 'string' ? s.map : (s.map as { file?: unknown } | undefined)?.file;
    if (typeof map === 'string' && map.endsWith('.jsonata')) out.push(join(mappingsDir, map));
    const schema = typeof s.validate === 'string' ? s.validate : (s.validate as { schema?: unknown } | undefined)?.schema;
    if (typeof schema === 'string') out.push(...schemaClosure(join(schemasDir, schema)));
  }
  return out;
}

function schemaClosure(abs: string, seen = new Set<string>()): string[] {
  if (seen.has(abs)) return [];
  seen.add(abs);
  const json = existsSync(abs) ? safeJson(readFileSync(abs, 'utf8')) : undefined;
  const refs: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string' && !x.startsWith('#') && !/^[a-z]+:/i.test(x)) refs.push(resolve(abs, '..', x.split('#')[0] as string));
        else walk(x);
      }
    }
  };
  walk(json);
  return [abs, ...refs.flatMap((r) => schemaClosure(r, seen))];
}

function safeParse(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
