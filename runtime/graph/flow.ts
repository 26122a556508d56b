/**
 * Who produces and who consumes which subjects: pipeline outputs (with their subjects worked
 * out statically where the expressions allow, and as observed in fixture runs), duplicate
 * reports, dead letters, pipeline inputs, the availability view, and the outside systems of
 * the streams file's `external:` section. Lint checks capture and consumption on it,
 * `crossdock graph` and the runner's `/v1/graph` draw it, and `crossdock plan` compares it
 * between revisions.
 */
import type { Project } from '../compile/project.ts';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import { compileExternals, type ExternalSubject } from '../compile/streams.ts';
import type { DeliverPolicy, Footprint, SystemTouch } from '../components/types.ts';
import { registry } from '../components/registry.ts';
import { parse } from 'yaml';
import type { Path } from '../config/yaml-source.ts';
import { subjectContains, subjectsOverlap } from '../config/subjects.ts';
import { staticSubjects } from './static-subjects.ts';

/**
 * What the flow reads from a fixture run: which subjects an output was seen publishing. The
 * fixture runs themselves (runtime/lint/fixture-runs.ts) sit above this layer; theirs is this
 * shape and more.
 */
export interface ObservedRun {
  readonly pipeline: string;
  /** `emit` outcomes carry their emissions; other kinds (drop, fail, not-run) publish nothing. */
  readonly outcome: { readonly kind: string; readonly emissions?: readonly { readonly output: string; readonly subject: string; readonly duplicateSubject?: string }[] };
}

export type ProducerRole = 'output' | 'duplicate' | 'dead-letter' | 'availability';

export interface Producer {
  /** Pipeline name; `availability` for the availability view. */
  readonly pipeline: string;
  readonly file: string;
  /** Output name (for outputs and duplicates). */
  readonly output?: string;
  readonly role: ProducerRole;
  /** The subject expression as written (outputs and duplicates). */
  readonly expression?: string;
  /** Where the subject is written in the file, for diagnostics. */
  readonly path: Path;
  /** Subject patterns worked out without a message. */
  readonly patterns: readonly string[];
  /** False when some branch of the expression cannot be worked out statically. */
  readonly complete: boolean;
  /** Concrete subjects seen in fixture runs. */
  readonly observed: readonly string[];
}

export interface Consumer {
  readonly kind: 'pipeline' | 'availability';
  readonly pipeline: string;
  readonly file: string;
  readonly stream: string;
  /** Filter subject (or every subject of the stream for the availability view). */
  readonly subjects: readonly string[];
  readonly durable?: string;
  readonly deliver?: DeliverPolicy;
}

/** Where a pipeline's messages come from when it does not consume a stream, or where they leave to: a component's system touch. */
export interface Edge extends SystemTouch {
  readonly pipeline: string;
}

export interface Flow {
  readonly producers: readonly Producer[];
  readonly consumers: readonly Consumer[];
  readonly externals: readonly ExternalSubject[];
  readonly edges: readonly Edge[];
}

// The availability view publishes change events here (runtime/availability/changes.ts).
const AVAILABILITY_CHANGES = 'availability.*.*';

/** Every `external:` entry of the project's streams files. */
export function projectExternals(project: Project): ExternalSubject[] {
  const out: ExternalSubject[] = [];
  for (const source of project.sources.values()) {
    const v = source.value;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && 'streams' in v) out.push(...compileExternals(source));
  }
  return out;
}

export function buildFlow(project: Project, runs: readonly ObservedRun[] = []): Flow {
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  const edges: Edge[] = [];
  for (const p of project.pipelines) {
    const doc = docOf(project, p);
    producers.push(...outputProducers(p, doc, runs));
    producers.push({ pipeline: p.name, file: p.file, role: 'dead-letter', path: ['errors', 'deadLetter'], patterns: [p.errors.deadLetter], complete: true, observed: [] });
    edges.push(...footprints(rawDocOf(project, p)).flatMap(({ footprint }) => (footprint.systems ?? []).map((t) => ({ pipeline: p.name, ...t }))));
    const reads = p.input.reads;
    if (reads) consumers.push({ kind: 'pipeline', pipeline: p.name, file: p.file, stream: reads.stream, subjects: [reads.subject], durable: reads.durable, deliver: reads.deliver });
  }
  const policy = project.availability;
  if (policy) {
    const stream = project.streams.find((s) => s.name === policy.stream);
    consumers.push({ kind: 'availability', pipeline: 'availability', file: policy.file, stream: policy.stream, subjects: stream?.subjects ?? [] });
    if (policy.changes.enabled) {
      producers.push({ pipeline: 'availability', file: policy.file, role: 'availability', path: ['availability', 'changes'], patterns: [AVAILABILITY_CHANGES], complete: true, observed: [] });
    }
  }
  return { producers, consumers, externals: projectExternals(project), edges };
}

