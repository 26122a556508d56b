import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { bootId, discardIfRebooted } from '../../runtime/config/boot-id.ts';
import { tempDir } from '../support/nats.ts';

it('keeps an unsynced file written under this boot and discards one written under another', () => {
  const boot = bootId();
  expect(boot, 'Linux exposes /proc/sys/kernel/random/boot_id').toBeDefined();
  const dir = tempDir('boot-id');
  const file = join(dir, 'x.lmdb');
  writeFileSync(file, 'pages');
  expect(discardIfRebooted(dir, file)).toEqual({ unsynced: true, discarded: true });
  // No marker yet: the file cannot be trusted to have been written under this boot.
  expect(existsSync(file)).toBe(false);
  expect(readFileSync(join(dir, 'boot-id'), 'utf8').trim()).toBe(boot);
  writeFileSync(file, 'pages');
  expect(discardIfRebooted(dir, file)).toEqual({ unsynced: true, discarded: false });
  expect(existsSync(file)).toBe(true);
  writeFileSync(join(dir, 'boot-id'), 'another-boot\n');
  writeFileSync(`${file}-lock`, '');
  discardIfRebooted(dir, file);
  expect(existsSync(file)).toBe(false);
  expect(existsSync(`${file}-lock`)).toBe(false);
});
