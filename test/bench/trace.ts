/**
 * The trace index: how fast a journey is looked up in an index of many orders. What folding it
 * costs the Shopify flow is measured with the other views in operations.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize, fmt, ms } from './stats.ts';
import { TraceDb } from '../../runtime/operations/trace/store.ts';
import { journeyOf } from '../../runtime/operations/trace/journey.ts';
import type { Hop } from '../../runtime/operations/trace/hop.ts';

export interface TraceBench {
  readonly lookup: { readonly orders: number; readonly hops: number; readonly foldHopsPerSec: number; readonly lookups: number; readonly p50Ms: number; readonly p99Ms: number; readonly hopsPerJourney: number };
}

/** An order's four hops as the shipped pipelines make them (webhook, SalesOrder, posting, shipment). */
function orderHops(n: number, seqs: Record<string, number>, t: number): Hop[] {
  const next = (s: string): number => (seqs[s] = (seqs[s] ?? 0) + 1);
  const ch = next('CHANNELS');
  const so = next('ERP');
  const posted = next('ERP');
  const ship = next('ERP');
  const order = `#${100_000 + n}`;
  return [
    { stream: 'CHANNELS', seq: ch, subject: 'channel.shopify.orders.created', time: t, outcome: 'delivered', pipeline: 'shopify-webhooks', source: `http:wh-${n}`, correlationId: `c-${n}`, keys: {} },
    { stream: 'ERP', seq: so, subject: 'erp.salesorders.shopify', time: t + 1, outcome: 'delivered', pipeline: 'shopify-orders', source: `CHANNELS:${ch}`, correlationId: `c-${n}`, msgId: `shopify:${n}`, keys: { orderNumber: order, externalId: String(n) } },
    { stream: 'ERP', seq: posted, subject: 'erp.posted.salesorders.shopify', time: t + 50, outcome: 'delivered', pipeline: 'erp-post-salesorders', source: `ERP:${so}`, correlationId: `c-${n}`, keys: { orderNumber: order, externalId: String(n), erpOrderNumber: `SO-${n}` } },
    { stream: 'ERP', seq: ship, subject: 'erp.shipments.shopify', time: t + 3_600_000, outcome: 'delivered', pipeline: 'wms-shipments', source: `WMS:${n}`, correlationId: `w-${n}`, keys: { orderNumber: order, shipmentId: `SHP-${n}` } },
  ];
}

async function lookupBench(orders: number, lookups: number): Promise<TraceBench['lookup']> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-trace-'));
  const db = TraceDb.open(dir);
  try {
    const seqs: Record<string, number> = {};
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    let hops = 0;
    const started = performance.now();
    for (let n = 0; n < orders; n += 250) {
      const batch: Hop[] = [];
      for (let i = n; i < Math.min(orders, n + 250); i++) batch.push(...orderHops(i, seqs, t0 + i * 1000));
      hops += db.commit(batch).written;
    }
    await db.committed();
    const foldMs = performance.now() - started;
    const samples: number[] = [];
    let found = 0;
    for (let i = 0; i < lookups; i++) {
      const n = Math.floor(Math.random() * orders);
      const key = i % 2 === 0 ? `#${100_000 + n}` : `SO-${n}`;
      const s = performance.now();
      found += journeyOf(db, key).hops.length;
      samples.push(performance.now() - s);
    }
    const st = summarize(samples);
    return { orders, hops, foldHopsPerSec: (hops / foldMs) * 1000, lookups, p50Ms: st.p50, p99Ms: st.p99, hopsPerJourney: found / lookups };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchTrace(opts: { quick?: boolean }): Promise<TraceBench> {
  return { lookup: await lookupBench(opts.quick ? 10_000 : 250_000, opts.quick ? 500 : 5000) };
}

export function traceText(r: TraceBench): string {
  const l = r.lookup;
  return [
    "Trace index: journeys looked up in an index of many orders (what folding it costs the flow: the operations section)",
    `lookup: ${fmt(l.orders)} orders (${fmt(l.hops)} hops, folded at ${fmt(l.foldHopsPerSec)} hops/s), ${fmt(l.lookups)} journeys of ${l.hopsPerJourney.toFixed(1)} hops by order or ERP number: p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)}`,
  ].join('\n');
}
