/**
 * The audit log end to end on a real nats-server, with two `crossdock run` processes: documents
 * flowing through the shipped Shopify flow and documents other systems publish become exactly
 * one record each in one hash chain of blocks (also across a runner SIGKILLed mid-burst); the
 * chain verifies; queries by key, partner, kind and time answer from the CLI and the HTTP API; a
 * dead-letter replay records who did it; bad filters are refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastShopifyProject } from '../support/project.ts';
import { hdrs, readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { publishOrders, shopifyOrder } from '../support/orders.ts';
import { decodeEntry, recordsOf, sha256Hex, type AuditEntry, type AuditRecord } from '../../runtime/operations/audit/entry.ts';
import type { IndexedEntry } from '../../runtime/operations/audit/index-store.ts';

let nats: TestNats;
const project = fastShopifyProject();
const runners: RunnerProcess[] = [];
const KEYS = 'operator:alice:op-key-1,viewer:grafana:view-key-1';

function start(): RunnerProcess {
  process.env.CROSSDOCK_API_KEYS = KEYS;
  const r = startRunnerProcess(project.pipelinesDir, nats.url);
  runners.push(r);
  return r;
}

beforeAll(async () => {
  nats = await startTestNats();
  const [a, b] = [start(), start()];
  await Promise.all([a.ready, b.ready]);
});

afterAll(async () => {
  for (const r of runners) if (r.child.exitCode === null) r.child.kill('SIGTERM');
  await Promise.all(runners.map((r) => r.exited));
  await nats?.close();
});

/** The chain's blocks, in order. */
async function auditBlocks(): Promise<AuditEntry[]> {
  return (await readStream(nats.jsm, 'AUDIT')).map((m) => {
    const e = decodeEntry(new TextEncoder().encode(m.body));
    if (typeof e === 'string') throw new Error(`AUDIT ${m.seq}: ${e}`);
    return e;
  });
}

/** Every record of every block, in chain order. */
async function auditRecords(): Promise<AuditRecord[]> {
  return (await auditBlocks()).flatMap(recordsOf);
}

/** Every (stream, seq) recorded once: the set of sources equals the list of them. */
function sourcesOf(records: readonly AuditRecord[]): string[] {
  return records.filter((e) => e.source).map((e) => `${e.source!.stream}:${e.source!.seq}`);
}

/** The blocks chain: each at its sequence, each pointing at the one before. */
function expectOneChain(blocks: readonly AuditEntry[]): void {
  blocks.forEach((e, i) => {
    expect(e.seq).toBe(i + 1);
    if (i > 0) expect(e.prev).toBe(blocks[i - 1]!.hash);
  });
}

const cli = (args: readonly string[], dataDir: string) => runCli(['audit', ...args, '--nats', nats.url, '--data', dataDir]);

