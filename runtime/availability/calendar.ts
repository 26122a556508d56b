/**
 * Days in a location's time zone, working days and cut-off times. Days are whole numbers
 * (days since 1970-01-01 in local time) so the figure code compares integers; time zone
 * offsets come from Intl once per zone and 15-minute slot (every real offset change happens
 * on a 15-minute boundary of UTC), so a lookup never formats a date.
 */

const DAY_MS = 86_400_000;
const SLOT_MS = 900_000;
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Location master data as the figures use it. */
export interface LocationCalendar {
  readonly timeZone: string;
  /** Minutes after local midnight; orders after it ship the next working day. Undefined: no cut-off. */
  readonly cutOffMinute: number | undefined;
  /** Bit i set: WEEKDAYS[i] is a working day. */
  readonly workingDays: number;
  readonly holidays: ReadonlySet<number>;
}

export const DEFAULT_CALENDAR: LocationCalendar = { timeZone: 'UTC', cutOffMinute: undefined, workingDays: 0b0111110, holidays: new Set() };

export function calendarOf(master: { timeZone: string; cutOff?: string; workingDays?: readonly string[]; holidays?: readonly string[] }): LocationCalendar {
  const days = master.workingDays ?? ['mon', 'tue', 'wed', 'thu', 'fri'];
  let bits = 0;
  for (const d of days) bits |= 1 << WEEKDAYS.indexOf(d as Weekday);
  return {
    timeZone: validTimeZone(master.timeZone) ? master.timeZone : 'UTC',
    cutOffMinute: master.cutOff === undefined ? undefined : Number(master.cutOff.slice(0, 2)) * 60 + Number(master.cutOff.slice(3, 5)),
    workingDays: bits === 0 ? DEFAULT_CALENDAR.workingDays : bits,
    holidays: new Set((master.holidays ?? []).map(dayOfDate).filter((d): d is number => d !== undefined)),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

export function validTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** Milliseconds to add to UTC to get local wall-clock time in `tz` at instant `ms`. */
export function offsetAt(tz: string, ms: number): number {
  if (tz === 'UTC') return 0;
  const slot = Math.floor(ms / SLOT_MS);
  let cache = offsets.get(tz);
  if (!cache) {
    cache = new Map();
    offsets.set(tz, cache);
  }
  const hit = cache.get(slot);
  if (hit !== undefined) return hit;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(tz).formatToParts(slot * SLOT_MS)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year as number, (parts.month as number) - 1, parts.day as number, parts.hour as number, parts.minute as number);
  const offset = local - slot * SLOT_MS;
  // Bounded: lookups touch a few slots; a rebuild over years of events touches more.
  if (cache.size > 50_000) cache.clear();
  cache.set(slot, offset);
  return offset;
}

/** The local day number of instant `ms` in `tz`. */
export function localDay(tz: string, ms: number): number {
  return Math.floor((ms + offsetAt(tz, ms)) / DAY_MS);
}

/** Minutes after local midnight of instant `ms` in `tz`. */
export function localMinute(tz: string, ms: number): number {
  const local = ms + offsetAt(tz, ms);
  return Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / 60_000);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWorkingDay(cal: LocationCalendar, day: number): boolean {
  return (cal.workingDays & (1 << weekdayOf(day))) !== 0 && !cal.holidays.has(day);
}

/**
 * The day goods available on `day` leave the location: that day when it is a working day and,
 * for today, before the cut-off; otherwise the next working day.
 */
export function shipDay(cal: LocationCalendar, day: number, today: number, minuteNow: number): number {
  let d = Math.max(day, today);
  if (d === today && cal.cutOffMinute !== undefined && minuteNow >= cal.cutOffMinute) d++;
  // A calendar with every day a holiday would loop forever; a year is the most anyone plans.
  for (let i = 0; i < 370 && !isWorkingDay(cal, d); i++) d++;
  return d;
}

/** `YYYY-MM-DD` → day number, or undefined when it is not a valid date. */
export function dayOfDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? undefined : ms / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** An ETA (a date or a date-time) → the local day it falls on. */
export function etaDay(eta: { readonly etaDay?: number; readonly etaMs?: number }, tz: string): number {
  if (eta.etaDay !== undefined) return eta.etaDay;
  return localDay(tz, eta.etaMs ?? 0);
}
