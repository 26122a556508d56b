/**
 * EDI benchmark: X12 850 files of 1 to 10,000 lines, parsed and mapped by the shipped
 * pipelines, next to the raw parse alone (the ceiling) in the same run.
 *  - ceiling: `readInterchanges` on the file text, nothing else;
 *  - crossdock: the edi-inbound steps (x12-read, reject, route, the per-document emissions)
 *    and, for each 850 it emits, the edi-retail-orders steps (headers, JSONata map to
 *    SalesOrder, schema validation, route, output subject and id), through the same pure
 *    engine the runner uses. The availability steps are left out here (they are measured in
 *    the availability section) and so is NATS (measured in the runner section).
 * Rounds alternate between the two so that drift on a shared machine hits both alike.
 */
import { parseDocument } from 'yaml';
import { loadProject } from '../../runtime/compile/project.ts';
import type { CompiledPipeline } from '../../runtime/compile/pipeline.ts';
import { createExchange, isFailure, processExchange, type Outcome } from '../../runtime/engine/process.ts';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { isPromiseLike } from '../../runtime/expressions/jsonata.ts';
import { readInterchanges } from '../../runtime/edi/x12/index.ts';
import { dropSteps, repoFile, tempProject } from '../support/project.ts';
import { fmt, table } from './stats.ts';

export interface EdiRow {
  readonly lines: number;
  readonly fileKiB: number;
  /** Files per second. */
  readonly ceiling: number;
  readonly crossdock: number;
  readonly ratio: number;
  /** Order lines per second through the pipelines. */
  readonly linesPerSec: number;
}

const SIZES = [1, 10, 100, 1_000, 10_000];

/** An 850 in the shape of the corpus' retail PO (edi-engine__850.OK.edi) with `lines` PO1 loops. */
export function purchaseOrder850(lines: number, poNumber: string): string {
  const seg: string[] = [
    'ISA*00*          *00*          *ZZ*ABCDEFGHIJKLMNO*ZZ*123456789012345*260302*0930*U*00401*000003438*0*P*>',
    'GS*PO*4405197800*999999999*20260302*0930*1421*X*004010',
    'ST*850*000000010',
    `BEG*00*SA*${poNumber}**20260302`,
    'REF*DP*038',
    'DTM*002*20260316',
    'TD5*A*92*P3**SEE XYZ RETAIL ROUTING GUIDE',
    'N1*ST*XYZ RETAIL*9*0003947268292',
    'N3*31875 SOLON RD',
    'N4*SOLON*OH*44139',
  ];
  let amount = 0;
  for (let i = 1; i <= lines; i++) {
    const qty = 12 + (i % 40);
    const price = 4 + (i % 17) * 0.55;
    amount += qty * price;
    seg.push(`PO1*${i}*${qty}*EA*${price.toFixed(2)}*TE*CB*0653${String(i % 1000).padStart(3, '0')}-117*PR*RO*VN*SKU${i % 500}`, `PID*F****WIDGET ${i % 500}`, 'PO4*4*4*EA');
  }
  seg.push(`CTT*${lines}`, `AMT*1*${amount.toFixed(2)}`);
  const inSet = seg.length - 2 + 1; // ST through SE
  seg.push(`SE*${inSet}*000000010`, 'GE*1*1421', 'IEA*1*000003438');
  return seg.join('~\n') + '~\n';
}

/** The two shipped pipelines, the retail one without its availability steps. */
export function pipelines(): { inbound: CompiledPipeline; orders: CompiledPipeline } {
  const doc = parseDocument(repoFile('pipelines/orders/edi-retail-orders.yaml'));
  dropSteps(doc, (kind) => kind === 'atp' || kind === 'reserve');
  const project = tempProject({
    'pipelines/edi-inbound.yaml': repoFile('pipelines/edges/edi-inbound.yaml'),
    'pipelines/edi-retail-orders.yaml': doc.toString(),
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
  });
  const loaded = loadProject(project.pipelinesDir);
  const inbound = loaded.pipelines.find((p) => p.name === 'edi-inbound');
  const orders = loaded.pipelines.find((p) => p.name === 'edi-retail-orders');
  if (!inbound || !orders) throw new Error(`bench pipelines did not compile: ${loaded.diagnostics.sorted().map(formatDiagnostic).join('; ')}`);
  return { inbound, orders };
}

