/**
 * A real three-node `nats-server -js` cluster on loopback for the cluster tests: each node with
 * its own client, route and monitoring port and its own store folder, so a node can be
 * SIGKILLed and started again on the same ports and store, as a crashed host would come back.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServer } from '../../runtime/transport/nats-server.ts';
import { tempDir, waitFor } from './nats.ts';

export interface ClusterNode {
  readonly name: string;
  readonly url: string;
  readonly clientPort: number;
  readonly routePort: number;
  readonly httpPort: number;
  readonly storeDir: string;
  /** The running server, or undefined while the node is down. */
  readonly server: NatsServer | undefined;
}

export interface TestCluster {
  readonly nodes: readonly ClusterNode[];
  /** Every node's URL, for clients that should fail over. */
  readonly urls: string;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** SIGKILL: no shutdown, no flush, as a crashed host. */
  kill(name: string): Promise<void>;
  /** Graceful stop (SIGTERM), as a rolling upgrade does. */
  stop(name: string): Promise<void>;
  /** Starts a stopped node on its ports and store. */
  start(name: string): Promise<void>;
  /** The server name leading `stream`'s Raft group. */
  streamLeader(stream: string): Promise<string | undefined>;
  /** Resolves once every node is up, a meta leader exists and every node reports healthy. */
  healthy(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A free TCP port: the kernel picks one, the listener closes, the port is handed on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface JszReply {
  readonly meta_cluster?: { readonly leader?: string; readonly cluster_size?: number };
}

async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as T;
  } catch {
    return undefined;
  }
}

export async function startTestCluster(size = 3): Promise<TestCluster> {
  const root = tempDir('cluster');
  const clusterName = `crossdock-${process.pid}`;
  const specs: { name: string; clientPort: number; routePort: number; httpPort: number; storeDir: string }[] = [];
  const taken = new Set<number>();
  // Distinct ports even if the kernel hands the same one out twice in a row.
  const port = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) return taken.add(p), p;
    }
  };
  for (let i = 1; i <= size; i++) {
    specs.push({ name: `n${i}`, clientPort: await port(), routePort: await port(), httpPort: await port(), storeDir: join(root, `n${i}`) });
  }
  const servers = new Map<string, NatsServer | undefined>();
  const args = (name: string): string[] => {
    const me = specs.find((s) => s.name === name)!;
    const routes = specs.filter((s) => s !== me).map((s) => `nats://127.0.0.1:${s.routePort}`);
    return ['--server_name', me.name, '--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${me.routePort}`, '--routes', routes.join(','), '-m', String(me.httpPort)];
  };
  const startNode = async (name: string): Promise<void> => {
    const s = specs.find((x) => x.name === name);
    if (!s) throw new Error(`no node ${name}`);
    servers.set(name, await startNatsServer({ storeDir: s.storeDir, port: s.clientPort, args: args(name), startTimeoutMs: 30_000 }));
  };
  try {
    // Concurrently: a node logs ready before it has peers, so the order does not matter.
    await Promise.all(specs.map((s) => startNode(s.name)));
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s?.kill()));
    throw err;
  }

  const healthy = async (timeoutMs = 60_000): Promise<void> => {
    await waitFor('a healthy cluster with a JetStream meta leader', async () => {
      for (const s of specs) {
        if (!servers.get(s.name)) return false;
        // /healthz on 2.9 answers ok only once the node is current with the meta leader and
        // every stream and consumer replica it holds has caught up.
        const h = await getJson<{ status?: string }>(`http://127.0.0.1:${s.httpPort}/healthz`);
        if (h?.status !== 'ok') return false;
        const jsz = await getJson<JszReply>(`http://127.0.0.1:${s.httpPort}/jsz`);
        if (!jsz?.meta_cluster?.leader || jsz.meta_cluster.cluster_size !== size) return false;
      }
      return true;
    }, timeoutMs, 200);
  };
  let nc: NatsConnection | undefined;
  try {
    await healthy();
    nc = await connect({ servers: specs.map((s) => `nats://127.0.0.1:${s.clientPort}`), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s?.kill()));
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });

  const nodes = specs.map((s) => ({
    ...s,
    url: `nats://127.0.0.1:${s.clientPort}`,
    get server() {
      return servers.get(s.name);
    },
  }));
  const down = async (name: string, how: 'kill' | 'stop'): Promise<void> => {
    const server = servers.get(name);
    if (!server) throw new Error(`node ${name} is not running`);
    servers.set(name, undefined);
    await (how === 'kill' ? server.kill() : server.stop(10_000));
  };
  return {
    nodes,
    urls: nodes.map((n) => n.url).join(','),
    nc,
    js: jetstream(nc, { timeout: 10_000 }),
    jsm,
    kill: (name) => down(name, 'kill'),
    stop: (name) => down(name, 'stop'),
    start: startNode,
    async streamLeader(stream) {
      return (await jsm.streams.info(stream)).cluster?.leader;
    },
    healthy,
    async close() {
      await nc.close().catch(() => undefined);
      await Promise.all([...servers.values()].map((s) => s?.kill()));
      servers.clear();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
