/**
 * A channel's figure from its pool, stage by stage, as docs/availability.md orders them ("The figures,
 * and Crossdock's choices"): other channels' ring-fences come off first, then the allocation
 * share, then the cap, then the buffer. The share is of what is left after the ring-fences:
 * stock fenced for another channel can never be sold on this one, so a share of it would let
 * the channel list units it cannot get. One place for these rules: the full path (figures.ts)
 * and the lookup record's path (fast.ts) both call it. Pure.
 *
 * Rounding, always in the direction that shows less: a percentage share rounds down, a
 * percentage ring-fence or buffer rounds up (they are kept back).
 */
import type { ChannelPolicy, QuantityRule } from './policy.ts';
import { ceilQ, floorQ } from './curve.ts';

/** The figure after each stage, every one a whole number, never negative. */
export interface ChannelStages {
  readonly pool: number;
  /** Kept for other channels' ring-fences at the locations this channel shares with them. */
  readonly fenced: number;
  readonly afterRingFences: number;
  readonly afterShare: number;
  readonly afterCap: number;
  /** Units the buffer keeps back from `afterCap`. */
  readonly buffer: number;
  /** What the channel may promise. */
  readonly ats: number;
}

/** What a ring-fence keeps from `shared` (the stock at the locations the two channels share). */
export function fenceAmount(rule: QuantityRule, shared: number): number {
  const base = Math.max(0, shared);
  return 'units' in rule ? Math.min(rule.units, base) : ceilQ((rule.percent * base) / 100);
}

export function channelStages(channel: ChannelPolicy, pool: number, fenced: number): ChannelStages {
  const afterRingFences = Math.max(0, pool - fenced);
  const afterShare = channel.sharePercent === undefined ? afterRingFences : floorQ((channel.sharePercent * afterRingFences) / 100);
  const afterCap = channel.cap === undefined ? afterShare : Math.min(afterShare, channel.cap);
  const rule = channel.buffer;
  const buffer = rule === undefined ? 0 : 'units' in rule ? rule.units : ceilQ((rule.percent * afterCap) / 100);
  return { pool, fenced, afterRingFences, afterShare, afterCap, buffer, ats: Math.max(0, afterCap - buffer) };
}
