/** Where a client command finds NATS: --nats, NATS_URL, or the embedded server of a running runner. */
import { readRuntimeInfo } from '../runner/runtime-file.ts';
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
