/**
 * What the operations views cost the Shopify flow: `crossdock run` on (c), and on (c′) (the same
 * with the shipped expectations, so each order opens order-acceptance), with CROSSDOCK_VIEWS set
 * to none, to one view, and to all of them. Overhead is against the row with no views, by
 * throughput (the target) and by the runner's CPU per order (steadier when the machine
 * is shared). Rows alternate with their baselines in one run, on one fresh nats-server each.
 */
import { runCrossdock, type RelayRow } from './relay.ts';
import { fmt, ms, table } from './stats.ts';
import { VIEWS_ENV } from '../../runtime/runner/views.ts';

export interface OperationsRow extends RelayRow {
  readonly flow: 'c' | "c'";
  readonly views: string;
  /** 1 − throughput / the flow's no-view throughput. */
  readonly overhead: number;
  /** CPU per order / the flow's no-view CPU per order − 1. */
  readonly cpuOverhead: number;
}

const PLAN: readonly { readonly flow: 'c' | "c'"; readonly views: string }[] = [
  { flow: 'c', views: 'none' },
  { flow: 'c', views: 'trace' },
  { flow: 'c', views: 'audit' },
  { flow: 'c', views: 'workbench' },
  { flow: "c'", views: 'none' },
  { flow: "c'", views: 'expectations' },
  { flow: "c'", views: 'trace,expectations' },
  { flow: "c'", views: 'all' },
];

async function withViews<T>(views: string, run: () => Promise<T>): Promise<T> {
  const before = process.env[VIEWS_ENV];
  process.env[VIEWS_ENV] = views;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env[VIEWS_ENV];
    else process.env[VIEWS_ENV] = before;
  }
}

export async function benchOperations(opts: { quick?: boolean }): Promise<OperationsRow[]> {
  const count = opts.quick ? 2000 : 20_000;
  const latencyCount = opts.quick ? 200 : 1000;
  const measured: { flow: 'c' | "c'"; views: string; row: RelayRow }[] = [];
  for (const p of PLAN) {
    const row = await withViews(p.views, () => runCrossdock(p.flow === 'c' ? 'first' : 'first-expectations', count, latencyCount, 500));
    measured.push({ ...p, row });
  }
  return measured.map(({ flow, views, row }) => {
    const base = measured.find((m) => m.flow === flow && m.views === 'none')?.row as RelayRow;
    return { ...row, flow, views, overhead: 1 - row.msgPerSec / base.msgPerSec, cpuOverhead: row.cpuUsPerMsg / base.cpuUsPerMsg - 1 };
  });
}

export function operationsText(rows: readonly OperationsRow[]): string {
  const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
  const te = rows.find((r) => r.flow === "c'" && r.views === 'trace,expectations');
  return [
    'Operations views: the Shopify flow (c) and (c′, with the shipped expectations) with CROSSDOCK_VIEWS set per row',
    table(
      ['flow', 'views', 'messages', 'msg/s', 'CPU µs/msg', 'p50', 'p99', 'overhead', 'by CPU'],
      rows.map((r) => [`(${r.flow})`, r.views, fmt(r.messages), fmt(r.msgPerSec), fmt(r.cpuUsPerMsg), ms(r.latencyMs.p50), ms(r.latencyMs.p99), r.views === 'none' ? '-' : pct(r.overhead), r.views === 'none' ? '-' : pct(r.cpuOverhead)]),
    ),
    te ? `trace index + expectations: ${pct(te.overhead)} of (c′)'s throughput (target ≤ 10 %), ${pct(te.cpuOverhead)} more CPU per order` : '',
  ].join('\n');
}
