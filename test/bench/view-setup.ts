/**
 * The set-up the availability benches share: a two-location, one-channel policy (change
 * events on or off), its streams on a fresh nats-server with a temporary store, and a close
 * that removes it all.
 */
import { join } from 'node:path';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer } from '../../runtime/transport/nats-server.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import type { AvailabilityPolicy } from '../../runtime/availability/policy.ts';
import { tempDir } from '../support/nats.ts';

export interface BenchView {
  readonly root: string;
  readonly policy: AvailabilityPolicy;
  readonly nc: NatsConnection;
  close(): Promise<void>;
}

/** `changes` is the policy's `changes:` value, e.g. `{ enabled: false }` or `{ debounce: 5ms }`. */
export async function startBenchView(name: string, changes: string): Promise<BenchView> {
  const root = tempDir(name);
  const dir = join(root, 'project', 'pipelines');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'streams.yaml'), 'streams:\n  INVENTORY: { subjects: [inventory.>], duplicateWindow: 10m }\n  AVAILABILITY: { subjects: [availability.>], maxAge: 1h }\n');
  writeFileSync(join(dir, 'availability.yaml'), `availability:\n  locations: { D1: {}, D2: {} }\n  channels:\n    web: { locations: [D1, D2] }\n  changes: ${changes}\n`);
  const project = loadProject(dir);
  const server = await startNatsServer({ storeDir: join(root, 'nats') });
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  await ensureStreams(await jetstreamManager(nc), project.streams);
  return {
    root,
    policy: project.availability as AvailabilityPolicy,
    nc,
    async close() {
      await nc.close().catch(() => undefined);
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
