/**
 * What the view keeps for one SKU at one location (state.ts keeps the rest, and re-exports these).
 * A module of its own so the reservation ledger can use it without importing state.ts, which
 * builds its in-memory store on the ledger.
 */

export interface ReceiptEntry {
  readonly id: string;
  readonly quantity: number;
  readonly receivedAt: number;
  readonly seq: number;
}

export interface HoldEntry {
  readonly id: string;
  readonly quantity: number;
  readonly seq: number;
}

export interface InboundEntry {
  readonly id: string;
  readonly kind: 'po-ack' | 'asn';
  readonly quantity: number;
  /** Units already received against this line. */
  readonly received: number;
  /** ETA given as a date: its day number; as a date-time: epoch ms (made local at lookup). */
  readonly etaDay?: number;
  readonly etaMs?: number;
  readonly supersedes?: string;
  readonly document: string;
  readonly seq: number;
}

export interface LocState {
  /** Source version of the snapshot applied; -1 before any. */
  readonly version: number;
  readonly asOf: number;
  readonly onHand: number;
  readonly committed: number;
  readonly positionSeq: number;
  /** Receipts after the snapshot's `asOf` (not yet in onHand). */
  readonly receipts: readonly ReceiptEntry[];
  /**
   * Running totals of the open reservations here (their lines are in the ledger, ledger.ts):
   * units without a need-by day, and units by need-by day (sorted by day, no zero entries).
   * Expiring ones count until the fold sweeps them by stream time; lookups later than that
   * take off what expired meanwhile.
   */
  readonly reserved: number;
  readonly dated: readonly (readonly [day: number, quantity: number])[];
  /** The earliest expiry among the open lines here (none: absent). */
  readonly nextExpiry?: number;
  readonly holds: readonly HoldEntry[];
  readonly inbound: readonly InboundEntry[];
}
