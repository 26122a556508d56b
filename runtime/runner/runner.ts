/**
 * One runner process: NATS (joined or embedded), streams, every selected pipeline, and the
 * HTTP endpoints. Start and stop are the only verbs; the CLI `run` command is a thin shell.
 */
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Project } from '../compile/project.ts';
import { startSteps, type InputDriver } from '../engine/drivers.ts';
import { driverFor } from './input-drivers.ts';
import type { RuntimeServices } from '../components/services.ts';
import { FetchHttpClient } from '../edges/http-client.ts';
import { RunnerMetrics } from '../observability/metrics.ts';
import { HttpServer } from '../http/server.ts';
import { registerHealthRoutes, type GroupHealth, type HealthSource } from '../http/health.ts';
import { connectNats } from '../transport/connection.ts';
import { publishAcksFor } from '../transport/publish-acks.ts';
import { ConnectionState } from '../transport/connection-state.ts';
import { ensureStreams } from '../transport/streams.ts';
import { startNatsServer, type NatsServer } from '../transport/nats-server.ts';
import { removeRuntimeInfo, writeRuntimeInfo } from './runtime-file.ts';
import { AvailabilityService } from '../availability/service.ts';
import { sharedSandbox } from '../expressions/sandbox.ts';
import { registerAvailabilityRoutes } from '../availability/http.ts';
import { channelRegions } from '../availability/policy.ts';
import { Access, apiKeysFromEnv } from '../http/access.ts';
import { sessionKeysFromEnv } from '../http/session.ts';
import { registerConsole, type RunningConsole } from '../console/console.ts';
import { streamCapturing } from '../operations/exceptions/workbench.ts';
import { registerRunnerHealth, type RunnerHealth } from './health-metrics.ts';
import { auditThreadPart, openAuditService, type AuditService } from '../operations/audit/service.ts';
import { ViewThread } from '../operations/view-thread.ts';
import { ExpectationService } from '../operations/expectations/service.ts';
import { registerExpectationRoutes } from '../operations/expectations/http.ts';
import { startWorkbench, type RunningWorkbench } from '../operations/exceptions/workbench.ts';
import { tracingFor } from '../observability/tracing-config.ts';
import type { Tracing } from '../observability/tracing.ts';
import { TraceService, traceScope, traceThreadPart } from '../operations/trace/service.ts';
import { registerTraceRoutes } from '../operations/trace/http.ts';
import { viewsFromEnv, type View } from './views.ts';
import { KpiService } from '../operations/kpi/service.ts';
import { kpiFacts } from '../operations/kpi/facts.ts';
import { SyncDelays } from '../operations/kpi/sync-delays.ts';
import { registerGraphRoutes } from '../graph/http.ts';

/** The change-event thread's module (runner/change-thread-entry.ts; importing it would run it). */
export const CHANGE_THREAD_ENTRY_URL = new URL('./change-thread-entry.ts', import.meta.url).href;

export interface RunnerOptions {
  readonly project: Project;
  /** NATS URL to join; omitted: start an embedded server under `dataDir`. */
  readonly natsUrl?: string;
  readonly dataDir: string;
  /** HTTP listen address; omitted: no HTTP server. */
  readonly http?: { readonly host: string; readonly port: number };
  readonly logger: Logger;
  /** How long in-flight messages may take to finish on stop. */
  readonly graceMs?: number;
  /** Set when this runner is one worker of `crossdock run --workers N`. */
  readonly worker?: WorkerRole;
  /** Operations views to fold (default: CROSSDOCK_VIEWS, which workers inherit too; see views.ts). */
  readonly views?: ReadonlySet<View>;
  /** OTLP collector base URL for spans; default OTEL_EXPORTER_OTLP_ENDPOINT; neither: no export. */
  readonly otlp?: string;
  /** Spans go here instead (tests: the SDK's in-memory exporter). */
  readonly tracing?: Tracing;
}

/**
 * A worker of a supervised group: the supervisor writes runtime.json and answers /readyz and
 * /metrics for the whole group (workers share the port, so any of them may get the request);
 * each worker folds its own availability view, since one LMDB view has one writer.
 */
export interface WorkerRole {
  readonly index: number;
  /** The folder whose `availability/` holds this worker's view. */
  readonly availabilityDataDir: string;
  readonly group: GroupHealth;
  /** Receives this worker's own health figures, for the supervisor's questions. */
  share(local: HealthSource): void;
}

export interface RunningRunner {
  readonly natsUrl: string;
  readonly http?: { readonly host: string; readonly port: number };
  readonly drivers: readonly InputDriver[];
  readonly metrics: RunnerMetrics;
  readonly trace?: TraceService;
  stop(): Promise<void>;
}

