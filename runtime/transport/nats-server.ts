/**
 * An embedded `nats-server -js` child process, so one command runs the whole system on a
 * laptop and tests run against the real server. The store lives in a folder the caller owns.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export interface NatsServerOptions {
  /** JetStream store folder (created if missing). */
  readonly storeDir: string;
  readonly host?: string;
  /** Client port; omitted: a free one chosen by the server. */
  readonly port?: number;
  readonly binary?: string;
  /** Extra arguments (e.g. `--http_port`). */
  readonly args?: readonly string[];
  readonly startTimeoutMs?: number;
  /** Receives every line the server logs. */
  readonly onLog?: (line: string) => void;
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Graceful stop (SIGTERM), waiting for exit. */
  stop(): Promise<void>;
  /** Hard stop (SIGKILL), waiting for exit. */
  kill(): Promise<void>;
  readonly exited: Promise<number | null>;
}

export class NatsServerNotFound extends Error {
  constructor(binary: string) {
    super(
      `cannot start the embedded NATS server: '${binary}' was not found on PATH.\n` +
        `Install it (Debian/Ubuntu: sudo apt-get install nats-server; macOS: brew install nats-server;\n` +
        `others: https://github.com/nats-io/nats-server/releases), or point Crossdock at a running\n` +
        `server with --nats nats://HOST:4222 or NATS_URL.`,
    );
    this.name = 'NatsServerNotFound';
  }
}

export async function startNatsServer(options: NatsServerOptions): Promise<NatsServer> {
  const binary = options.binary ?? findBinary();
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.storeDir, { recursive: true });
  const args = ['-js', '-sd', options.storeDir, '-a', host, '-p', String(options.port ?? -1), ...(options.args ?? [])];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await waitForReady(child, binary, options.startTimeoutMs ?? 15_000, options.onLog);
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url: `nats://${host}:${port}`,
    port,
    pid: child.pid ?? -1,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    exited,
  };
}

/** CROSSDOCK_NATS_SERVER names the binary; otherwise PATH, plus /usr/sbin where Debian installs it. */
function findBinary(): string {
  const override = process.env.CROSSDOCK_NATS_SERVER;
  if (override) return override;
  const path = (process.env.PATH ?? '').split(':');
  if (!path.includes('/usr/sbin')) process.env.PATH = [...path, '/usr/sbin'].join(':');
  return 'nats-server';
}

function waitForReady(child: ChildProcess, binary: string, timeoutMs: number, onLog?: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let port: number | undefined;
    let buffered = '';
    const log: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not become ready within ${timeoutMs} ms:\n${log.slice(-10).join('\n')}`));
    }, timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new NatsServerNotFound(binary) : err);
    });
    const onEarlyExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with code ${code} before it was ready:\n${log.slice(-10).join('\n')}`));
    };
    child.once('exit', onEarlyExit);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        // Keep reading after ready (a full pipe would block the server) but remember little.
        log.push(line);
        if (log.length > 50) log.shift();
        onLog?.(line);
        const m = /Listening for client connections on [^\s]*:(\d+)/.exec(line);
        if (m) port = Number(m[1]);
        if (line.includes('Server is ready') && port !== undefined) {
          clearTimeout(timer);
          child.off('exit', onEarlyExit);
          resolve(port);
        }
      }
    });
  });
}
