/**
 * What the projection keeps per SKU (one record holding every location, so a channel lookup is
 * one read) and per reservation, hold, inbound line, receipt and location. Open reservations
 * are running totals in the location record and lines in the ledger (ledger.ts), so a SKU's
 * record has the same size however many orders are open on it. Every entry keeps
 * the stream sequence of the event behind it, for explain. Optional fields are left out rather
 * than set to undefined, so records encode the same way everywhere.
 */

import { MemoryLedger, type LedgerStore } from './ledger.ts';
import type { LocState } from './location-state.ts';

export type { HoldEntry, InboundEntry, LocState, ReceiptEntry } from './location-state.ts';

export interface SkuState {
  readonly locations: Readonly<Record<string, LocState>>;
}

export const EMPTY_LOC: LocState = { version: -1, asOf: 0, onHand: 0, committed: 0, positionSeq: 0, receipts: [], reserved: 0, dated: [], holds: [], inbound: [] };

export type ReservationStatus = 'active' | 'released' | 'consumed' | 'rejected' | 'closed-unseen';

export interface ReservationRecord {
  readonly id: string;
  readonly status: ReservationStatus;
  readonly origin: 'event' | 'request';
  readonly channel?: string;
  /** Where the units are held (accepted requests: the allocations). */
  readonly lines: readonly { readonly sku: string; readonly location: string; readonly quantity: number }[];
  /** Requests: what was asked for, per SKU. */
  readonly requested?: readonly { readonly sku: string; readonly quantity: number }[];
  readonly shortages?: readonly { readonly sku: string; readonly requested: number; readonly available: number }[];
  readonly reason?: string;
  readonly expiresAt?: number;
  readonly needBy?: number;
  readonly seq: number;
}

export interface HoldRecord {
  readonly id: string;
  readonly status: 'active' | 'released' | 'released-unseen';
  readonly sku?: string;
  readonly location?: string;
  readonly seq: number;
}

export interface InboundRecord {
  readonly sku: string;
  readonly location: string;
  /** Units received against the line so far (kept here so a corrected line keeps them). */
  readonly received: number;
}

export interface LocationMaster {
  readonly id: string;
  readonly kind: string;
  readonly region: string;
  readonly timeZone: string;
  readonly cutOff?: string;
  readonly workingDays?: readonly string[];
  readonly holidays?: readonly string[];
  readonly seq: number;
}

/**
 * The reads and writes the fold needs. Reads see the fold's own earlier writes; the LMDB
 * implementation buffers a batch and commits it with the last sequence in one transaction.
 * Values returned are owned by the caller until written back (never mutate them in place).
 */
export interface FoldStore extends LedgerStore {
  sku(sku: string): SkuState | undefined;
  putSku(sku: string, state: SkuState): void;
  reservation(id: string): ReservationRecord | undefined;
  putReservation(record: ReservationRecord): void;
  hold(id: string): HoldRecord | undefined;
  putHold(record: HoldRecord): void;
  inbound(id: string): InboundRecord | undefined;
  putInbound(id: string, record: InboundRecord): void;
  hasReceipt(id: string): boolean;
  putReceipt(id: string): void;
  location(id: string): LocationMaster | undefined;
  putLocation(record: LocationMaster): void;
}

/** A FoldStore in plain maps: the pure tests' store, and the shape the LMDB overlay follows. */
export class MemoryStore extends MemoryLedger implements FoldStore {
  readonly skus = new Map<string, SkuState>();
  readonly reservations = new Map<string, ReservationRecord>();
  readonly holds = new Map<string, HoldRecord>();
  readonly inbounds = new Map<string, InboundRecord>();
  readonly receipts = new Set<string>();
  readonly locations = new Map<string, LocationMaster>();
  sku(sku: string): SkuState | undefined {
    return this.skus.get(sku);
  }
  putSku(sku: string, state: SkuState): void {
    this.skus.set(sku, state);
  }
  reservation(id: string): ReservationRecord | undefined {
    return this.reservations.get(id);
  }
  putReservation(record: ReservationRecord): void {
    this.reservations.set(record.id, record);
  }
  hold(id: string): HoldRecord | undefined {
    return this.holds.get(id);
  }
  putHold(record: HoldRecord): void {
    this.holds.set(record.id, record);
  }
  inbound(id: string): InboundRecord | undefined {
    return this.inbounds.get(id);
  }
  putInbound(id: string, record: InboundRecord): void {
    this.inbounds.set(id, record);
  }
  hasReceipt(id: string): boolean {
    return this.receipts.has(id);
  }
  putReceipt(id: string): void {
    this.receipts.add(id);
  }
  location(id: string): LocationMaster | undefined {
    return this.locations.get(id);
  }
  putLocation(record: LocationMaster): void {
    this.locations.set(record.id, record);
  }
}
