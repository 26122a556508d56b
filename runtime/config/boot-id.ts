/**
 * The host's boot id, for LMDB files written without fsync: a process crash loses nothing (the
 * pages are in the OS's cache), but a file last written before the host restarted may be torn,
 * so such a file is removed and rebuilt from its stream. Where there is no boot id to read,
 * callers sync every commit instead.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = 'boot-id';

export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes `file` (and its lock) when it was written under another boot than this one, and
 * records this boot beside it. `unsynced`: commits to it may skip fsync (a boot id is known);
 * `discarded`: a file was there and is gone.
 */
export function discardIfRebooted(dir: string, file: string): { readonly unsynced: boolean; readonly discarded: boolean } {
  const boot = bootId();
  if (boot === undefined) return { unsynced: false, discarded: false };
  const marker = join(dir, MARKER);
  const writtenUnder = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
  let discarded = false;
  if (existsSync(file) && writtenUnder !== boot) {
    rmSync(file, { force: true });
    rmSync(`${file}-lock`, { force: true });
    discarded = true;
  }
  writeFileSync(marker, boot + '\n');
  return { unsynced: true, discarded };
}
