/**
 * The audit log inside a runner: the auditor (when this runner writes entries), the query
 * index following the AUDIT stream, and its HTTP route. Started only when the project
 * declares a stream for `audit.>`.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { AckedPublish } from '../../config/acked-publish.ts';
import type { StreamDeclaration } from '../../compile/streams.ts';
import { subjectsOverlap } from '../../config/subjects.ts';
import type { Access } from '../../http/access.ts';
import type { HttpServer } from '../../http/server.ts';
import { Auditor } from './auditor.ts';
import { AuditChain } from './chain.ts';
import { AUDITED_SUBJECTS } from './classify.ts';
import { AUDIT_PREFIX } from './entry.ts';
import { registerAuditRoutes } from './http.ts';
import { IndexFollower } from './index-follower.ts';
import { AuditIndex } from './index-store.ts';

export interface AuditServiceOptions {
  readonly js: JetStreamClient;
  /** Appends entries (the runner's: its connection's PublishAcks). */
  readonly publish: AckedPublish;
  readonly jsm: JetStreamManager;
  readonly streams: readonly StreamDeclaration[];
  readonly dataDir: string;
  readonly logger: Logger;
  /** False for the workers of a group but one: the chain would accept them, at a refused append each. */
  readonly write: boolean;
  readonly http?: { readonly server: HttpServer; readonly access: Access };
}

export interface AuditService {
  readonly auditor?: Auditor;
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

export async function startAuditService(o: AuditServiceOptions): Promise<AuditService | undefined> {
  const found = auditedStreams(o.streams);
  if (!found) return undefined;
  const index = AuditIndex.open(o.dataDir);
  const follower = new IndexFollower(o.js, index, o.logger, found.audit);
  follower.start();
  let auditor: Auditor | undefined;
  if (o.write) {
    auditor = new Auditor({ js: o.js, chain: new AuditChain(o.publish, o.jsm, found.audit), streams: found.sources, logger: o.logger });
    try {
      await auditor.start();
    } catch (err) {
      // The runner's start fails with this; leave nothing reading or open behind.
      await follower.stop();
      await index.close();
      throw err;
    }
  }
  if (o.http) registerAuditRoutes(o.http.server, index, o.http.access);
  o.logger.info({ stream: found.audit, sources: auditor ? found.sources : [] }, 'audit log started');
  return {
    ...(auditor ? { auditor } : {}),
    index,
    async stop() {
      await auditor?.stop();
      await follower.stop();
      await index.close();
    },
  };
}
