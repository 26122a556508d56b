/** Stream declarations (streams YAML) → the settings the transport creates or updates. */
import type { Diagnostics } from '../config/diagnostics.ts';
import type { YamlSource } from '../config/yaml-source.ts';
import { parseDuration } from '../config/durations.ts';
import { subjectsOverlap } from '../config/subjects.ts';
import { checkShape } from './shape.ts';
import { streamsSchema } from './spec-schemas.ts';

export interface StreamDeclaration {
  readonly name: string;
  readonly file: string;
  readonly description?: string;
  readonly subjects: readonly string[];
  readonly storage: 'file' | 'memory';
  readonly retention: 'limits' | 'interest' | 'workqueue';
  readonly maxAgeMs?: number;
  readonly maxBytes?: number;
  readonly maxMsgs?: number;
  readonly maxMsgSize?: number;
  readonly duplicateWindowMs: number;
  readonly replicas: number;
  readonly discard: 'old' | 'new';
  /** Append-only: the server refuses deleting messages / purging (the audit log). */
  readonly denyDelete: boolean;
  readonly denyPurge: boolean;
  /** Whether the trace index folds it (business documents: yes, the default; inventory events: no). */
  readonly trace?: boolean;
}

interface StreamDoc {
  description?: string;
  subjects: string[];
  storage?: 'file' | 'memory';
  retention?: 'limits' | 'interest' | 'workqueue';
  maxAge?: string;
  maxBytes?: number;
  maxMsgs?: number;
  maxMsgSize?: number;
  duplicateWindow?: string;
  replicas?: number;
  discard?: 'old' | 'new';
  denyDelete?: boolean;
  denyPurge?: boolean;
  trace?: boolean;
}

export function compileStreams(source: YamlSource, diags: Diagnostics): StreamDeclaration[] {
  if (!checkShape(source, streamsSchema, source.value, [], diags, 'streams')) return [];
  const doc = source.value as { streams: Record<string, StreamDoc> };
  return Object.entries(doc.streams).map(([name, s]) => ({
    name,
    file: source.file,
    ...(s.description === undefined ? {} : { description: s.description }),
    subjects: s.subjects,
    storage: s.storage ?? 'file',
    retention: s.retention ?? 'limits',
    ...(s.maxAge === undefined ? {} : { maxAgeMs: parseDuration(s.maxAge) }),
    ...(s.maxBytes === undefined ? {} : { maxBytes: s.maxBytes }),
    ...(s.maxMsgs === undefined ? {} : { maxMsgs: s.maxMsgs }),
    ...(s.maxMsgSize === undefined ? {} : { maxMsgSize: s.maxMsgSize }),
    duplicateWindowMs: parseDuration(s.duplicateWindow ?? '2m'),
    replicas: s.replicas ?? 1,
    discard: s.discard ?? 'old',
    denyDelete: s.denyDelete ?? false,
    denyPurge: s.denyPurge ?? false,
    trace: s.trace ?? true,
  }));
}

/** A subject pattern read or written by a system outside Crossdock (the `external:` section). */
export interface ExternalSubject {
  readonly subject: string;
  readonly direction: 'consumed' | 'produced' | 'both';
  readonly system: string;
  readonly description: string;
  readonly file: string;
  /** Index in the file's `external:` list, for positions. */
  readonly index: number;
}

/**
 * The `external:` section of a streams file. compileStreams has already checked its shape
 * (same schema) and reported mistakes, so entries that do not fit are skipped silently here.
 */
export function compileExternals(source: YamlSource): ExternalSubject[] {
  const doc = source.value as { external?: unknown };
  if (!Array.isArray(doc.external)) return [];
  const out: ExternalSubject[] = [];
  doc.external.forEach((e: unknown, index) => {
    if (typeof e !== 'object' || e === null) return;
    const { subject, direction, system, description } = e as Record<string, unknown>;
    if (typeof subject !== 'string' || typeof system !== 'string' || typeof description !== 'string') return;
    if (direction !== 'consumed' && direction !== 'produced' && direction !== 'both') return;
    out.push({ subject, direction, system, description, file: source.file, index });
  });
  return out;
}

/**
 * JetStream refuses two streams whose subjects overlap; say so at load, naming both, rather
 * than when the runner starts against a server.
 */
export function checkStreamSet(streams: readonly StreamDeclaration[], sources: ReadonlyMap<string, YamlSource>, diags: Diagnostics): void {
  const seen = new Map<string, StreamDeclaration>();
  for (const s of streams) {
    const src = sources.get(s.file);
    const first = seen.get(s.name);
    if (first && src) {
      diags.error(s.file, src.locate(['streams', s.name], 'key'), 'stream-duplicate', `stream '${s.name}' is declared twice (also in ${first.file})`);
      continue;
    }
    seen.set(s.name, s);
  }
  const list = [...seen.values()];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i] as StreamDeclaration;
      const b = list[j] as StreamDeclaration;
      for (const sa of a.subjects) {
        for (const sb of b.subjects) {
          if (!subjectsOverlap(sa, sb)) continue;
          const src = sources.get(b.file);
          const idx = b.subjects.indexOf(sb);
          if (src) diags.error(b.file, src.locate(['streams', b.name, 'subjects', idx]), 'stream-overlap', `subject '${sb}' of stream ${b.name} overlaps '${sa}' of stream ${a.name}`);
        }
      }
    }
  }
}
