/** Policies from YAML text and inventory event bodies, for the availability tests. */
import { Diagnostics, formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { parseYamlSource } from '../../runtime/config/yaml-source.ts';
import type { AvailabilityPolicy } from '../../runtime/availability/policy.ts';
import { compileAvailabilityPolicy } from '../../runtime/compile/availability-policy.ts';

export function policyOf(yaml: string): AvailabilityPolicy {
  const diags = new Diagnostics();
  const source = parseYamlSource('pipelines/availability.yaml', yaml, diags, () => undefined);
  const policy = source ? compileAvailabilityPolicy(source, diags) : undefined;
  if (!policy || diags.hasErrors) throw new Error(diags.sorted().map(formatDiagnostic).join('\n'));
  return policy;
}

/** Diagnostics of a policy that should not compile, as `file:line:col: message` lines. */
export function policyErrors(yaml: string): string[] {
  const diags = new Diagnostics();
  const source = parseYamlSource('pipelines/availability.yaml', yaml, diags, () => undefined);
  if (source) compileAvailabilityPolicy(source, diags);
  return diags.sorted().map(formatDiagnostic);
}

/** Two warehouses and a 3PL; three channels exercising share, cap, buffer and a ring-fence. */
export const POLICY = `availability:
  inbound: { horizon: 10d, receivingLeadTime: 1d }
  locations:
    A: { safetyStock: 1 }
    B: { safetyStock: 0, receivingLeadTime: 0d }
    C: {}
  channels:
    web:
      locations: { default: [A, B], EU: [C] }
    market:
      locations: [B, A]
      share: { percent: 50 }
      cap: 40
      buffer: { units: 1 }
    b2b:
      locations: [A]
      ringFence: { units: 5 }
`;

export const DAY = 86_400_000;
/** 2030-01-07, a Monday, 10:00 UTC. */
export const T0 = Date.UTC(2030, 0, 7, 10, 0);

export const iso = (ms: number): string => new Date(ms).toISOString();

export const ev = {
  position: (sku: string, location: string, onHand: number, version: number, extra: { committed?: number; asOf?: number } = {}) => [
    `inventory.position.${location}`,
    { schemaVersion: 1, sku, location, onHand, version, asOf: iso(extra.asOf ?? T0 - DAY), ...(extra.committed === undefined ? {} : { committed: extra.committed }) },
  ] as const,
  reservation: (id: string, lines: { sku: string; location: string; quantity: number }[], extra: { expiresAt?: number; needBy?: string } = {}) => [
    'inventory.reservation.created',
    { schemaVersion: 1, id, lines, ...(extra.expiresAt === undefined ? {} : { expiresAt: iso(extra.expiresAt) }), ...(extra.needBy === undefined ? {} : { needBy: extra.needBy }) },
  ] as const,
  request: (id: string, channel: string, lines: { sku: string; quantity: number }[], extra: { region?: string; expiresAt?: number; needBy?: string } = {}) => [
    'inventory.reservation.requested',
    { schemaVersion: 1, id, channel, lines, ...(extra.region === undefined ? {} : { region: extra.region }), ...(extra.expiresAt === undefined ? {} : { expiresAt: iso(extra.expiresAt) }), ...(extra.needBy === undefined ? {} : { needBy: extra.needBy }) },
  ] as const,
  released: (id: string) => ['inventory.reservation.released', { schemaVersion: 1, id }] as const,
  consumed: (id: string) => ['inventory.reservation.consumed', { schemaVersion: 1, id }] as const,
  hold: (id: string, sku: string, location: string, quantity: number) => ['inventory.hold.placed', { schemaVersion: 1, id, sku, location, quantity }] as const,
  holdReleased: (id: string) => ['inventory.hold.released', { schemaVersion: 1, id }] as const,
  inbound: (id: string, sku: string, location: string, quantity: number, eta: string, extra: { kind?: 'po-ack' | 'asn'; supersedes?: string } = {}) => [
    `inventory.inbound.${extra.kind ?? 'po-ack'}`,
    { schemaVersion: 1, id, kind: extra.kind ?? 'po-ack', sku, location, quantity, eta, document: { type: '855', number: id }, ...(extra.supersedes === undefined ? {} : { supersedes: extra.supersedes }) },
  ] as const,
  receipt: (id: string, sku: string, location: string, quantity: number, receivedAt: number, inbound?: string) => [
    `inventory.receipt.${location}`,
    { schemaVersion: 1, id, sku, location, quantity, receivedAt: iso(receivedAt), ...(inbound === undefined ? {} : { inbound }) },
  ] as const,
  location: (id: string, timeZone: string, extra: { cutOff?: string; workingDays?: string[]; holidays?: string[] } = {}) => [
    `inventory.location.${id}`,
    { schemaVersion: 1, id, kind: 'warehouse', region: 'US', timeZone, ...extra },
  ] as const,
};
