/**
 * Support for the availability integration tests: streams on a test nats-server, services on
 * real LMDB files in temporary folders, publishing inventory events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { Diagnostics } from '../../runtime/config/diagnostics.ts';
import { parseYamlSource } from '../../runtime/config/yaml-source.ts';
import { compileStreams } from '../../runtime/compile/streams.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { publishAcksFor } from '../../runtime/transport/publish-acks.ts';
import { AvailabilityService, type AvailabilityOptions } from '../../runtime/availability/service.ts';
import type { AvailabilityPolicy } from '../../runtime/availability/policy.ts';
import { tempDir } from '../support/nats.ts';
import { BIN } from '../support/runner-process.ts';

export const STREAMS_YAML = `streams:
  INVENTORY: { subjects: [inventory.>], duplicateWindow: 10m }
  AVAILABILITY: { subjects: [availability.>] }
  CHANNELS: { subjects: [channel.>] }
  ERP: { subjects: [erp.>] }
  EXCEPTIONS: { subjects: [exceptions.>] }
  DLQ: { subjects: [dlq.>] }
`;

export async function ensureTestStreams(jsm: JetStreamManager): Promise<void> {
  const diags = new Diagnostics();
  const source = parseYamlSource('streams.yaml', STREAMS_YAML, diags, () => undefined);
  await ensureStreams(jsm, compileStreams(source!, diags));
}

export const quietLogger = pino({ level: 'silent' });

export interface Replica {
  readonly service: AvailabilityService;
  readonly nc: NatsConnection;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** An availability service with its own connection and data folder, as one runner has. */
export async function startReplica(url: string, policy: AvailabilityPolicy, options: Partial<AvailabilityOptions> & { dataDir?: string } = {}): Promise<Replica> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  const dataDir = options.dataDir ?? tempDir('atp');
  const service = await AvailabilityService.start({ nc, policy, dataDir, logger: quietLogger, publish: publishAcksFor(nc).publish, ...options });
  return {
    service,
    nc,
    dataDir,
    async stop() {
      await service.stop();
      await nc.drain();
    },
  };
}

/** Publishes events in order, each acknowledged before the next (the stream order is the call order). */
export async function publishAll(js: JetStreamClient, events: readonly (readonly [string, unknown])[]): Promise<number> {
  let seq = 0;
  for (const [subject, body] of events) seq = (await js.publish(subject, JSON.stringify(body))).seq;
  return seq;
}

/** `crossdock run` as a child process on a data folder the caller keeps across restarts. */
export function runnerIn(pipelinesDir: string, natsUrl: string, dataDir: string): { child: ChildProcess; ready: Promise<number>; exited: Promise<NodeJS.Signals | number | null>; output: () => string } {
  const child = spawn(process.execPath, [BIN, 'run', '--pipelines', pipelinesDir, '--nats', natsUrl, '--data', dataDir, '--http', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NATS_URL: '' } });
  live.add(child);
  let out = '';
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => (live.delete(child), resolve(signal ?? code))));
  const ready = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const port = /"http":"[^"]*:(\d+)"/.exec(out)?.[1];
      if (port && out.includes('"msg":"runner ready"')) resolve(Number(port));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    void exited.then((how) => reject(new Error(`runner exited (${String(how)}) before ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => out };
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.exitCode === null) c.kill('SIGKILL');
});
