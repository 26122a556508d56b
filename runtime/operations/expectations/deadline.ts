/**
 * Deadlines: an instant plus a duration, either in wall-clock time or counted only inside a
 * business calendar's working days and hours (in its time zone). Pure: the same inputs give
 * the same deadline on every runner and on every rebuild.
 */
import type { BusinessCalendar } from '../../compile/expectations.ts';
import { isWorkingDay, localDay, localMinute, offsetAt } from '../../availability/calendar.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** A calendar with no working day within this many days is treated as wall-clock (a year is the most anyone plans). */
const MAX_DAYS = 400;

/** The UTC instant of `ms` into local day `day` in `tz` (wall-clock time). */
function instantOf(tz: string, day: number, ms: number): number {
  const local = day * DAY_MS + ms;
  // The offset at the guess, then at the corrected guess: right on both sides of a DST change.
  const guess = local - offsetAt(tz, local);
  return local - offsetAt(tz, guess);
}

export function deadlineOf(start: number, withinMs: number, calendar?: BusinessCalendar): number {
  if (!calendar) return start + withinMs;
  const tz = calendar.timeZone;
  let remaining = withinMs;
  let day = localDay(tz, start);
  // Milliseconds into the local day at `start` (minute precision is not enough for 1 s accuracy).
  let msOfDay = localMinute(tz, start) * MINUTE_MS + (start % MINUTE_MS + MINUTE_MS) % MINUTE_MS;
  const open = calendar.openMinute * MINUTE_MS;
  const close = calendar.closeMinute * MINUTE_MS;
  for (let i = 0; i < MAX_DAYS; i++) {
    if (isWorkingDay(calendar, day) && msOfDay < close) {
      const from = Math.max(msOfDay, open);
      const available = close - from;
      if (remaining <= available) {
        return instantOf(tz, day, from + remaining);
      }
      remaining -= available;
    }
    day++;
    msOfDay = 0;
  }
  return start + withinMs;
}
