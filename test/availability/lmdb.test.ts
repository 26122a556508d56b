/** The LMDB view on real files: batches with their sequence, lookup records, and a restarted host. */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtpDb, atpDir } from '../../runtime/availability/lmdb-store.ts';
import { applyEvent } from '../../runtime/availability/fold.ts';
import { decodeEvent } from '../../runtime/availability/events.ts';
import { MemoryStore } from '../../runtime/availability/state.ts';
import { tempDir } from '../support/nats.ts';
import { POLICY, T0, ev, policyOf } from './helpers.ts';

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

it('empties a view written in the layout before the reservation ledger, to rebuild it from the stream', async () => {
  const dir = tempDir('atp-lmdb');
  const db = AtpDb.open(dir);
  fill(db, 1, 5);
  db.meta.putSync('format', 1);
  await db.close();
  const after = AtpDb.open(dir);
  expect(after.reformatted).toBe(true);
  expect(after.lastSeq).toBe(0);
  expect(after.lookup.size).toBe(0);
  await after.close();
  const again = AtpDb.open(dir);
  expect(again.reformatted).toBe(false);
  await again.close();
});

it('folds in LMDB transactions exactly as in memory: totals, ledger lines, expiry index', () => {
  const MIN = 60_000;
  const id = fc.constantFrom('r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7');
  const expires = fc.option(fc.integer({ min: 1, max: 30 }).map((m) => T0 + m * MIN), { nil: undefined });
  const line = fc.record({ sku: fc.constantFrom('S1', 'S2'), location: fc.constantFrom('A', 'B'), quantity: fc.integer({ min: 1, max: 4 }) });
  const one = fc.oneof(
    fc.tuple(id, fc.array(line, { minLength: 1, maxLength: 3 }), expires).map(([i, lines, e]) => ev.reservation(i, lines, e === undefined ? {} : { expiresAt: e })),
    fc.tuple(id, fc.constantFrom('S1', 'S2'), fc.integer({ min: 1, max: 9 }), expires).map(([i, sku, q, e]) => ev.request(`q${i}`, 'web', [{ sku, quantity: q }], e === undefined ? {} : { expiresAt: e })),
    fc.tuple(id, fc.boolean()).map(([i, c]) => (c ? ev.consumed(i) : ev.released(`q${i}`))),
    fc.tuple(fc.constantFrom('S1', 'S2'), fc.constantFrom('A', 'B'), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 9 })).map(([sku, l, n, v]) => ev.position(sku, l, n, v)),
  );
  const enc = new TextEncoder();
  fc.assert(
    fc.property(fc.array(one, { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }), (events, cuts) => {
      const dir = tempDir('atp-lmdb-fold');
      const db = AtpDb.open(dir);
      const mem = new MemoryStore();
      const decoded = events.map(([subject, body]) => decodeEvent(subject, enc.encode(JSON.stringify(body))));
      // Two minutes of stream time per event: expiries fall inside batches and between them.
      decoded.forEach((e, i) => applyEvent(mem, e, { seq: i + 1, time: T0 + i * 2 * MIN }, policy));
      let seq = 0;
      for (let c = 0; seq < decoded.length; c++) {
        const to = Math.min(decoded.length, seq + (cuts[c % cuts.length] as number));
        db.transact((batch) => {
          for (; seq < to; seq++) applyEvent(batch, decoded[seq]!, { seq: seq + 1, time: T0 + seq * 2 * MIN }, policy);
          return to;
        });
      }
      for (const s of ['S1', 'S2']) {
        expect(db.skus.get(s)).toEqual(mem.sku(s));
        for (const l of ['A', 'B']) expect(db.lines(s, l)).toEqual(mem.lines(s, l));
      }
      expect([...db.expiries.getKeys()].map((k) => ({ at: k[0], id: k[1] }))).toEqual(mem.due(Infinity));
      expect(db.sweptAt()).toBe(mem.sweptAt());
      for (const [k, r] of mem.reservations) expect(db.reservations.get(k), k).toEqual(r);
      void db.close();
    }),
    { numRuns: 60 },
  );
});
