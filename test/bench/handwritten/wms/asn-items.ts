/**
 * The items of a canonical ASN in document order, as supplier-asns and asn-to-expected-receipt
 * number them: each order's packs and their items, then the order's loose items.
 */
import { type Json } from '../common.ts';

export function asnItems(orders: unknown): Json[] {
  const out: Json[] = [];
  for (const o of (orders ?? []) as Json[]) {
    const poNumber = o.poNumber;
    for (const p of (o.packs ?? []) as Json[]) {
      for (const item of (p.items ?? []) as Json[]) {
        const entry: Json = {};
        if (poNumber !== undefined) entry.poNumber = poNumber;
        if (p.sscc !== undefined) entry.sscc = p.sscc;
        entry.item = item;
        out.push(entry);
      }
    }
    for (const item of (o.items ?? []) as Json[]) {
      const entry: Json = {};
      if (poNumber !== undefined) entry.poNumber = poNumber;
      entry.item = item;
      out.push(entry);
    }
  }
  return out;
}
