/**
 * A real `nats-server -js` per test file, on a free port with a temporary store. Tests never
 * touch a server they did not start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServer } from '../../runtime/transport/nats-server.ts';

export interface TestNats {
  readonly server: NatsServer;
  readonly url: string;
  readonly storeDir: string;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Stops the server (keeping its store) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `crossdock-${prefix}-`));
}

export async function startTestNats(): Promise<TestNats> {
  const storeDir = tempDir('nats');
  let server = await startNatsServer({ storeDir });
  const url = server.url;
  const port = server.port;
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const t: TestNats = {
    get server() {
      return server;
    },
    url,
    storeDir,
    nc,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    async restart(downMs = 500) {
      await server.stop();
      await new Promise((r) => setTimeout(r, downMs));
      server = await startNatsServer({ storeDir, port });
    },
    async close() {
      await nc.close().catch(() => undefined);
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
  return t;
}

export function hdrs(record: Record<string, string>): ReturnType<typeof natsHeaders> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(record)) h.set(k, v);
  return h;
}

/** Every message stored on `subject` in `stream`, read by sequence (no consumer state left behind). */
export async function readStream(jsm: JetStreamManager, stream: string, subject?: string): Promise<{ seq: number; subject: string; headers: Record<string, string>; body: string }[]> {
  const info = await jsm.streams.info(stream);
  const out: { seq: number; subject: string; headers: Record<string, string>; body: string }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!m || (subject && m.subject !== subject)) continue;
    const headers: Record<string, string> = {};
    if (m.header) for (const [k, v] of m.header) headers[k] = v.join(',');
    out.push({ seq: m.seq, subject: m.subject, headers, body: new TextDecoder().decode(m.data) });
  }
  return out;
}

export async function streamCount(jsm: JetStreamManager, stream: string): Promise<number> {
  try {
    return (await jsm.streams.info(stream)).state.messages;
  } catch {
    return 0;
  }
}

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
