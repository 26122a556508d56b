/**
 * A project: every YAML file in the pipelines folder, classified (pipeline, streams, fixture
 * tests), compiled and cross-checked. All mistakes of a load are collected, never just the first.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Diagnostics } from '../config/diagnostics.ts';
import { parseYamlSource, type YamlSource } from '../config/yaml-source.ts';
import { processEnv, type EnvLookup } from '../config/env.ts';
import { subjectsOverlap } from '../config/subjects.ts';
import type { CompileOptions } from '../expressions/jsonata.ts';
import { compilePipeline, type CompiledPipeline } from './pipeline.ts';
import { compileStreams, checkStreamSet, type StreamDeclaration } from './streams.ts';
import { ProjectResources, displayPath, layoutFor, type ProjectLayout } from './resources.ts';
import type { AvailabilityPolicy } from '../availability/policy.ts';
import { compileAvailabilityPolicy, checkAvailabilityStreams } from './availability-policy.ts';
import { compileExpectations, checkExpectationStreams, type ExpectationSet } from './expectations.ts';

export interface LoadOptions {
  readonly env?: EnvLookup;
  /** Only these pipelines (by name) are compiled. */
  readonly only?: readonly string[];
  readonly compile?: CompileOptions;
}

export interface Project {
  readonly layout: ProjectLayout;
  readonly pipelines: readonly CompiledPipeline[];
  readonly streams: readonly StreamDeclaration[];
  /** The availability policy (a file with a top-level `availability:` key), when the project has one. */
  readonly availability?: AvailabilityPolicy;
  /** Business SLA timers (a file with a top-level `expectations:` key), when the project has them. */
  readonly expectations?: ExpectationSet;
  /** Fixture test files (`*.test.yaml`), parsed but not yet run. */
  readonly testFiles: readonly YamlSource[];
  readonly sources: ReadonlyMap<string, YamlSource>;
  readonly resources: ProjectResources;
  readonly diagnostics: Diagnostics;
}

export function isYamlFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

export function isTestFile(name: string): boolean {
  return /\.test\.ya?ml$/.test(name);
}

export function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (isYamlFile(name)) out.push(abs);
    }
  };
  walk(dir);
  return out;
}

export function loadProject(pipelinesDir: string, options: LoadOptions = {}): Project {
  const layout = layoutFor(resolve(pipelinesDir));
  const diags = new Diagnostics();
  const resources = new ProjectResources(layout, options.compile ?? {});
  const env = options.env ?? processEnv;
  const sources = new Map<string, YamlSource>();
  const pipelineSources: YamlSource[] = [];
  const testFiles: YamlSource[] = [];
  const streams: StreamDeclaration[] = [];
  const policySources: YamlSource[] = [];
  const expectationSources: YamlSource[] = [];

  if (!existsSync(layout.pipelinesDir)) {
    diags.error(displayPath(layout.pipelinesDir), { line: 1, col: 1 }, 'no-pipelines', 'pipelines folder not found');
    return { layout, pipelines: [], streams, testFiles, sources, resources, diagnostics: diags };
  }

  for (const abs of listYamlFiles(layout.pipelinesDir)) {
    const file = displayPath(abs);
    const source = parseYamlSource(file, readFileSync(abs, "utf8"), diags, env);
    if (!source) continue;
    sources.set(file, source);
    const value = source.value;
    if (isTestFile(abs)) {
      testFiles.push(source);
    } else if (isRecord(value) && 'pipeline' in value) {
      pipelineSources.push(source);
    } else if (isRecord(value) && 'streams' in value) {
      streams.push(...compileStreams(source, diags));
    } else if (isRecord(value) && 'availability' in value) {
      policySources.push(source);
    } else if (isRecord(value) && 'expectations' in value) {
      expectationSources.push(source);
    } else {
      diags.error(file, { line: 1, col: 1 }, 'unknown-document', 'not a Crossdock file: expected a top-level `pipeline:` or `streams:` key (fixture tests end in .test.yaml)');
    }
  }
  checkStreamSet(streams, sources, diags);
  let availability: AvailabilityPolicy | undefined;
  for (const source of policySources) {
    if (policySources[0] !== source) {
      diags.error(source.file, source.locate(['availability'], 'key'), 'availability-duplicate', `a project has one availability policy (the first is ${policySources[0]!.file})`);
      continue;
    }
    availability = compileAvailabilityPolicy(source, diags);
    if (availability) checkAvailabilityStreams(availability, streams, source, diags);
  }
  let expectations: ExpectationSet | undefined;
  for (const source of expectationSources) {
    if (expectationSources[0] !== source) {
      diags.error(source.file, source.locate(['expectations'], 'key'), 'expectations-duplicate', `a project has one expectations file (the first is ${expectationSources[0]!.file})`);
      continue;
    }
    expectations = compileExpectations(source, diags, resources.compileOptions);
    if (expectations) checkExpectationStreams(expectations, streams, source, diags);
  }

  const only = options.only && options.only.length > 0 ? new Set(options.only) : undefined;
  const pipelines: CompiledPipeline[] = [];
  const names = new Map<string, YamlSource>();
  for (const source of pipelineSources) {
    const name = (source.value as { pipeline?: unknown }).pipeline;
    if (typeof name === 'string') {
      const first = names.get(name);
      if (first) {
        diags.error(source.file, source.locate(['pipeline']), 'duplicate-pipeline', `duplicate pipeline name '${name}' (also in ${first.file}:${first.locate(['pipeline']).line})`);
        continue;
      }
      names.set(name, source);
      if (only && !only.has(name)) continue;
    }
    const compiled = compilePipeline(source, resources, diags);
    if (compiled) pipelines.push(compiled);
  }
  if (only) {
    for (const name of only) {
      if (!names.has(name)) diags.error(displayPath(layout.pipelinesDir), { line: 1, col: 1 }, 'unknown-pipeline', `no pipeline named '${name}' (known: ${[...names.keys()].sort().join(', ')})`);
    }
  }
  crossCheck(pipelines, streams, sources, diags);
  return { layout, pipelines, streams, ...(availability ? { availability } : {}), ...(expectations ? { expectations } : {}), testFiles, sources, resources, diagnostics: diags };
}

