/**
 * Who produces and who consumes which subjects: pipeline outputs (with their subjects worked
 * out statically where the expressions allow, and as observed in fixture runs), duplicate
 * reports, dead letters, pipeline inputs, the availability view, and the outside systems of
 * the streams file's `external:` section. Lint checks capture and consumption on it,
 * `crossdock graph` draws it and `crossdock plan` compares it between revisions.
 */
import type { Project } from '../compile/project.ts';
import type { CompiledPipeline } from '../compile/pipeline.ts';
import { compileExternals, type ExternalSubject } from '../compile/streams.ts';
import type { JetStreamInput, DeliverPolicy } from '../components/inputs/jetstream.ts';
import type { HttpInput } from '../components/inputs/http.ts';
import { parse } from 'yaml';
import type { Path } from '../spec/yaml-source.ts';
import { subjectContains, subjectsOverlap } from '../spec/subjects.ts';
import { staticSubjects } from './static-subjects.ts';
import type { FixtureRun } from './fixture-runs.ts';

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

/** Where a pipeline's messages come from when it does not consume a stream, or where they leave to. */
export interface Edge {
  readonly pipeline: string;
  readonly kind: 'http-in' | 'files-in' | 'http-call' | 'files-out';
  /** Human label: `POST /webhooks/shopify`, the folder, the service URL. */
  readonly label: string;
  /** Output name (files-out) or step name (http-call). */
  readonly name?: string;
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

export function buildFlow(project: Project, runs: readonly FixtureRun[] = []): Flow {
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  const edges: Edge[] = [];
  for (const p of project.pipelines) {
    const doc = docOf(project, p);
    producers.push(...outputProducers(p, doc, runs));
    producers.push({ pipeline: p.name, file: p.file, role: 'dead-letter', path: ['errors', 'deadLetter'], patterns: [p.errors.deadLetter], complete: true, observed: [] });
    edges.push(...pipelineEdges(p, rawDocOf(project, p)));
    if (p.input.kind === 'jetstream') {
      const input = p.input.config as JetStreamInput;
      consumers.push({ kind: 'pipeline', pipeline: p.name, file: p.file, stream: input.stream, subjects: [input.subject], durable: input.durable, deliver: input.deliver });
    }
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

type Doc = { outputs?: Record<string, Record<string, Record<string, unknown>>>; steps?: Record<string, unknown>[] };

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

function outputProducers(p: CompiledPipeline, doc: Doc, runs: readonly FixtureRun[]): Producer[] {
  const out: Producer[] = [];
  const mine = runs.filter((r) => r.pipeline === p.name);
  for (const [name, slot] of Object.entries(doc.outputs ?? {})) {
    const config = slot.jetstream;
    if (!config) continue;
    const seen = (pick: (e: { output: string; subject: string; duplicateSubject?: string }) => string | undefined): string[] => {
      const set = new Set<string>();
      for (const r of mine) {
        if (r.outcome.kind !== 'emit') continue;
        for (const e of r.outcome.emissions) {
          if (e.output !== name) continue;
          const s = pick(e);
          if (s !== undefined) set.add(s);
        }
      }
      return [...set].sort();
    };
    const subjectExpr = typeof config.subject === 'string' ? config.subject : '';
    const st = staticSubjects(subjectExpr) ?? { patterns: [], complete: false };
    out.push({ pipeline: p.name, file: p.file, output: name, role: 'output', expression: subjectExpr, path: ['outputs', name, 'jetstream', 'subject'], patterns: st.patterns, complete: st.complete, observed: seen((e) => e.subject) });
    if (typeof config.duplicate === 'string') {
      const dt = staticSubjects(config.duplicate) ?? { patterns: [], complete: false };
      out.push({ pipeline: p.name, file: p.file, output: name, role: 'duplicate', expression: config.duplicate, path: ['outputs', name, 'jetstream', 'duplicate'], patterns: dt.patterns, complete: dt.complete, observed: seen((e) => e.duplicateSubject) });
    }
  }
  return out;
}

function pipelineEdges(p: CompiledPipeline, doc: Doc): Edge[] {
  const edges: Edge[] = [];
  if (p.input.kind === 'http') {
    const input = p.input.config as HttpInput;
    edges.push({ pipeline: p.name, kind: 'http-in', label: `${input.method} ${input.path}` });
  } else if (p.input.kind === 'files') {
    const input = (doc as { input?: { files?: { dir?: string; pattern?: string } } }).input?.files;
    edges.push({ pipeline: p.name, kind: 'files-in', label: `${input?.dir ?? '?'}/${input?.pattern ?? '*'}` });
  }
  for (const step of doc.steps ?? []) {
    const http = step.http as { name?: string; url?: string } | undefined;
    if (http && typeof http === 'object') edges.push({ pipeline: p.name, kind: 'http-call', label: http.url ?? '?', name: http.name ?? 'http' });
  }
  for (const [name, slot] of Object.entries(doc.outputs ?? {})) {
    const file = slot.file as { dir?: string } | undefined;
    if (file) edges.push({ pipeline: p.name, kind: 'files-out', label: String(file.dir ?? '?'), name });
  }
  return edges;
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
