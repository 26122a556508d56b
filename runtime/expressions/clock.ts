/**
 * Runs code with the wall clock stopped at a fixed instant. Fixture outputs are compared
 * across revisions (`crossdock plan`) and across runs; a mapping that stamps `$now()` would
 * otherwise differ every time and bury the real changes. Both JSONata evaluators read the
 * clock through `Date.now()` or `new Date()`, so those are what is replaced.
 *
 * The swap is process-wide: use it only from commands and tests that run nothing else at the
 * same time. Expression workers (sandbox.ts) are told the frozen instant and freeze their own
 * clock for the evaluation, so the swap reaches them too.
 */

/** The real Date, whatever is swapped in later. */
const RealDate = Date;

/** The instant the clock is frozen at, or undefined when it runs. */
export function frozenInstant(): number | undefined {
  return globalThis.Date === RealDate ? undefined : Date.now();
}

export async function withFrozenClock<T>(instant: number, fn: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class FrozenDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(instant);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return instant;
    }
  }
  globalThis.Date = FrozenDate as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}