/** Checks that need every pipeline and stream at once. */
function crossCheck(pipelines: readonly CompiledPipeline[], streams: readonly StreamDeclaration[], sources: ReadonlyMap<string, YamlSource>, diags: Diagnostics): void {
  const durables = new Map<string, CompiledPipeline>();
  const routes = new Map<string, CompiledPipeline>();
  for (const p of pipelines) {
    const src = sources.get(p.file);
    if (!src) continue;
    if (streams.length > 0 && !streams.some((s) => s.subjects.some((sub) => subjectsOverlap(sub, p.errors.deadLetter)))) {
      diags.error(p.file, src.locate(['errors', 'deadLetter']), 'dead-letter-uncaptured', `dead-letter subject '${p.errors.deadLetter}' is not captured by any stream; dead letters would be lost`);
    }
    // Inputs say what they claim (a route, a durable on a stream); the checks need no kind.
    const kindPath = (field: string): (string | number)[] => ['input', p.input.kind, field];
    const serves = p.input.serves;
    if (serves) {
      const key = `${serves.method} ${serves.path}`;
      const other = routes.get(key);
      if (other) diags.error(p.file, src.locate(kindPath('path')), 'http-path-shared', `${key} is already served by pipeline '${other.name}'`);
      else routes.set(key, p);
    }
    const input = p.input.reads;
    if (!input) continue;
    const stream = streams.find((s) => s.name === input.stream);
    if (!stream) {
      diags.error(p.file, src.locate(kindPath('stream')), 'stream-unknown', `stream '${input.stream}' is not declared in any streams file (declared: ${streams.map((s) => s.name).join(', ') || 'none'})`);
    } else if (!stream.subjects.some((s) => subjectsOverlap(s, input.subject))) {
      diags.error(p.file, src.locate(kindPath('subject')), 'subject-outside-stream', `subject '${input.subject}' is not captured by stream ${stream.name} (subjects: ${stream.subjects.join(', ')})`);
    }
    const key = `${input.stream}/${input.durable}`;
    const other = durables.get(key);
    if (other) {
      diags.error(p.file, src.locate(kindPath('durable')), 'durable-shared', `durable consumer '${input.durable}' on ${input.stream} is also used by pipeline '${other.name}'; they would take each other's messages`);
    } else {
      durables.set(key, p);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
