/**
 * A document's journey: every hop reachable from a key, in time order, with the time spent
 * since the previous hop. From the hops a key finds, the walk follows the links each hop has
 * (the message it was made from, the hops made from it, the original a duplicate repeats) and
 * the business keys each hop carries — so the ERP posting (channel order number and ERP order
 * number) joins the channel order to the shipment and what follows, across correlation ids.
 * Correlation and message ids find hops but are not followed: one EDI file's correlation id
 * covers every document in it. The walk stops at `maxHops`, whatever the history holds.
 */
import type { Hop } from './hop.ts';
import type { HopKey, TraceDb } from './store.ts';

export interface JourneyHop {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly time: string;
  readonly pipeline?: string;
  readonly outcome: Hop['outcome'];
  /** Milliseconds since the previous hop of the journey (0 for the first). */
  readonly sincePreviousMs: number;
  readonly source?: string;
  readonly duplicateOf?: string;
  readonly correlationId?: string;
  readonly msgId?: string;
  readonly traceId?: string;
  readonly keys: Readonly<Record<string, string>>;
  readonly step?: string;
  readonly reason?: string;
}

export interface Journey {
  readonly key: string;
  /** The fields the key was found under (e.g. orderNumber, correlationId). */
  readonly matchedAs: readonly string[];
  readonly hops: readonly JourneyHop[];
  /** Milliseconds from the first hop to the last. */
  readonly spanMs: number;
  /** True when the walk stopped at its limit: the journey has more hops than shown. */
  readonly truncated: boolean;
}

export const MAX_HOPS = 500;

export function journeyOf(db: TraceDb, key: string, maxHops = MAX_HOPS): Journey {
  const found = new Map<string, Hop>();
  const matched = new Set<string>();
  const seenValues = new Set<string>([key]);
  const queue: HopKey[] = [];
  let truncated = false;
  const visit = (ref: HopKey): void => {
    const id = `${ref[0]}:${ref[1]}`;
    if (found.has(id)) return;
    if (found.size >= maxHops) {
      truncated = true;
      return;
    }
    const hop = db.hop(ref[0], ref[1]);
    if (!hop) return; // linked to a message the index has not seen (another stream, or aged out)
    found.set(id, hop);
    queue.push(ref);
  };
  for (const { ref, field } of db.byValue(key, maxHops + 1)) {
    matched.add(field);
    visit(ref);
  }
  while (queue.length > 0 && !truncated) {
    const [stream, seq] = queue.shift() as HopKey;
    const hop = found.get(`${stream}:${seq}`) as Hop;
    const back = [hop.source, hop.duplicateOf];
    for (const s of back) {
      if (!s) continue;
      const i = s.lastIndexOf(':');
      const n = Number(s.slice(i + 1));
      if (i > 0 && Number.isSafeInteger(n)) visit([s.slice(0, i), n]);
    }
    for (const ref of db.linkedFrom(stream, seq, maxHops + 1)) visit(ref);
    for (const v of Object.values(hop.keys)) {
      if (seenValues.has(v)) continue;
      seenValues.add(v);
      for (const { ref } of db.byValue(v, maxHops + 1)) visit(ref);
    }
  }
  const hops = [...found.values()].sort((a, b) => a.time - b.time || (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.seq - b.seq));
  let previous: number | undefined;
  const out = hops.map((h): JourneyHop => {
    const since = previous === undefined ? 0 : Math.round((h.time - previous) * 1000) / 1000;
    previous = h.time;
    const { time, ...rest } = h;
    return { ...rest, time: new Date(time).toISOString(), sincePreviousMs: since };
  });
  const spanMs = hops.length > 1 ? Math.round(((hops[hops.length - 1] as Hop).time - (hops[0] as Hop).time) * 1000) / 1000 : 0;
  return { key, matchedAs: [...matched].sort(), hops: out, spanMs, truncated };
}
