/**
 * Lookups straight from the LMDB files of a data folder, read-only, for `crossdock atp SKU`:
 * LMDB lets another process read while the runner writes, so the command answers what the
 * runner would (same files, same policy) without an API key or a running server.
 */
import type { LookupQuery, SkuAvailability } from './api.ts';
import type { AvailabilityPolicy } from './policy.ts';
import { AtpDb } from './lmdb-store.ts';
import { calendarOf, DEFAULT_CALENDAR, type LocationCalendar } from './calendar.ts';
import { skuAvailability } from './figures.ts';

export async function lookupFromFiles(dataDir: string, policy: AvailabilityPolicy, sku: string, query: LookupQuery, now = Date.now()): Promise<SkuAvailability> {
  const db = AtpDb.open(dataDir, { readOnly: true });
  try {
    const calendars = new Map<string, LocationCalendar>();
    for (const { value } of db.locations.getRange()) calendars.set(value.id, calendarOf(value));
    return skuAvailability(sku, db.skus.get(sku), query, { policy, now, calendar: (id) => calendars.get(id) ?? DEFAULT_CALENDAR, ledger: db }, db.lastSeq);
  } finally {
    await db.close();
  }
}
