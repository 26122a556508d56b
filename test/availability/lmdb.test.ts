/** The LMDB view on real files: batches with their sequence, lookup records, and a restarted host. */
import { expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtpDb, atpDir } from '../../runtime/availability/lmdb-store.ts';
import { applyEvent } from '../../runtime/availability/fold.ts';
import { tempDir } from '../support/nats.ts';
import { POLICY, policyOf } from './helpers.ts';

const policy = policyOf(POLICY);

function fill(db: AtpDb, from: number, to: number): void {
  db.transact((batch) => {
    for (let seq = from; seq <= to; seq++) applyEvent(batch, { type: 'position', sku: `S${seq % 3}`, location: 'B', onHand: seq, committed: 0, version: seq, asOf: 0 }, { seq, time: 0 }, policy);
    return to;
  });
}

it('keeps figures, lookup records and the last sequence together across a reopen', async () => {
  const dir = tempDir('atp-lmdb');
  const db = AtpDb.open(dir);
  fill(db, 1, 9);
  expect(db.lastSeq).toBe(9);
  expect(db.skus.get('S0')!.locations.B!.onHand).toBe(9);
  await db.close();
  const again = AtpDb.open(dir);
  expect(again.discarded).toBe(false);
  expect(again.lastSeq).toBe(9);
  expect([...again.lookup.keys()].sort()).toEqual(['S0', 'S1', 'S2']);
  expect(again.lookup.get('S0')![2]).toBe(9); // the base figure at B
  await again.close();
});

it('discards a view written before the host restarted (commits are not fsynced)', async () => {
  const dir = tempDir('atp-lmdb');
  const db = AtpDb.open(dir);
  fill(db, 1, 5);
  await db.close();
  writeFileSync(join(atpDir(dir), 'boot-id'), 'another-boot\n');
  const after = AtpDb.open(dir);
  expect(after.discarded).toBe(true);
  expect(after.lastSeq).toBe(0);
  expect(after.lookup.size).toBe(0);
  await after.close();
});
