/**
 * An embedded `nats-server -js` child process, so one command runs the whole system on a
 * laptop and tests run against the real server. The store lives in a folder the caller owns.
 *
 * The server runs in a process group of its own. Ctrl-C in a terminal signals the whole
 * foreground group; a server in the runner's group would die at once, before the runner had
 * acknowledged its in-flight messages, and leave the runner's last acks and its connection
 * close waiting on a server that is gone. Its own group must not let it outlive the runner,
 * though: a small shell between the two holds a pipe from the runner and stops the server when
 * the pipe closes, which the kernel does however the runner ends, SIGKILL included.
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
  /** The nats-server process itself. */
  readonly pid: number;
  /** Graceful stop (SIGTERM), waiting for exit; SIGKILL if it has not exited after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** Hard stop (SIGKILL), waiting for exit. */
  kill(): Promise<void>;
  readonly exited: Promise<number | null>;
}

/**
 * Runs `$0 "$@"` and stops it (SIGTERM) when standard input closes. An asynchronous list gets
 * /dev/null for standard input, so the pipe is kept on fd 3 for the watcher; the server gets
 * neither. The server's pid goes to stderr first, for the caller to report.
 */
const WATCHER = [
  'exec 3<&0',
  '"$0" "$@" </dev/null 3<&- &',
  'server=$!',
  'echo "crossdock-nats-server-pid $server" >&2',
  '{ read -r _ <&3; kill -TERM "$server" 2>/dev/null; } &',
  'watcher=$!',
  'exec 3<&- </dev/null',
  'wait "$server"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** The shell's answer when it cannot find or execute the binary. */
const NOT_FOUND = 127;
const NOT_EXECUTABLE = 126;

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
  const watched = process.platform !== 'win32';
  const child = watched
    ? spawn('/bin/sh', ['-c', WATCHER, binary, ...args], { detached: true, stdio: ['pipe', 'ignore', 'pipe'] })
    : spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const killGroup = (): void => {
    if (!running()) return;
    try {
      // The shell leads the group: the server and the watcher go with it.
      if (watched && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
  };
  const ready = await waitForReady(child, binary, options.startTimeoutMs ?? 15_000, options.onLog, killGroup).catch((err: unknown) => {
    killGroup();
    throw err;
  });
  const stop = async (timeoutMs = 5000): Promise<void> => {
    if (running()) {
      if (watched) child.stdin?.end();
      else child.kill('SIGTERM');
    }
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
    clearTimeout(timer);
    if (late) killGroup();
    await exited;
  };
  return {
    url: `nats://${host}:${ready.port}`,
    port: ready.port,
    pid: ready.pid ?? child.pid ?? -1,
    stop,
    kill: async () => {
      // The server first, so the shell reaps it (a killed shell would leave it to init as a
      // zombie); the group as well, in case the shell is stuck.
      if (watched && ready.pid !== undefined && running()) {
        try {
          process.kill(ready.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        const timer = setTimeout(killGroup, 1000);
        await exited;
        clearTimeout(timer);
      }
      killGroup();
      await exited;
    },
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

function waitForReady(child: ChildProcess, binary: string, timeoutMs: number, onLog: ((line: string) => void) | undefined, kill: () => void): Promise<{ port: number; pid: number | undefined }> {
  return new Promise((resolve, reject) => {
    let port: number | undefined;
    let pid: number | undefined;
    let buffered = '';
    const log: string[] = [];
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`nats-server did not become ready within ${timeoutMs} ms:\n${log.slice(-10).join('\n')}`));
    }, timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new NatsServerNotFound(binary) : err);
    });
    const onEarlyExit = (code: number | null): void => {
      clearTimeout(timer);
      if (code === NOT_FOUND || code === NOT_EXECUTABLE) reject(new NatsServerNotFound(binary));
      else reject(new Error(`nats-server exited with code ${code} before it was ready:\n${log.slice(-10).join('\n')}`));
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
        const p = /^crossdock-nats-server-pid (\d+)$/.exec(line);
        if (p) {
          pid = Number(p[1]);
          continue;
        }
        onLog?.(line);
        const m = /Listening for client connections on [^\s]*:(\d+)/.exec(line);
        if (m) port = Number(m[1]);
        if (line.includes('Server is ready') && port !== undefined) {
          clearTimeout(timer);
          child.off('exit', onEarlyExit);
          resolve({ port, pid });
        }
      }
    });
  });
}