export async function startRunner(options: RunnerOptions): Promise<RunningRunner> {
  const { project, logger } = options;
  let embedded: NatsServer | undefined;
  let natsUrl = options.natsUrl;
  if (!natsUrl) {
    embedded = await startNatsServer({ storeDir: join(options.dataDir, 'nats') });
    natsUrl = embedded.url;
    logger.info({ nats: natsUrl, store: join(options.dataDir, 'nats') }, 'embedded nats-server started');
  }
  let nc: NatsConnection | undefined;
  const http = options.http ? new HttpServer(logger) : undefined;
  const drivers: InputDriver[] = [];
  const metrics = new RunnerMetrics();
  let availability: AvailabilityService | undefined;
  let healthMetrics: RunnerHealth | undefined;
  let audit: AuditService | undefined;
  let expectations: ExpectationService | undefined;
  let workbench: RunningWorkbench | undefined;
  let trace: TraceService | undefined;
  let viewThread: ViewThread | undefined;
  // Before any connection: a malformed endpoint stops the start with its reason.
  const tracing = options.tracing ?? (await tracingFor(options.otlp));
  const syncDelays = new SyncDelays();
  // Read before anything starts: a malformed CROSSDOCK_API_KEYS stops the start with its reason.
  const access = new Access(apiKeysFromEnv(), sessionKeysFromEnv());
  let opsConsole: RunningConsole | undefined;
  const views = options.views ?? viewsFromEnv();
  try {
    nc = await phase('connecting to NATS', connectNats({ url: natsUrl, name: `crossdock-runner-${process.pid}`, logger }));
    const jsm: JetStreamManager = await jetstreamManager(nc);
    for (const change of await phase('declaring the streams', ensureStreams(jsm, project.streams))) {
      if (change.action !== 'unchanged') logger.info({ stream: change.stream, fields: change.fields }, `stream ${change.action}`);
    }
    const conn = nc;
    // The connection's one acknowledgement subscription for the runner's JetStream publishes.
    const acks = publishAcksFor(conn);
    // Tracked from the start, so the stop knows whether a drain can succeed.
    const connection = ConnectionState.of(conn);
    let listening: { host: string; port: number } | undefined;
    const health: HealthSource = {
      readiness: () => drivers.map((r) => ({ name: r.pipeline.name, ready: r.ready })),
      natsConnected: () => !conn.isClosed() && conn.info !== undefined,
      metricsText: () => metrics.registry.scrape(),
    };
    options.worker?.share(health);
    if (http) registerHealthRoutes(http, health, options.worker?.group);
    if (project.availability) {
      // Caught up with the stream before any step or request can read it.
      const viewDataDir = options.worker?.availabilityDataDir ?? options.dataDir;
      // In a group every worker folds the same log, so one of them announces the changes:
      // the others' copies would be dropped by the stream's duplicate window after costing
      // a publish each. A restarted worker 0 announces what it missed as it catches up.
      const announce = options.worker === undefined || options.worker.index === 0;
      availability = await phase('the availability view', AvailabilityService.start({ nc: conn, publish: acks.publish, policy: project.availability, dataDir: viewDataDir, logger, metrics: metrics.registry, onCommit: (info) => syncDelays.record(info.warehouseEvents), ...(announce ? { changesThread: { natsUrl, logLevel: logger.level, entry: CHANGE_THREAD_ENTRY_URL } } : { changes: false }) }));
      // What came before was the catch-up at start, not a delay a channel saw.
      syncDelays.caughtUp();
      if (http) registerAvailabilityRoutes(http, availability, { access, rate: project.availability.api, regions: channelRegions(project.availability), logger, metrics: metrics.registry });
    }
    // The views that only fold streams into files run on a thread of their own: the trace index
    // (beside the availability view: in a group each worker folds its own copy, one writer per
    // file) and the audit log (one worker of a group writes entries; every runner may, the chain
    // keeps one order).
    const traceDataDir = options.worker?.availabilityDataDir ?? options.dataDir;
    const traceStart = views.has('trace') ? traceThreadPart(traceScope(project.streams, project.layout.schemasDir), traceDataDir) : undefined;
    const auditStart = views.has('audit') ? auditThreadPart(project.streams, options.dataDir, options.worker === undefined || options.worker.index === 0) : undefined;
    if (traceStart || auditStart) {
      viewThread = await phase('the views thread', ViewThread.start({ natsUrl, logLevel: logger.level, ...(traceStart ? { trace: traceStart } : {}), ...(auditStart ? { audit: auditStart } : {}) }, logger));
      if (auditStart) audit = openAuditService({ dataDir: options.dataDir, ...(http ? { http: { server: http, access } } : {}) });
      if (traceStart) {
        trace = TraceService.open(traceDataDir);
        if (http) registerTraceRoutes(http, access, (key) => (trace as TraceService).journey(key));
      }
    }
    if (project.expectations && views.has('expectations')) {
      // Each runner (and worker) folds its own view and arms its own timer; the exception's
      // message id lets JetStream keep one copy however many raise it.
      const viewDataDir = options.worker?.availabilityDataDir ?? options.dataDir;
      expectations = await phase('the expectations view', ExpectationService.start({ nc: conn, set: project.expectations, streams: project.streams, dataDir: viewDataDir, logger, metrics: metrics.registry, runner: `pid ${process.pid}` }));
      if (http) registerExpectationRoutes(http, expectations, access);
    }
    // Exceptions as work items, and the dead-letter API; each process folds its own view.
    if (views.has('workbench')) workbench = await phase('the exceptions workbench', startWorkbench({ streams: project.streams, js: jetstream(conn), jsm, dataDir: options.worker?.availabilityDataDir ?? options.dataDir, logger, metrics: metrics.registry, ...(http ? { http: { server: http, access } } : {}) }));
    const kpis = new KpiService(
      kpiFacts({
        ...(expectations && project.expectations ? { expectations: expectations.store, expectationNames: project.expectations.expectations.map((e) => e.name) } : {}),
        ...(workbench?.view ? { workbench: workbench.view } : {}),
        ...(trace ? { trace: trace.db } : {}),
        ...(project.availability ? { syncDelays } : { syncDelaysMissing: 'the project has no availability policy' }),
      }),
    );
    kpis.registerMetrics(metrics.registry);
    if (http) kpis.registerRoutes(http, access);
    if (http) {
      const dlqStream = streamCapturing(project.streams, 'dlq.any');
      opsConsole = registerConsole(http, access, {
        metrics,
        pipelines: project.pipelines.map((p) => p.name),
        logger,
        kpis,
        ...(workbench?.view ? { exceptions: workbench.view } : {}),
        ...(dlqStream ? { deadLetters: async () => ((s) => ({ count: s.messages, lastId: s.last_seq }))((await jsm.streams.info(dlqStream)).state) } : {}),
      });
    }
    // The flow graph, laid out on its first request.
    if (http) registerGraphRoutes(http, access, project);
    const services: RuntimeServices = { http: new FetchHttpClient(), ...(availability ? { availability } : {}) };
    for (const p of project.pipelines) await startSteps(p, services);
    for (const p of project.pipelines) {
      const r = driverFor(p, { nc: conn, jsm, logger, metrics: metrics.forPipeline(p.name), dataDir: options.dataDir, services, tracing, ...(http ? { http } : {}) });
      await phase(`pipeline ${p.name}`, r.start());
      drivers.push(r);
    }
    healthMetrics = registerRunnerHealth(metrics.registry, { nc: conn, jsm, pipelines: project.pipelines, drivers, reportConsumers: (options.worker?.index ?? 0) === 0 });
    // Listen last: every driver and service has registered its routes by now.
    if (http && options.http) {
      listening = await http.listen(options.http.host, options.http.port);
      logger.info({ http: `${listening.host}:${listening.port}` }, 'http listening');
    }
    // A worker's supervisor writes the file, once, for the whole group.
    if (!options.worker) {
      writeRuntimeInfo(options.dataDir, {
        pid: process.pid,
        natsUrl,
        embedded: embedded !== undefined,
        ...(listening ? { http: `${listening.host}:${listening.port}` } : {}),
        startedAt: new Date().toISOString(),
      });
    }
    logger.info({ pipelines: drivers.map((r) => r.pipeline.name) }, options.worker ? 'worker ready' : 'runner ready');
    // The expression worker loads now, at low priority, not when the first runaway needs it.
    if (drivers.length > 0) sharedSandbox().warm();
    let stopping: Promise<void> | undefined;
    const url = natsUrl;
    const ownMetrics = healthMetrics;
    return {
      natsUrl: url,
      ...(listening ? { http: listening } : {}),
      drivers,
      metrics,
      ...(trace ? { trace } : {}),
      stop() {
        // Open event streams would hold the HTTP server's close for its grace period.
        opsConsole?.stop();
        stopping ??= shutdown(drivers, conn, connection, http, embedded, options, logger, availability, audit, expectations, workbench, { trace, tracing, viewThread }).finally(() => ownMetrics.stop());
        return stopping;
      },
    };
  } catch (err) {
    opsConsole?.stop();
    healthMetrics?.stop();
    await Promise.allSettled(drivers.map((r) => r.stop(0)));
    await availability?.stop().catch(() => undefined);
    await viewThread?.stop().catch(() => undefined);
    await audit?.stop().catch(() => undefined);
    await expectations?.stop().catch(() => undefined);
    await workbench?.stop().catch(() => undefined);
    await trace?.stop().catch(() => undefined);
    await tracing.shutdown().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await http?.close();
    await embedded?.stop();
    throw err;
  }
}