type Doc = { input?: unknown; outputs?: Record<string, unknown>; steps?: unknown[] };

function docOf(project: Project, p: CompiledPipeline): Doc {
  return (project.sources.get(p.file)?.value ?? {}) as Doc;
}

/**
 * The document as written, `${VAR}` references unresolved: edge labels (folders, URLs) are
 * printed, and values from the environment are never printed.
 */
function rawDocOf(project: Project, p: CompiledPipeline): Doc {
  try {
    // The file already loaded, so its keys are known to be unique; yaml's check for that is
    // quadratic in a map's size.
    return (parse(project.sources.get(p.file)?.text ?? '', { uniqueKeys: false }) ?? {}) as Doc;
  } catch {
    return {};
  }
}

function outputProducers(p: CompiledPipeline, doc: Doc, runs: readonly ObservedRun[]): Producer[] {
  const out: Producer[] = [];
  const mine = runs.filter((r) => r.pipeline === p.name);
  const seen = (name: string, pick: (e: { output: string; subject: string; duplicateSubject?: string }) => string | undefined): string[] => {
    const set = new Set<string>();
    for (const r of mine) {
      if (r.outcome.kind !== 'emit') continue;
      for (const e of r.outcome.emissions ?? []) {
        if (e.output !== name) continue;
        const s = pick(e);
        if (s !== undefined) set.add(s);
      }
    }
    return [...set].sort();
  };
  for (const { path, name, footprint } of footprints(doc)) {
    if (name === undefined) continue;
    for (const w of footprint.publishes ?? []) {
      const st = staticSubjects(w.expression) ?? { patterns: [], complete: false };
      const observed = seen(name, (e) => (w.role === 'duplicate' ? e.duplicateSubject : e.subject));
      out.push({ pipeline: p.name, file: p.file, output: name, role: w.role, expression: w.expression, path: [...path, ...w.at], patterns: st.patterns, complete: st.complete, observed });
    }
  }
  return out;
}

/**
 * Every component of a pipeline document with its spec's footprint: the input, each step,
 * each output (with its name). Only compiled pipelines get here, so every configuration has
 * passed its kind's schema.
 */
function footprints(doc: Doc): { path: Path; name?: string; footprint: Footprint }[] {
  const out: { path: Path; name?: string; footprint: Footprint }[] = [];
  const add = (specs: ReadonlyMap<string, { readonly footprint?: ((config: unknown, name: string) => Footprint) | undefined }>, slot: unknown, path: Path, name?: string): void => {
    if (typeof slot !== 'object' || slot === null || Array.isArray(slot)) return;
    const [kind, config] = Object.entries(slot)[0] ?? [];
    const spec = kind === undefined ? undefined : specs.get(kind);
    if (!spec?.footprint || config === undefined) return;
    out.push({ path: [...path, kind as string], ...(name === undefined ? {} : { name }), footprint: spec.footprint(config, name ?? '') });
  };
  add(registry.inputs, doc.input, ['input']);
  (doc.steps ?? []).forEach((step, i) => add(registry.steps, step, ['steps', i]));
  for (const [name, slot] of Object.entries(doc.outputs ?? {})) add(registry.outputs, slot, ['outputs', name], name);
  return out;
}

/** Every subject pattern or concrete subject a producer is known to publish. */
export function producedSubjects(p: Producer): string[] {
  return [...new Set([...p.patterns, ...p.observed])];
}

/** The static patterns, and the subjects seen in fixtures that no pattern already covers. */
export function distinctSubjects(p: Producer): string[] {
  return producedSubjects(p).filter((s) => p.patterns.includes(s) || !p.patterns.some((x) => subjectContains(x, s)));
}

/** Consumers (pipelines, the availability view, outside systems) that read some of `subject`. */
export function consumersOf(flow: Flow, subject: string): { pipelines: Consumer[]; externals: ExternalSubject[] } {
  return {
    pipelines: flow.consumers.filter((c) => c.subjects.some((s) => subjectsOverlap(s, subject))),
    externals: flow.externals.filter((e) => e.direction !== 'produced' && subjectsOverlap(e.subject, subject)),
  };
}

/** Producers (pipelines, outside systems) that publish some of `subject`. */
export function producersOf(flow: Flow, subject: string): { producers: Producer[]; externals: ExternalSubject[] } {
  return {
    producers: flow.producers.filter((p) => producedSubjects(p).some((s) => subjectsOverlap(s, subject))),
    externals: flow.externals.filter((e) => e.direction !== 'consumed' && subjectsOverlap(e.subject, subject)),
  };
}
