/**
 * The audit log inside a runner. The auditor (when this runner writes entries) and the index
 * following the AUDIT stream run on the views thread (operations/view-thread.ts); the runner
 * reads the index to answer GET /v1/audit. Started only when the project declares a stream for
 * `audit.>`.
 */
import type { StreamDeclaration } from '../../compile/streams.ts';
import { subjectsOverlap } from '../../config/subjects.ts';
import type { Access } from '../../http/access.ts';
import type { HttpServer } from '../../http/server.ts';
import type { ViewThreadStart } from '../view-thread.ts';
import { AUDITED_SUBJECTS } from './classify.ts';
import { AUDIT_PREFIX } from './entry.ts';
import { registerAuditRoutes } from './http.ts';
import { AuditIndex } from './index-store.ts';

export interface AuditService {
  readonly index: AuditIndex;
  stop(): Promise<void>;
}

/** The streams holding audited subjects; undefined when no stream captures `audit.>`. */
export function auditedStreams(streams: readonly StreamDeclaration[]): { audit: string; sources: string[] } | undefined {
  const audit = streams.find((s) => s.subjects.some((x) => subjectsOverlap(x, `${AUDIT_PREFIX}.>`)));
  if (!audit) return undefined;
  const sources = streams.filter((s) => s !== audit && s.subjects.some((x) => AUDITED_SUBJECTS.some((a) => subjectsOverlap(x, a)))).map((s) => s.name);
  return { audit: audit.name, sources };
}

/**
 * What the views thread folds for the audit log; undefined when the project has no audit stream.
 * `write`: false for the workers of a group but one (the chain would accept them, at a refused
 * append each).
 */
export function auditThreadPart(streams: readonly StreamDeclaration[], dataDir: string, write: boolean): ViewThreadStart['audit'] {
  const found = auditedStreams(streams);
  return found ? { dataDir, stream: found.audit, sources: found.sources, write } : undefined;
}

/** The index the views thread writes, opened to read, and its route. */
export function openAuditService(o: { dataDir: string; http?: { readonly server: HttpServer; readonly access: Access } }): AuditService {
  const index = AuditIndex.open(o.dataDir, { reader: true });
  if (o.http) registerAuditRoutes(o.http.server, index, o.http.access);
  return { index, stop: () => index.close() };
}
