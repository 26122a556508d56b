/** `crossdock run` as a child process, as an operator would start it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './project.ts';
import { tempDir } from './nats.ts';

export interface RunnerProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** Resolves with the HTTP port once the runner logged 'runner ready'. */
  readonly ready: Promise<{ httpPort: number | undefined }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  metrics(): Promise<Record<string, number>>;
}

export const BIN = join(REPO, 'runtime/cli/bin.mjs');

// A test that fails or times out must not leave runners behind to disturb the next one.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** `options.dataDir`: a crashed runner's data folder, to start it again as its host would. */
export function startRunnerProcess(pipelinesDir: string, natsUrl: string, extraArgs: readonly string[] = [], options: { dataDir?: string } = {}): RunnerProcess {
  const dataDir = options.dataDir ?? tempDir('runner');
  const child = spawn(process.execPath, [BIN, 'run', '--pipelines', pipelinesDir, '--nats', natsUrl, '--data', dataDir, '--http', '127.0.0.1:0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NATS_URL: '' },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  let httpPort: number | undefined;
  const ready = new Promise<{ httpPort: number | undefined }>((resolve, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    const onData = (chunk: string): void => {
      out += chunk;
      const m = /"http":"[^"]*:(\d+)"/.exec(out);
      if (m) httpPort = Number(m[1]);
      if (out.includes('"msg":"runner ready"')) resolve({ httpPort });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: string) => (out += c));
    child.once('exit', (code) => reject(new Error(`runner exited (${code}) before ready:\n${out}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  ready.catch(() => undefined);
  return {
    child,
    dataDir,
    ready,
    exited,
    output: () => out,
    async metrics() {
      const { httpPort: port } = await ready;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const values: Record<string, number> = {};
      for (const line of text.split('\n')) {
        const m = /^(crossdock_[a-z_]+)\{[^}]*\} ([0-9.e+-]+)$/.exec(line);
        if (m && !m[1]!.endsWith('_bucket')) values[m[1]!] = (values[m[1]!] ?? 0) + Number(m[2]);
      }
      return values;
    },
  };
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: { ...process.env, ...(options.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