const enc = new TextEncoder();

async function run(p: CompiledPipeline, data: Uint8Array, subject: string, seq: number): Promise<Outcome> {
  const meta = { pipeline: p.name, subject, stream: p.input.origin.stream, streamSeq: seq, deliveryCount: 1, receivedAt: Date.now(), key: `bench:${seq}` };
  const ex = createExchange(p, { data, headers: {}, meta }, p.input.format);
  if (isFailure(ex)) throw new Error(`${p.name}: ${ex.reason}`);
  const r = processExchange(p, ex);
  return isPromiseLike(r) ? await r : r;
}

/** One file through both pipelines; returns the order lines that reached the ERP output. */
export async function throughPipelines(pl: { inbound: CompiledPipeline; orders: CompiledPipeline }, data: Uint8Array, seq: number): Promise<number> {
  const read = await run(pl.inbound, data, 'file:bench', seq);
  if (read.kind !== 'emit') throw new Error(`edi-inbound: ${read.kind === 'fail' ? read.failure.reason : 'dropped'}`);
  let lines = 0;
  for (const doc of read.emissions) {
    if (!doc.subject.startsWith('edi.in.850.')) continue;
    // What the publisher would send and the next runner would receive.
    const order = await run(pl.orders, enc.encode(JSON.stringify(doc.body)), doc.subject, seq);
    if (order.kind !== 'emit') throw new Error(`edi-retail-orders: ${order.kind === 'fail' ? order.failure.reason : 'dropped'}`);
    for (const e of order.emissions) if (e.output === 'erp') lines += (e.body as { lines: unknown[] }).lines.length;
  }
  return lines;
}

/** Runs `fn` for about `ms`; returns calls per second. */
async function rate(ms: number, fn: (i: number) => unknown): Promise<number> {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) await fn(n++);
  return n / ((performance.now() - start) / 1000);
}

export async function benchEdi(opts: { quick?: boolean }): Promise<EdiRow[]> {
  const pl = pipelines();
  const roundMs = opts.quick ? 150 : 600;
  const rounds = opts.quick ? 2 : 4;
  const rows: EdiRow[] = [];
  let seq = 0;
  for (const lines of SIZES) {
    const files = Array.from({ length: 4 }, (_, i) => purchaseOrder850(lines, `PO${lines}-${i}`));
    const bytes = files.map((f) => enc.encode(f));
    // Sanity: every line must arrive, or the figure below is not for the work it names.
    const got = await throughPipelines(pl, bytes[0]!, ++seq);
    if (got !== lines) throw new Error(`${lines}-line 850: ${got} lines reached the ERP output`);
    let ceiling = 0;
    let crossdock = 0;
    for (let r = 0; r < rounds; r++) {
      ceiling = Math.max(ceiling, await rate(roundMs, (i) => readInterchanges(files[i % files.length]!)));
      crossdock = Math.max(crossdock, await rate(roundMs, (i) => throughPipelines(pl, bytes[i % bytes.length]!, ++seq)));
    }
    rows.push({ lines, fileKiB: bytes[0]!.length / 1024, ceiling, crossdock, ratio: crossdock / ceiling, linesPerSec: crossdock * lines });
  }
  return rows;
}

export function ediText(rows: readonly EdiRow[]): string {
  return [
    'EDI X12 850 files: parsed and mapped (edi-inbound → edi-retail-orders steps, no NATS, no availability) vs the raw parse alone, best of alternating rounds',
    table(
      ['PO lines', 'file', 'raw parse files/s', 'crossdock files/s', 'crossdock lines/s', 'crossdock/raw'],
      rows.map((r) => [fmt(r.lines), `${r.fileKiB < 10 ? r.fileKiB.toFixed(1) : fmt(r.fileKiB)} KiB`, fmt(r.ceiling), fmt(r.crossdock), fmt(r.linesPerSec), r.ratio.toFixed(2)]),
    ),
  ].join('\n');
}