/**
 * How long each step after the in-flight work may take. They take milliseconds with NATS up;
 * with NATS gone they would wait for a reconnect that may never come, and the runner must
 * still exit.
 */
export const CLOSE_STEP_MS = 2000;

async function shutdown(
  drivers: readonly InputDriver[],
  nc: NatsConnection,
  connection: ConnectionState,
  http: HttpServer | undefined,
  embedded: NatsServer | undefined,
  options: RunnerOptions,
  logger: Logger,
  availability?: AvailabilityService,
  audit?: AuditService,
  expectations?: ExpectationService,
  workbench?: RunningWorkbench,
  observing?: { trace: TraceService | undefined; tracing: Tracing; viewThread: ViewThread | undefined },
): Promise<void> {
  const graceMs = options.graceMs ?? 10_000;
  logger.info({ graceMs }, 'stopping: no new messages, finishing in-flight work');
  const results = await Promise.all(drivers.map((r) => r.stop(graceMs)));
  const unfinished = results.reduce((n, r) => n + r.unfinished, 0);
  // Its last change events go out while the connection is still up.
  if (availability) {
    const stopping = availability.stop().then(
      () => true,
      (err: unknown) => {
        logger.error({ err }, 'availability service did not stop cleanly');
        return true;
      },
    );
    if (!(await within(stopping, CLOSE_STEP_MS))) logger.warn({ ms: CLOSE_STEP_MS }, 'availability service did not stop in time; closing anyway');
  }
  // The views thread's last appends and commits go out on its own connection; then the readers close.
  if (observing?.viewThread && !(await within(observing.viewThread.stop().then(() => true, () => true), CLOSE_STEP_MS * 2))) logger.warn({ ms: CLOSE_STEP_MS * 2 }, 'views thread did not stop in time; closing anyway');
  await audit?.stop().catch(() => undefined);
  if (expectations && !(await within(expectations.stop().then(() => true, () => true), CLOSE_STEP_MS))) logger.warn({ ms: CLOSE_STEP_MS }, 'expectations did not stop in time; closing anyway');
  if (workbench && !(await within(workbench.stop().then(() => true, () => true), CLOSE_STEP_MS))) logger.warn({ ms: CLOSE_STEP_MS }, 'exceptions workbench did not stop in time; closing anyway');
  // What the trace index missed it folds at the next start.
  await within(observing?.trace?.stop().catch((err: unknown) => logger.error({ err }, 'trace index did not stop cleanly')) ?? Promise.resolve(), CLOSE_STEP_MS);
  // Spans still buffered go to the collector while the process lives.
  await within(observing?.tracing.shutdown().catch(() => undefined) ?? Promise.resolve(), CLOSE_STEP_MS);
  // drain() flushes the acks still in the outgoing buffer, and needs the server to answer.
  // close() ends the reconnect attempts, which would otherwise keep the process alive.
  const drained = connection.connected && (await within(nc.drain().then(() => true, () => false), CLOSE_STEP_MS));
  if (!drained) {
    if (connection.connected) logger.warn({ ms: CLOSE_STEP_MS }, 'nats connection did not drain; closing it');
    await within(nc.close().catch(() => undefined), CLOSE_STEP_MS);
  }
  await http?.close();
  if (embedded) await embedded.stop(CLOSE_STEP_MS);
  // Every pipeline has stopped, so no evaluation is waiting on the expression worker.
  await sharedSandbox().stop();
  removeRuntimeInfo(options.dataDir, process.pid);
  logger.info({ unfinished }, 'stopped');
}

/** `work`'s result, or undefined once `ms` have passed (the timer does not outlive the race). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A start step whose failure names the step: "cannot start: timeout" told an operator nothing
 * of which of a dozen JetStream requests had timed out.
 */
async function phase<T>(what: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof Error && !err.message.startsWith(`${what}: `)) err.message = `${what}: ${err.message}`;
    throw err;
  }
}
