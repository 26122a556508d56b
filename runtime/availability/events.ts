/**
 * Inventory events: their subjects, and decoding a stream message into a typed event after
 * checking it against its canonical JSON Schema in schemas/canonical/ (the schemas are the
 * contract producers see; the projection trusts nothing they do not say).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { dayOfDate } from './calendar.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

export interface EventMeta {
  /** Stream sequence. */
  readonly seq: number;
  /** Stream timestamp (epoch ms): the "now" of reservation decisions, so every replica agrees. */
  readonly time: number;
}

export interface PositionEvent { readonly type: 'position'; readonly sku: string; readonly location: string; readonly onHand: number; readonly committed: number; readonly version: number; readonly asOf: number }
export interface ReservationCreatedEvent {
  readonly type: 'reservation.created';
  readonly id: string;
  readonly channel?: string;
  readonly lines: readonly { readonly sku: string; readonly location: string; readonly quantity: number }[];
  readonly expiresAt?: number;
  readonly needBy?: number;
}
export interface ReservationRequestedEvent {
  readonly type: 'reservation.requested';
  readonly id: string;
  readonly channel: string;
  readonly region?: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
  readonly expiresAt?: number;
  readonly needBy?: number;
}
export interface ReservationClosedEvent { readonly type: 'reservation.released' | 'reservation.consumed'; readonly id: string }
export interface HoldPlacedEvent { readonly type: 'hold.placed'; readonly id: string; readonly sku: string; readonly location: string; readonly quantity: number }
export interface HoldReleasedEvent { readonly type: 'hold.released'; readonly id: string }
export interface InboundEvent {
  readonly type: 'inbound';
  readonly id: string;
  readonly kind: 'po-ack' | 'asn';
  readonly sku: string;
  readonly location: string;
  readonly quantity: number;
  readonly etaDay?: number;
  readonly etaMs?: number;
  readonly supersedes?: string;
  readonly document: string;
}
export interface ReceiptEvent { readonly type: 'receipt'; readonly id: string; readonly sku: string; readonly location: string; readonly quantity: number; readonly receivedAt: number; readonly inbound?: string }
export interface LocationEvent {
  readonly type: 'location';
  readonly id: string;
  readonly kind: string;
  readonly region: string;
  readonly timeZone: string;
  readonly cutOff?: string;
  readonly workingDays?: readonly string[];
  readonly holidays?: readonly string[];
}

export type InventoryEvent =
  | PositionEvent
  | ReservationCreatedEvent
  | ReservationRequestedEvent
  | ReservationClosedEvent
  | HoldPlacedEvent
  | HoldReleasedEvent
  | InboundEvent
  | ReceiptEvent
  | LocationEvent;

/** Where each event kind is published. */
export const SUBJECTS = {
  position: (location: string) => `inventory.position.${location}`,
  reservationCreated: 'inventory.reservation.created',
  reservationRequested: 'inventory.reservation.requested',
  reservationReleased: 'inventory.reservation.released',
  reservationConsumed: 'inventory.reservation.consumed',
  holdPlaced: 'inventory.hold.placed',
  holdReleased: 'inventory.hold.released',
  inbound: (kind: 'po-ack' | 'asn') => `inventory.inbound.${kind}`,
  receipt: (location: string) => `inventory.receipt.${location}`,
  location: (id: string) => `inventory.location.${id}`,
} as const;

const SCHEMA_DIR = new URL('../../schemas/canonical/', import.meta.url);
const ajv = new Ajv({ allErrors: false, strict: false, allowUnionTypes: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

function validator(file: string): ValidateFunction {
  let v = validators.get(file);
  if (!v) {
    const { $schema: _d, ...schema } = JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
    v = ajv.compile(schema);
    validators.set(file, v);
  }
  return v;
}

const SCHEMA_FILES = [
  'inventory-position.schema.json',
  'inventory-reservation.schema.json',
  'inventory-reservation-request.schema.json',
  'inventory-reservation-closed.schema.json',
  'inventory-hold.schema.json',
  'inventory-hold-released.schema.json',
  'inventory-inbound.schema.json',
  'inventory-receipt.schema.json',
  'location.schema.json',
];

/** Compiles every event validator now (a few hundred ms), so the first events of a kind are not held up. */
export function prepareValidators(): void {
  for (const f of SCHEMA_FILES) validator(f);
}

/** The schema file for a subject, or undefined when the subject is not an inventory event. */
export function schemaFor(subject: string): string | undefined {
  const t = subject.split('.');
  if (t[0] !== 'inventory') return undefined;
  switch (t[1]) {
    case 'position':
      return 'inventory-position.schema.json';
    case 'reservation':
      return t[2] === 'created' ? 'inventory-reservation.schema.json' : t[2] === 'requested' ? 'inventory-reservation-request.schema.json' : t[2] === 'released' || t[2] === 'consumed' ? 'inventory-reservation-closed.schema.json' : undefined;
    case 'hold':
      return t[2] === 'placed' ? 'inventory-hold.schema.json' : t[2] === 'released' ? 'inventory-hold-released.schema.json' : undefined;
    case 'inbound':
      return 'inventory-inbound.schema.json';
    case 'receipt':
      return 'inventory-receipt.schema.json';
    case 'location':
      return 'location.schema.json';
    default:
      return undefined;
  }
}

export class InvalidEvent extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEvent';
  }
}

