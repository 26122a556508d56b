/**
 * `<data>/runtime.json`: where a running `crossdock run` can be reached, so `publish`, `tail`
 * and `dlq` in another terminal find the embedded NATS server without flags.
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RuntimeInfo {
  readonly pid: number;
  readonly natsUrl: string;
  readonly embedded: boolean;
  readonly http?: string;
  readonly startedAt: string;
  /** `crossdock run --workers N` (N > 1): `pid` is the supervisor's. */
  readonly workers?: number;
}

export function runtimeFile(dataDir: string): string {
  return join(dataDir, 'runtime.json');
}

export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(runtimeFile(dataDir), JSON.stringify(info, null, 2) + '\n');
}

export function removeRuntimeInfo(dataDir: string, pid: number): void {
  const current = readRuntimeInfo(dataDir);
  if (current && current.pid === pid) rmSync(runtimeFile(dataDir), { force: true });
}

/** The info of a runner that is still alive, or undefined. */
export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  let info: RuntimeInfo;
  try {
    info = JSON.parse(readFileSync(runtimeFile(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    return undefined;
  }
  try {
    process.kill(info.pid, 0);
  } catch {
    return undefined;
  }
  return info;
}
