/** Where a client command finds NATS: --nats, NATS_URL, or the embedded server of a running runner (or, to rebuild a view, its stopped store). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { readRuntimeInfo } from '../runner/runtime-file.ts';
import { connectNats } from '../transport/connection.ts';
import { startNatsServer, NatsServerNotFound, type NatsServer } from '../transport/nats-server.ts';
import { CommandError } from './command.ts';

export function clientNatsUrl(flagValue: string | undefined, dataDir: string): string {
  if (flagValue) return flagValue;
  if (process.env.NATS_URL) return process.env.NATS_URL;
  const info = readRuntimeInfo(dataDir);
  if (info) return info.natsUrl;
  throw new CommandError(
    `no NATS server to talk to: pass --nats nats://HOST:4222, set NATS_URL, or start \`crossdock run\` in this folder (it records its embedded server in ${dataDir}/runtime.json).`,
  );
}

/**
 * NATS for rebuilding a view offline from its streams: refused while a runner uses the data
 * folder (it writes the view); --nats or NATS_URL, or else the embedded server's store in the
 * folder, started for the rebuild. `close` drains the connection and stops what was started.
 */
export async function rebuildNats(flagValue: string | undefined, dataDir: string, view: string, name: string): Promise<{ nc: NatsConnection; close(): Promise<void> }> {
  const running = readRuntimeInfo(dataDir);
  if (running) throw new CommandError(`a runner (pid ${running.pid}) is using ${dataDir}: stop it before rebuilding its ${view}`);
  let embedded: NatsServer | undefined;
  let url = flagValue ?? process.env.NATS_URL;
  if (!url) {
    const store = join(dataDir, 'nats');
    if (!existsSync(store)) throw new CommandError(`no NATS server to read from: pass --nats URL, set NATS_URL, or run in the folder whose ${store} holds the embedded server's streams`);
    try {
      embedded = await startNatsServer({ storeDir: store });
    } catch (err) {
      if (err instanceof NatsServerNotFound) throw new CommandError(err.message);
      throw err;
    }
    url = embedded.url;
  }
  const target = url;
  const nc = await connectNats({ url: target, name, connectTimeoutMs: 5000 }).catch(async (err: unknown) => {
    await embedded?.stop();
    throw new CommandError(`cannot connect to NATS at ${target}: ${(err as Error).message}`);
  });
  return {
    nc,
    async close() {
      await nc.drain().catch(() => undefined);
      await embedded?.stop();
    },
  };
}
