/**
 * The availability policy as the view uses it: lookup-ready tables (location lists per channel
 * and region, ring-fence overlaps) so a lookup does no policy work beyond reading them. The
 * YAML is checked and compiled into it by compile/availability-policy.ts.
 */

export type QuantityRule = { readonly units: number } | { readonly percent: number };

export interface LocationPolicy {
  readonly id: string;
  readonly safetyStock: number;
  readonly safetyStockBySku: ReadonlyMap<string, number>;
  /** Overrides the policy-wide receiving lead time when set. */
  readonly receivingLeadDays: number | undefined;
}

/** Another channel's ring-fence as it limits this channel's pool. */
export interface FenceOverlap {
  readonly channel: string;
  readonly rule: QuantityRule;
  /** Locations of this pool the fencing channel also uses, and their indexes in `locations`. */
  readonly shared: readonly string[];
  readonly sharedIndex: readonly number[];
}

/** The locations a channel uses for one region (or by default), with what other channels fence there. */
export interface PoolPlan {
  readonly locations: readonly string[];
  readonly fences: readonly FenceOverlap[];
  /**
   * Indexes into `locations`, those shared with a fencing channel last: reservations and ship
   * dates take from them in this order, so other channels' ring-fenced stock is used last.
   */
  readonly allocationOrder: readonly number[];
}

export interface ChannelPolicy {
  readonly name: string;
  readonly byRegion: ReadonlyMap<string, PoolPlan>;
  readonly fallback: PoolPlan;
  /** Every location of the channel, any region. */
  readonly allLocations: readonly string[];
  readonly sharePercent: number | undefined;
  readonly ringFence: QuantityRule | undefined;
  readonly cap: number | undefined;
  readonly buffer: QuantityRule | undefined;
}

export interface AvailabilityPolicy {
  readonly file: string;
  readonly stream: string;
  readonly horizonDays: number;
  readonly receivingLeadDays: number;
  readonly locations: ReadonlyMap<string, LocationPolicy>;
  readonly channels: readonly ChannelPolicy[];
  readonly channelByName: ReadonlyMap<string, ChannelPolicy>;
  readonly changes: { readonly enabled: boolean; readonly debounceMs: number };
  readonly api: { readonly requestsPerSecond: number; readonly burst: number };
}

/**
 * The regions each channel has a location list of its own for, channel by channel in the
 * policy's order (empty: one list for every region). What a client asks `region=` with.
 */
export function channelRegions(policy: Pick<AvailabilityPolicy, 'channels'>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of policy.channels) out[c.name] = [...c.byRegion.keys()];
  return out;
}

/** The pool plan for a channel and region: the region's own list, else the default one. */
export function poolPlan(channel: ChannelPolicy, region: string | undefined): PoolPlan {
  return (region === undefined ? undefined : channel.byRegion.get(region)) ?? channel.fallback;
}
