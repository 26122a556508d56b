/**
 * The availability service as steps, the HTTP API and the CLI see it. Lookups are synchronous
 * and in-process (they read the local LMDB view); reservations go through the stream so that
 * every runner decides them the same way (see docs/availability.md, "How reservations work").
 */

export interface LookupQuery {
  /** The channel whose figure is wanted; omitted: every channel and every location. */
  readonly channel?: string;
  /** The customer's region; picks the channel's locations for it. */
  readonly region?: string;
  /** Quantity the promise date is for (default 1). */
  readonly quantity?: number;
  /** Adds each component and the stream sequences behind the figure. */
  readonly explain?: boolean;
}

/** One channel's figure for one SKU. Quantities are never negative. */
export interface ChannelFigure {
  readonly channel: string;
  readonly region?: string;
  /** What the channel may promise today (channel ATS). */
  readonly available: number;
  /** The quantity the dates are for. */
  readonly quantity: number;
  /** Earliest day (YYYY-MM-DD) the channel can promise `quantity`; null beyond the inbound horizon. */
  readonly promiseDate: string | null;
  /** The day it can ship, after cut-off times and working days of the locations it ships from. */
  readonly shipDate: string | null;
  readonly explain?: ChannelExplain;
}

/** One location's figure for one SKU. */
export interface LocationFigure {
  readonly location: string;
  readonly available: number;
  readonly quantity: number;
  readonly promiseDate: string | null;
  readonly shipDate: string | null;
  readonly explain?: LocationExplain;
}

export interface SkuAvailability {
  readonly sku: string;
  /**
   * True once an applied event gave the SKU stock, demand or supply at a location (position,
   * reservation made elsewhere, hold, inbound line, receipt); a reservation request alone does
   * not, so a mistyped SKU in an order stays unknown. Unknown: every figure is 0.
   */
  readonly known: boolean;
  /** Last stream sequence applied to the view that answered. */
  readonly seq: number;
  readonly channels: readonly ChannelFigure[];
  /** Present when no channel was asked for, or with explain. */
  readonly locations?: readonly LocationFigure[];
}

/** A component of a figure and the stream sequence of the event it came from. */
export interface Source {
  readonly kind: 'position' | 'receipt' | 'reservation' | 'hold' | 'inbound';
  readonly id?: string;
  readonly quantity: number;
  readonly seq: number;
  /** For inbound supply: the day it becomes available; for dated reservations: the day needed. */
  readonly day?: string;
  readonly expiresAt?: string;
}

export interface LocationExplain {
  readonly onHand: number;
  readonly receivedSinceSnapshot: number;
  readonly committed: number;
  readonly reserved: number;
  readonly qualityHold: number;
  readonly safetyStock: number;
  /** onHand + received − committed − reserved − holds − safety stock, floored at 0. */
  readonly physical: number;
  /** What later inbound supply must first make up when `physical` would be negative. */
  readonly backlog: number;
  /** Inbound supply within the horizon (effective quantities). */
  readonly inbound: number;
  readonly snapshotVersion: number | null;
  readonly today: string;
  readonly timeZone: string;
  /** ATP by day from today: each entry holds from its day until the next one. */
  readonly atpByDay: readonly { readonly day: string; readonly atp: number }[];
  readonly sources: readonly Source[];
}

/** How a channel's figure was made, stage by stage in the order they apply (channel-rules.ts). */
export interface ChannelExplain {
  readonly locations: readonly string[];
  readonly pool: number;
  readonly ringFencedForOthers: number;
  /** pool − ringFencedForOthers. */
  readonly afterRingFences: number;
  /** The share percentage, or null without one. */
  readonly share: number | null;
  /** share % of afterRingFences, rounded down (afterRingFences without a share). */
  readonly afterShare: number;
  readonly cap: number | null;
  /** min(afterShare, cap). */
  readonly afterCap: number;
  /** Units kept back from afterCap; the channel figure is afterCap − buffer. */
  readonly buffer: number;
  readonly perLocation: readonly LocationFigure[];
}

export interface ReservationLine {
  readonly sku: string;
  readonly quantity: number;
  readonly lineNumber?: number;
}

export interface ReservationRequest {
  /** The order id; reserving the same id twice returns the first decision. */
  readonly id: string;
  readonly channel: string;
  readonly region?: string;
  readonly lines: readonly ReservationLine[];
  /** Epoch ms after which an accepted reservation stops counting. */
  readonly expiresAt?: number;
  /** YYYY-MM-DD: decide against the figure of this day. */
  readonly needBy?: string;
}

export interface Shortage {
  readonly sku: string;
  readonly requested: number;
  readonly available: number;
}

export interface ReservationDecision {
  readonly id: string;
  /** The decision; `released`/`consumed` once an accepted reservation has ended. */
  readonly status: 'accepted' | 'rejected' | 'released' | 'consumed';
  readonly channel?: string;
  /** Stream sequence of the request (or reservation event) that decided it. */
  readonly seq: number;
  readonly lines: readonly { readonly sku: string; readonly quantity: number; readonly allocations: readonly { readonly location: string; readonly quantity: number }[] }[];
  readonly shortages: readonly Shortage[];
  readonly reason?: string;
  readonly expiresAt?: string;
}

export interface Availability {
  readonly name: 'availability';
  /** Channel names in the policy, in the policy's order. */
  readonly channels: readonly string[];
  /** Last stream sequence applied to the local view. */
  readonly seq: number;
  /** Figures for one SKU, read from the local view (microseconds, no I/O). */
  lookup(sku: string, query?: LookupQuery): SkuAvailability;
  /**
   * Reserves every line or none: publishes the request to the inventory stream, waits until the
   * local view has applied it, and returns the decision every replica reaches.
   */
  reserve(request: ReservationRequest, options?: { readonly timeoutMs?: number }): Promise<ReservationDecision>;
  /** The recorded decision for a reservation id, if any. */
  reservation(id: string): ReservationDecision | undefined;
  /** Resolves once the local view has applied `seq` (rejects after `timeoutMs`). */
  waitForSeq(seq: number, timeoutMs?: number): Promise<void>;
}
