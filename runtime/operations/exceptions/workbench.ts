/**
 * The exceptions workbench in a runner: its view folded from the project's EXCEPTIONS and
 * WORKBENCH streams, its metrics, and (with an HTTP server) its routes and the dead-letter
 * routes. A project that declares no stream for `workbench.>` runs without it.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { StreamDeclaration } from '../../compile/streams.ts';
import type { HttpServer } from '../../http/server.ts';
import type { Access } from '../../http/access.ts';
import type { MetricsRegistry } from '../../observability/metrics.ts';
import { WorkbenchView } from './view.ts';
import { registerExceptionRoutes } from './http.ts';
import { registerDeadLetterRoutes } from '../dead-letters-http.ts';
import { auditedOperatorActions, unrecordedOperatorActions, type OperatorActionLog } from '../operator-actions.ts';

export interface WorkbenchOptions {
  readonly streams: readonly StreamDeclaration[];
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** The folder whose `exceptions/` holds this process's view. */
  readonly dataDir: string;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly http?: { readonly server: HttpServer; readonly access: Access };
  readonly recordAction?: OperatorActionLog;
}

export interface RunningWorkbench {
  readonly view?: WorkbenchView;
  stop(): Promise<void>;
}

/** Whether a declared subject pattern captures `subject` (NATS wildcards `*` and `>`). */
export function captures(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

export function streamCapturing(streams: readonly StreamDeclaration[], subject: string): string | undefined {
  return streams.find((d) => d.subjects.some((p) => captures(p, subject)))?.name;
}

export async function startWorkbench(o: WorkbenchOptions): Promise<RunningWorkbench> {
  const exceptionsStream = streamCapturing(o.streams, 'exceptions.any.any');
  const workbenchStream = streamCapturing(o.streams, 'workbench.exceptions.1');
  const dlqStream = streamCapturing(o.streams, 'dlq.any');
  const auditStream = streamCapturing(o.streams, 'audit.operator-action.any');
  const recordAction = o.recordAction ?? (auditStream ? auditedOperatorActions(o.js, o.jsm, auditStream) : unrecordedOperatorActions);
  if (o.http && dlqStream) registerDeadLetterRoutes(o.http.server, { access: o.http.access, js: o.js, jsm: o.jsm, stream: dlqStream, recordAction, logger: o.logger });
  if (!exceptionsStream || !workbenchStream) {
    if (exceptionsStream) o.logger.info('no stream captures workbench.>: the exceptions workbench is off');
    return { stop: async () => undefined };
  }
  const view = await WorkbenchView.start({ js: o.js, jsm: o.jsm, dataDir: o.dataDir, exceptionsStream, workbenchStream, logger: o.logger });
  o.metrics.add({ render: () => view.metricsText() });
  if (o.http) registerExceptionRoutes(o.http.server, { view, access: o.http.access, js: o.js, jsm: o.jsm, exceptionsStream, workbenchStream, recordAction, logger: o.logger });
  return { view, stop: () => view.stop() };
}
