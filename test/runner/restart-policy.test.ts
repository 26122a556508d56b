import { expect, it } from 'vitest';
import { afterExit, RESTART_RULES } from '../../runtime/runner/restart-policy.ts';

it('restarts a worker that ran a while at once, and backs off on quick failures', () => {
  expect(afterExit({ becameReady: true, ranMs: RESTART_RULES.stableMs + 1, quickFailures: 3 })).toEqual({ action: 'restart', delayMs: RESTART_RULES.baseMs, quickFailures: 0 });
  const delays: number[] = [];
  let quickFailures = 0;
  for (;;) {
    const d = afterExit({ becameReady: true, ranMs: 50, quickFailures });
    if (d.action === 'give-up') break;
    delays.push(d.delayMs);
    quickFailures = d.quickFailures;
  }
  expect(delays).toEqual([100, 200, 400, 800]);
  expect(quickFailures + 1).toBe(RESTART_RULES.maxQuickFailures);
});

it('counts a run that never became ready as a quick failure, however long it took', () => {
  expect(afterExit({ becameReady: false, ranMs: 60_000, quickFailures: 0 })).toMatchObject({ action: 'restart', quickFailures: 1 });
  expect(afterExit({ becameReady: false, ranMs: 60_000, quickFailures: RESTART_RULES.maxQuickFailures - 1 }).action).toBe('give-up');
});

it('caps the backoff', () => {
  const d = afterExit({ becameReady: true, ranMs: 0, quickFailures: 20 }, { ...RESTART_RULES, maxQuickFailures: 100 });
  expect(d).toEqual({ action: 'restart', delayMs: RESTART_RULES.maxMs, quickFailures: 21 });
});
