/** Reservation records as callers see them: a decision with its lines, allocations and shortages. */
import type { ReservationDecision } from './api.ts';
import type { ReservationRecord } from './state.ts';

export function decisionOf(r: ReservationRecord): ReservationDecision | undefined {
  if (r.status === 'closed-unseen') return undefined;
  const status = r.status === 'active' ? 'accepted' : r.status;
  const bySku = new Map<string, { sku: string; quantity: number; allocations: { location: string; quantity: number }[] }>();
  for (const l of r.lines) {
    let line = bySku.get(l.sku);
    if (!line) {
      line = { sku: l.sku, quantity: 0, allocations: [] };
      bySku.set(l.sku, line);
    }
    line.quantity += l.quantity;
    line.allocations.push({ location: l.location, quantity: l.quantity });
  }
  return {
    id: r.id,
    status,
    ...(r.channel === undefined ? {} : { channel: r.channel }),
    seq: r.seq,
    lines: [...bySku.values()],
    shortages: r.shortages ?? [],
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    ...(r.expiresAt === undefined ? {} : { expiresAt: new Date(r.expiresAt).toISOString() }),
  };
}
