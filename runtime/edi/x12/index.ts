/**
 * Crossdock's X12 (ASC X12 4010) module: pure functions, no I/O.
 *
 *   readInterchanges(text, { source })      → interchanges, groups, sets (generic + typed), errors
 *   writeInterchange(documents, options)     → X12 text with ISA/GS/ST envelopes
 *   functionalAck(readResult | interchange)  → 997s (and TA1) for what was read
 *   writeFunctionalAck(ack, options)         → the acknowledgment as X12 text
 */
export { readInterchanges } from './read.ts';
export { writeInterchange } from './write.ts';
export type { ControlNumberKind, ControlNumberSource, GenericDocument, WritableDocument, WriteOptions, WrittenInterchange } from './write.ts';
export { functionalAck, writeFunctionalAck } from './ack.ts';
export type { AckWriteOptions, FunctionalAckOptions, InterchangeAck } from './ack.ts';
export { X12WriteError } from './errors.ts';
export type { AckCodes, SegmentLocation, X12Error, X12ErrorCode, X12Level } from './errors.ts';
export type * from './segments.ts';
export type * from './types.ts';
export { TYPED_SET_TYPES } from './sets/index.ts';
export { MAX_HL_DEPTH } from './sets/856.ts';
export type * from './sets/index.ts';
export type * from './sets/common.ts';
export type * from './sets/lines.ts';
export type { LineAck, AcknowledgedLine, LineDisposition } from './sets/855.ts';
export type { HlNode, HlLevel, Packaging, Mark, ShipmentSummary, ShippedItem } from './sets/856.ts';
export type { PurchaseOrderLine } from './sets/850.ts';
export type { InvoiceLine, Charge } from './sets/810.ts';
export type { InventoryItem, InventoryQuantity } from './sets/846.ts';
export type { ShippingOrderLine } from './sets/940.ts';
export type { ShippedLine } from './sets/945.ts';
export type { WarehouseDate, WarehouseReference } from './sets/warehouse.ts';
export type { AcknowledgedSet, ElementError, SegmentError } from './sets/997.ts';
