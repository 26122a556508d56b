/**
 * What a channel sees of a SKU now (the figure change events announce): from the SKU's lookup
 * record where that can tell, else from its full state. Shared by the service (in process) and
 * the change-event thread, which reads the same file.
 */
import type { AtpDb } from './lmdb-store.ts';
import type { FastReader } from './fast.ts';
import type { LocationCalendar } from './calendar.ts';
import type { AvailabilityPolicy, ChannelPolicy } from './policy.ts';
import { visibleFigure, type VisibleFigure } from './figures.ts';

export interface VisibleSources {
  readonly db: AtpDb;
  readonly fast: FastReader;
  readonly policy: AvailabilityPolicy;
  calendar(location: string): LocationCalendar;
}

export function channelVisible(sku: string, channel: ChannelPolicy, now: number, src: VisibleSources): VisibleFigure {
  const rec = src.db.lookupRecord(sku);
  const available = src.fast.figure(sku, rec, channel, undefined, 1, now)?.available;
  const regions: Record<string, number> = {};
  let complete = available !== undefined;
  for (const region of channel.byRegion.keys()) {
    if (!complete) break;
    const a = src.fast.figure(sku, rec, channel, region, 1, now)?.available;
    if (a === undefined) complete = false;
    else regions[region] = a;
  }
  if (complete) return channel.byRegion.size > 0 ? { available: available as number, regions } : { available: available as number };
  return visibleFigure(sku, src.db.skus.get(sku), channel, { policy: src.policy, now, calendar: (id) => src.calendar(id), ledger: src.db }, new Map());
}