describe('audit log', () => {
  const orders = 30;
  let marker = 0;

  it('records each partner transaction, posting and adjustment once, in one chain, from two runners', async () => {
    await publishOrders(nats.js, 0, orders, 8);
    await nats.js.publish('erp.invoices.acme', JSON.stringify({ invoiceNumber: 'INV-900', poNumber: 'PO-77', totals: { amount: 10 } }), { msgID: 'inv:acme:INV-900' });
    await nats.js.publish('inventory.position.DC-SOLON', JSON.stringify({ sku: 'SKU-1', location: 'DC-SOLON', onHand: 12 }));
    await nats.js.publish('edi.in.810.acme', 'ISA*00*...~GS*IN~ST*810*0001~BIG*20261203*INV-901~SE*3*0001~');
    await nats.js.publish('wms.shipments.DC-SOLON', JSON.stringify({ shipmentId: 'SH-5', orderNumber: 'SO-5' }));
    // Not audited: reservations are the availability view's working traffic; CRM is not a partner.
    await nats.js.publish('inventory.reservation.created', JSON.stringify({ id: 'R-1' }));
    await nats.js.publish('crm.shipments.shopify', JSON.stringify({ shipmentId: 'SH-5' }));
    const expected = orders /* channel in */ + orders /* erp.salesorders out */ + 4;
    await waitFor(`${expected} audit records`, async () => (await auditRecords()).length >= expected, 60_000);
    await new Promise((r) => setTimeout(r, 500)); // a late duplicate would land by now
    const blocks = await auditBlocks();
    const entries = blocks.flatMap(recordsOf);
    expect(entries).toHaveLength(expected);
    const sources = sourcesOf(entries);
    expect(new Set(sources).size).toBe(sources.length);
    expectOneChain(blocks);
    // Groups, not one block a message.
    expect(blocks.length).toBeLessThan(expected);

    const byKind = (k: string) => entries.filter((e) => e.kind === k);
    expect(byKind('partner-transaction').filter((e) => e.partner === 'shopify' && e.direction === 'in')).toHaveLength(orders);
    expect(byKind('erp-posting').filter((e) => e.documentType === 'salesorders' && e.direction === 'out')).toHaveLength(orders);
    const invoice = byKind('financial-posting')[0]!;
    expect(invoice).toMatchObject({ partner: 'acme', documentType: 'invoice', direction: 'out', subject: 'erp.invoices.acme', actor: 'crossdock', source: { stream: 'ERP' } });
    expect(invoice.keys).toEqual(expect.arrayContaining(['inv:acme:INV-900', 'INV-900', 'PO-77']));
    // The body stays in its stream; the entry proves which bytes it was.
    const stored = await nats.jsm.streams.getMessage('ERP', { seq: invoice.source!.seq });
    expect(invoice.bodySha256).toBe(sha256Hex(stored!.data));
    expect(byKind('inventory-adjustment')[0]).toMatchObject({ partner: 'DC-SOLON', documentType: 'position', keys: ['SKU-1'] });
    expect(entries.find((e) => e.subject === 'edi.in.810.acme')).toMatchObject({ kind: 'partner-transaction', direction: 'in', partner: 'acme', documentType: '810' });
    const shipment = entries.find((e) => e.subject === 'wms.shipments.DC-SOLON');
    expect(shipment).toMatchObject({ direction: 'in', partner: 'DC-SOLON', documentType: 'shipments' });
    expect([...shipment!.keys].sort()).toEqual(['SH-5', 'SO-5']);
    expect(entries.some((e) => e.subject === 'inventory.reservation.created' || e.subject === 'crm.shipments.shopify')).toBe(false);
  }, 90_000);

  it('stays one chain with one record per message when a runner is killed mid-burst and started again', async () => {
    const before = (await auditRecords()).length;
    const burstSize = 150;
    const victim = runners[0]!;
    const burst = publishOrders(nats.js, 100, 100 + burstSize, 4);
    await new Promise((r) => setTimeout(r, 150));
    victim.child.kill('SIGKILL');
    await victim.exited;
    await burst;
    const again = startRunnerProcess(project.pipelinesDir, nats.url, [], { dataDir: victim.dataDir });
    runners.push(again);
    await again.ready;
    await waitFor('the burst recorded', async () => (await auditRecords()).length >= before + 2 * burstSize, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    const blocks = await auditBlocks();
    const entries = blocks.flatMap(recordsOf);
    expect(entries).toHaveLength(before + 2 * burstSize);
    const sources = sourcesOf(entries);
    expect(new Set(sources).size).toBe(sources.length);
    expectOneChain(blocks);
    const verify = await cli(['verify'], runners[1]!.dataDir);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`verified: ${blocks.length} blocks, ${entries.length} records; head ${blocks.length} ${blocks.at(-1)!.hash}`));
    marker = Date.now();
  }, 90_000);

  it('answers queries by key, partner, kind and time from the CLI', async () => {
    const dir = project.root + '/cli-data';
    // A key: the channel order and the sales order posted from it, in log order.
    const byKey = await cli(['--key', '1000003', '--json'], dir);
    expect(byKey.stderr).toBe('');
    const keyed = JSON.parse(byKey.stdout) as IndexedEntry[];
    expect(keyed.map((e) => `${e.kind}:${e.direction}`)).toEqual(['partner-transaction:in', 'erp-posting:out']);
    expect(keyed.every((e) => e.keys.includes('1000003'))).toBe(true);

    const byPartner = JSON.parse((await cli(['--partner', 'acme', '--json'], dir)).stdout) as IndexedEntry[];
    expect(byPartner.map((e) => e.subject).sort()).toEqual(['edi.in.810.acme', 'erp.invoices.acme']);

    const kinds = JSON.parse((await cli(['--kind', 'financial-posting', '--json'], dir)).stdout) as IndexedEntry[];
    expect(kinds.map((e) => e.keys)).toEqual([expect.arrayContaining(['INV-900'])]);

    // Time: nothing after the marker yet; then one new invoice, found by since and not by until.
    await nats.js.publish('erp.invoices.globex', JSON.stringify({ invoiceNumber: 'INV-901' }));
    const since = new Date(marker).toISOString();
    await waitFor('the late invoice recorded', async () => (await auditRecords()).some((e) => e.keys.includes('INV-901')), 30_000);
    const late = JSON.parse((await cli(['--since', since, '--json'], dir)).stdout) as IndexedEntry[];
    expect(late.map((e) => e.keys)).toEqual([['INV-901']]);
    const early = JSON.parse((await cli(['--until', since, '--partner', 'globex', '--json'], dir)).stdout) as IndexedEntry[];
    expect(early).toEqual([]);
    const limited = JSON.parse((await cli(['--partner', 'shopify', '--limit', '5', '--json'], dir)).stdout) as IndexedEntry[];
    expect(limited).toHaveLength(5);

    const table = await cli(['--key', 'INV-900'], dir);
    // A row per record, SEQ.I: the block's sequence and the record's place in it.
    const [invoice] = kinds;
    expect(table.stdout).toMatch(new RegExp(`^${invoice!.seq}\\.${invoice!.index}\\s+.*financial-posting\\s+out\\s+acme\\s+invoice\\s+crossdock\\s+.*INV-900`, 'm'));
    expect(table.stdout).toMatch(/^SEQ\.I\s+TIME/);
    // The row's place and hash are those of the record in the stored block.
    const block = (await auditBlocks())[invoice!.seq - 1]!;
    expect(invoice!.hash).toBe(block.hash);
    expect(recordsOf(block)[invoice!.index]).toMatchObject({ subject: 'erp.invoices.acme', keys: invoice!.keys });
  }, 60_000);

  it('answers GET /v1/audit for a viewer; refuses no key, and names the bad field', async () => {
    const { httpPort } = await runners[1]!.ready;
    const base = `http://127.0.0.1:${httpPort}/v1/audit`;
    const auth = { authorization: 'Bearer view-key-1' };
    await waitFor('the runner index has the invoice', async () => ((await (await fetch(`${base}?key=INV-901`, { headers: auth })).json()) as { count: number }).count === 1, 30_000);
    const ok = await fetch(`${base}?partner=acme&kind=financial-posting`, { headers: auth });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { entries: IndexedEntry[]; count: number; indexedThrough: number };
    expect(body.entries.map((e) => e.subject)).toEqual(['erp.invoices.acme']);
    const blocks = await auditBlocks();
    const late = blocks.find((b) => recordsOf(b).some((r) => r.keys.includes('INV-901')))!;
    expect(body.indexedThrough).toBeGreaterThanOrEqual(late.seq);
    const acme = blocks[body.entries[0]!.seq - 1]!;
    expect(body.entries[0]).toMatchObject({ hash: acme.hash, index: expect.any(Number) });
    expect(recordsOf(acme)[body.entries[0]!.index]).toMatchObject({ subject: 'erp.invoices.acme' });

    expect((await fetch(base)).status).toBe(401);
    const bad = await fetch(`${base}?since=yesterday`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'since', error: expect.stringMatching(/since 'yesterday' is not a time/) });
    const unknown = await fetch(`${base}?who=alice`, { headers: auth });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ field: 'who' });
    const limit = await fetch(`${base}?limit=0`, { headers: auth });
    expect(await limit.json()).toMatchObject({ field: 'limit' });
    // Nothing sensitive: no key text in any answer.
    expect(JSON.stringify(body)).not.toContain('view-key-1');
  }, 60_000);

  it('records who replayed a dead letter', async () => {
    await nats.js.publish('channel.shopify.orders.created', shopifyOrder(77, { currency: 'usd' }), { headers: hdrs({ 'X-Correlation-Id': 'poison' }) });
    await waitFor('the dead letter', async () => (await streamCount(nats.jsm, 'DLQ')) === 1, 30_000);
    const [dead] = await readStream(nats.jsm, 'DLQ');
    const replay = await runCli(['dlq', 'replay', String(dead!.seq), '--keep', '--actor', 'alice', '--note', 'after the currency fix', '--nats', nats.url]);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    const actions = JSON.parse((await cli(['--kind', 'operator-action', '--json'], project.root + '/cli-data')).stdout) as IndexedEntry[];
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ actor: 'alice', action: 'dlq.replay', target: `DLQ:${dead!.seq}`, note: 'after the currency fix', partner: 'shopify' });
    expect(actions[0]!.keys).toContain('1000077');
    // Found by the order's key too, beside the order's own entries.
    const byKey = JSON.parse((await cli(['--key', '1000077', '--json'], project.root + '/cli-data')).stdout) as IndexedEntry[];
    expect(byKey.map((e) => e.kind)).toContain('operator-action');
    expect((await cli(['verify'], project.root + '/cli-data')).code).toBe(0);
  }, 60_000);

  it('refuses bad filters with one line naming the option, exit 2, no stack', async () => {
    for (const [args, pattern] of [
      [['--since', 'yesterday'], /--since 'yesterday' is not a time/],
      [['--limit', 'lots'], /--limit must be a whole number/],
      [['--kind', 'gossip'], /--kind 'gossip' is not one of/],
      [['--since', '2026-12-03', '--until', '2026-12-02'], /--until must be after since/],
      [['check'], /unknown audit action 'check'/],
    ] as const) {
      const r = await cli(args, project.root + '/cli-data');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('audit verify against a tampered log (file store edited while the server is down)', () => {
  it('names the block holding the altered record', async () => {
    for (const r of runners) if (r.child.exitCode === null) r.child.kill('SIGTERM');
    await Promise.all(runners.map((r) => r.exited));
    const blocks = await auditBlocks();
    // A block in the middle with more than one record; its last record is altered.
    const target = blocks.slice(Math.floor(blocks.length / 2)).find((b) => recordsOf(b).length > 1 && recordsOf(b).at(-1)!.partner)!;
    const record = recordsOf(target).at(-1)!;
    await nats.server.stop();
    const block = findBlock(nats.storeDir);
    const raw = readFileSync(block);
    const start = raw.indexOf(Buffer.from(`"prev":"${target.prev}"`));
    expect(start).toBeGreaterThan(0);
    const from = Buffer.from(`"partner":"${record.partner}"`);
    const at = raw.lastIndexOf(from, raw.indexOf(Buffer.from(`"seq":${target.seq},"v":2}`), start));
    expect(at).toBeGreaterThan(start);
    // Same length, so the rest of the store still reads.
    const forged = Buffer.from(`"partner":"${'x'.repeat(record.partner!.length)}"`);
    forged.copy(raw, at);
    writeFileSync(block, raw);
    await nats.restart(0);
    const r = await runCli(['audit', 'verify', '--nats', nats.url, '--data', project.root + '/cli-data']);
    expect(r.code).toBe(1);
    const broken = /BROKEN at sequence (\d+): (.*)/.exec(r.stdout);
    expect(Number(broken?.[1])).toBe(target.seq);
    // Either the block reads and its hash no longer fits, or the server found its checksum
    // broken on restart and dropped the message: verify names the same block either way.
    expect(broken?.[2]).toMatch(/altered|deleted/);
  }, 60_000);
});

function findBlock(storeDir: string): string {
  return join(storeDir, 'jetstream', '$G', 'streams', 'AUDIT', 'msgs', '1.blk');
}