const dec = new TextDecoder('utf-8', { fatal: true });

/** Checks a body against the schema of its subject; returns the first problem, or undefined. */
export function validateEventBody(subject: string, body: unknown): string | undefined {
  const file = schemaFor(subject);
  if (!file) return `no inventory event is published on ${subject}`;
  const v = validator(file);
  if (v(body)) return undefined;
  const e = v.errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message ?? e.keyword}` : 'invalid';
}

/** Decodes and checks one message; throws InvalidEvent with a readable reason. */
export function decodeEvent(subject: string, data: Uint8Array): InventoryEvent {
  const file = schemaFor(subject);
  if (!file) throw new InvalidEvent(`no inventory event is published on ${subject}`);
  let body: unknown;
  try {
    body = JSON.parse(dec.decode(data));
  } catch (err) {
    throw new InvalidEvent(`payload is not JSON: ${(err as Error).message}`);
  }
  const v = validator(file);
  if (!v(body)) {
    const e = v.errors?.[0];
    throw new InvalidEvent(`${file}: ${e ? `${e.instancePath || '/'} ${e.message ?? e.keyword}` : 'invalid'}`);
  }
  return toEvent(subject, body as Record<string, unknown>);
}

const ms = (text: unknown): number | undefined => (typeof text === 'string' ? Date.parse(text) : undefined);
const day = (text: unknown): number | undefined => (typeof text === 'string' ? dayOfDate(text) : undefined);
const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]?: V }));

function toEvent(subject: string, b: Record<string, unknown>): InventoryEvent {
  const t = subject.split('.');
  const s = (k: string): string => b[k] as string;
  const n = (k: string): number => b[k] as number;
  switch (t[1]) {
    case 'position':
      return { type: 'position', sku: s('sku'), location: s('location'), onHand: n('onHand'), committed: (b.committed as number | undefined) ?? 0, version: n('version'), asOf: ms(b.asOf) as number };
    case 'reservation': {
      if (t[2] === 'created') {
        return { type: 'reservation.created', id: s('id'), lines: b.lines as ReservationCreatedEvent['lines'], ...opt('channel', b.channel as string | undefined), ...opt('expiresAt', ms(b.expiresAt)), ...opt('needBy', day(b.needBy)) };
      }
      if (t[2] === 'requested') {
        const lines = (b.lines as { sku: string; quantity: number }[]).map((l) => ({ sku: l.sku, quantity: l.quantity }));
        return { type: 'reservation.requested', id: s('id'), channel: s('channel'), lines, ...opt('region', b.region as string | undefined), ...opt('expiresAt', ms(b.expiresAt)), ...opt('needBy', day(b.needBy)) };
      }
      return { type: t[2] === 'consumed' ? 'reservation.consumed' : 'reservation.released', id: s('id') };
    }
    case 'hold':
      return t[2] === 'placed' ? { type: 'hold.placed', id: s('id'), sku: s('sku'), location: s('location'), quantity: n('quantity') } : { type: 'hold.released', id: s('id') };
    case 'inbound': {
      const eta = s('eta');
      const doc = b.document as { type: string; number: string; line?: string };
      return {
        type: 'inbound',
        id: s('id'),
        kind: b.kind as 'po-ack' | 'asn',
        sku: s('sku'),
        location: s('location'),
        quantity: n('quantity'),
        ...(eta.length === 10 ? { etaDay: dayOfDate(eta) as number } : { etaMs: Date.parse(eta) }),
        ...opt('supersedes', b.supersedes as string | undefined),
        document: `${doc.type} ${doc.number}${doc.line === undefined ? '' : `/${doc.line}`}`,
      };
    }
    case 'receipt':
      return { type: 'receipt', id: s('id'), sku: s('sku'), location: s('location'), quantity: n('quantity'), receivedAt: ms(b.receivedAt) as number, ...opt('inbound', b.inbound as string | undefined) };
    default:
      return {
        type: 'location',
        id: s('id'),
        kind: s('kind'),
        region: s('region'),
        timeZone: s('timeZone'),
        ...opt('cutOff', b.cutOff as string | undefined),
        ...opt('workingDays', b.workingDays as string[] | undefined),
        ...opt('holidays', b.holidays as string[] | undefined),
      };
  }
}
