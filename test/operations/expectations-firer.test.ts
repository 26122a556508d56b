/**
 * The deadline timer: each deadline is raised once, on time, even while earlier ones wait for
 * the exceptions stream to come back (the case that once delayed the next deadline by a
 * second); a failed raise is tried again.
 */
import { expect, it } from 'vitest';
import { DeadlineFirer } from '../../runtime/operations/expectations/firer.ts';
import type { Entry } from '../../runtime/operations/expectations/store.ts';

function due(deadlines: number[]): { entries: Entry[]; nextDeadline: () => number | undefined; dueBy: (now: number, limit: number) => Entry[] } {
  const entries: Entry[] = deadlines.map((d, i) => ({ name: 'sla', key: `k${i}`, record: { deadline: d, whenAt: d - 1000, keys: {}, labels: {} } }));
  return {
    entries,
    nextDeadline: () => entries[0]?.record.deadline,
    dueBy: (now, limit) => entries.filter((e) => (e.record.deadline as number) <= now).slice(0, limit),
  };
}

it('raises each deadline once and on time while earlier ones are not yet folded back', async () => {
  const start = Date.now();
  const table = due([start + 100, start + 150, start + 200, start + 250]);
  const raised: { key: string; late: number }[] = [];
  const keep = setInterval(() => undefined, 50);
  const firer = new DeadlineFirer({
    clock: Date.now,
    nextDeadline: table.nextDeadline,
    dueBy: table.dueBy,
    catchUp: async () => true,
    // The exceptions fold never comes back in this test: every raised one stays in the index.
    raise: async (e) => void raised.push({ key: e.key, late: Date.now() - (e.record.deadline as number) }),
    onError: () => undefined,
  });
  firer.poke();
  // The last is due 250 ms from start; a loaded machine runs timers late, and the promise is a second.
  for (const until = Date.now() + 5000; raised.length < 4 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
  clearInterval(keep);
  await firer.stop();
  expect(raised.map((r) => r.key)).toEqual(['k0', 'k1', 'k2', 'k3']);
  for (const r of raised) {
    expect(r.late).toBeGreaterThanOrEqual(0);
    expect(r.late).toBeLessThan(1000);
  }
});

it('tries a failed raise again, and does not raise before the view has caught up', async () => {
  const start = Date.now();
  const table = due([start + 20]);
  let attempts = 0;
  let caughtUp = false;
  const keep = setInterval(() => undefined, 50);
  const firer = new DeadlineFirer({
    clock: Date.now,
    nextDeadline: table.nextDeadline,
    dueBy: table.dueBy,
    catchUp: async () => caughtUp,
    raise: async () => {
      attempts++;
      if (attempts === 1) throw new Error('no responders');
      table.entries.shift();
    },
    onError: () => undefined,
  });
  firer.poke();
  await new Promise((r) => setTimeout(r, 300));
  expect(attempts).toBe(0);
  caughtUp = true;
  await new Promise((r) => setTimeout(r, 2500));
  clearInterval(keep);
  await firer.stop();
  expect(attempts).toBe(2);
});
