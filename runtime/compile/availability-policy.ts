/**
 * The availability policy file: parsed from YAML, checked with file:line:col messages, and
 * compiled into the lookup-ready tables of availability/policy.ts; and the streams it needs.
 */
import type { Diagnostics } from '../config/diagnostics.ts';
import type { YamlSource } from '../config/yaml-source.ts';
import { parseDuration } from '../config/durations.ts';
import { subjectMatches } from '../config/subjects.ts';
import { suggest } from '../config/suggest.ts';
import type { AvailabilityPolicy, ChannelPolicy, FenceOverlap, LocationPolicy, PoolPlan, QuantityRule } from '../availability/policy.ts';
import { checkShape } from './shape.ts';
import type { StreamDeclaration } from './streams.ts';
import { availabilitySchema } from './availability-schema.ts';

interface ChannelDoc {
  locations: string[] | Record<string, string[]>;
  share?: { percent: number };
  ringFence?: QuantityRule;
  cap?: number;
  buffer?: QuantityRule;
}

interface PolicyDoc {
  availability: {
    stream?: string;
    inbound?: { horizon?: string; receivingLeadTime?: string };
    locations: Record<string, { safetyStock?: number; safetyStockBySku?: Record<string, number>; receivingLeadTime?: string }>;
    channels: Record<string, ChannelDoc>;
    changes?: { enabled?: boolean; debounce?: string };
    api?: { rateLimit?: { requestsPerSecond?: number; burst?: number } };
  };
}

const days = (text: string | undefined, fallback: number): number => (text === undefined ? fallback : Number(text.slice(0, -1)));

/** Checks and compiles a policy file; reports every problem and returns undefined on errors. */
export function compileAvailabilityPolicy(source: YamlSource, diags: Diagnostics): AvailabilityPolicy | undefined {
  if (!checkShape(source, availabilitySchema, source.value, [], diags, 'availability policy')) return undefined;
  const doc = (source.value as PolicyDoc).availability;
  let ok = true;
  const locations = new Map<string, LocationPolicy>();
  for (const [id, l] of Object.entries(doc.locations)) {
    locations.set(id, {
      id,
      safetyStock: l.safetyStock ?? 0,
      safetyStockBySku: new Map(Object.entries(l.safetyStockBySku ?? {})),
      receivingLeadDays: l.receivingLeadTime === undefined ? undefined : days(l.receivingLeadTime, 0),
    });
  }
  const lists = new Map<string, Map<string, string[]>>();
  for (const [name, c] of Object.entries(doc.channels)) {
    const entries: [string, string[]][] = Array.isArray(c.locations) ? [['default', c.locations]] : Object.entries(c.locations);
    const map = new Map<string, string[]>();
    for (const [region, list] of entries) {
      list.forEach((loc, i) => {
        if (locations.has(loc)) return;
        const at = Array.isArray(c.locations) ? ['availability', 'channels', name, 'locations', i] : ['availability', 'channels', name, 'locations', region, i];
        const hint = suggest(loc, locations.keys());
        diags.error(source.file, source.locate(at), 'availability-location', `channel '${name}' uses location '${loc}', which is not declared under availability.locations${hint ? ` (did you mean '${hint}'?)` : ''}`);
        ok = false;
      });
      map.set(region, list);
    }
    lists.set(name, map);
  }
  if (!ok) return undefined;

  const allOf = (map: ReadonlyMap<string, readonly string[]>): string[] => [...new Set([...map.values()].flat())];
  const fenced = Object.entries(doc.channels).filter(([, c]) => c.ringFence !== undefined);
  const plan = (name: string, locs: readonly string[]): PoolPlan => {
    const fences: FenceOverlap[] = [];
    for (const [other, c] of fenced) {
      if (other === name) continue;
      const theirs = new Set(allOf(lists.get(other) as Map<string, string[]>));
      const shared = locs.filter((l) => theirs.has(l));
      if (shared.length > 0) fences.push({ channel: other, rule: c.ringFence as QuantityRule, shared, sharedIndex: shared.map((l) => locs.indexOf(l)) });
    }
    const sharedAny = new Set(fences.flatMap((f) => f.shared));
    const indexes = locs.map((_, i) => i);
    const allocationOrder = [...indexes.filter((i) => !sharedAny.has(locs[i] as string)), ...indexes.filter((i) => sharedAny.has(locs[i] as string))];
    return { locations: locs, fences, allocationOrder };
  };
  const channels: ChannelPolicy[] = [];
  for (const [name, c] of Object.entries(doc.channels)) {
    const map = lists.get(name) as Map<string, string[]>;
    const byRegion = new Map<string, PoolPlan>();
    for (const [region, list] of map) if (region !== 'default') byRegion.set(region, plan(name, list));
    const all = allOf(map);
    channels.push({
      name,
      byRegion,
      fallback: plan(name, map.get('default') ?? all),
      allLocations: all,
      sharePercent: c.share?.percent,
      ringFence: c.ringFence,
      cap: c.cap,
      buffer: c.buffer,
    });
  }
  const rate = doc.api?.rateLimit ?? {};
  return {
    file: source.file,
    stream: doc.stream ?? 'INVENTORY',
    horizonDays: days(doc.inbound?.horizon, 14),
    receivingLeadDays: days(doc.inbound?.receivingLeadTime, 0),
    locations,
    channels,
    channelByName: new Map(channels.map((c) => [c.name, c])),
    changes: { enabled: doc.changes?.enabled ?? true, debounceMs: parseDuration(doc.changes?.debounce ?? '5ms') },
    api: { requestsPerSecond: rate.requestsPerSecond ?? 200, burst: rate.burst ?? 400 },
  };
}

/** Subjects the service reads and writes must be captured by declared streams. */
export const REQUIRED_INVENTORY_SUBJECTS = ['inventory.position.X', 'inventory.reservation.requested', 'inventory.location.X'];

export function checkAvailabilityStreams(policy: AvailabilityPolicy, streams: readonly StreamDeclaration[], source: YamlSource, diags: Diagnostics): void {
  const at = source.locate(['availability', 'stream']);
  const stream = streams.find((s) => s.name === policy.stream);
  if (!stream) {
    diags.error(source.file, at, 'availability-stream', `stream '${policy.stream}' is not declared in any streams file (declare it with subjects [inventory.>])`);
  } else if (!REQUIRED_INVENTORY_SUBJECTS.every((subject) => stream.subjects.some((p) => subjectMatches(p, subject)))) {
    diags.error(source.file, at, 'availability-stream', `stream ${stream.name} must capture inventory.> (it captures ${stream.subjects.join(', ')})`);
  } else if (stream.retention !== 'limits') {
    diags.error(source.file, at, 'availability-stream', `stream ${stream.name} must keep its messages (retention: limits) so the view can be rebuilt from it`);
  }
  if (policy.changes.enabled && !streams.some((s) => s.subjects.some((p) => subjectMatches(p, 'availability.x.y')))) {
    diags.error(source.file, source.locate(['availability'], 'key'), 'availability-changes-stream', 'no stream captures availability.> for change events (declare one, or set changes.enabled: false)');
  }
}
