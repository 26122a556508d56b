/**
 * The expectations file: the shipped one compiles to the seed's four SLAs, and each mistake
 * is reported with file:line:col, all of them in one load; the shipped keys agree across the
 * documents each SLA pairs.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadProject } from '../../runtime/compile/project.ts';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { createExchange, isFailure, processExchange } from '../../runtime/engine/process.ts';
import { REPO, repoFile, tempProject } from '../support/project.ts';

describe('expectations file', () => {
  it('the shipped project has the four SLAs of the seed, on declared streams, with their calendars', () => {
    const p = loadProject(join(REPO, 'pipelines'));
    expect(p.diagnostics.items.filter((d) => d.file.includes('expectations'))).toEqual([]);
    const set = p.expectations;
    expect(set?.expectations.map((e) => [e.name, e.raise.type, e.within, e.calendar?.name ?? null])).toEqual([
      ['order-acceptance', 'late-order-acceptance', '15m', null],
      ['pick-release', 'late-release', '4h', 'warehouse-shifts'],
      ['shipment-confirmation', 'late-shipment', '16h', 'warehouse-shifts'],
      ['supplier-response', 'late-ack', '2d', 'supplier-days'],
    ]);
    const supplier = set?.expectations.find((e) => e.name === 'supplier-response');
    expect(supplier?.when[0]?.subject).toBe('erp.out.purchaseorders.*');
    expect(supplier?.expect[0]?.subject).toBe('erp.purchaseorder-acks.*');
  });

  it('the shipped key expressions read the same key from the PO and from its acknowledgment', async () => {
    const set = loadProject(join(REPO, 'pipelines')).expectations;
    const supplier = set?.expectations.find((e) => e.name === 'supplier-response');
    const po = JSON.parse(repoFile('runtime/demo/day/payloads/canonical/purchase-order/valid/node-x12-850.json')) as unknown;
    const key = await supplier?.when[0]?.key.evaluate(po, { subject: 'erp.out.purchaseorders.999999999', headers: {} });
    const partner = await supplier?.when[0]?.partner?.evaluate(po, { subject: 'erp.out.purchaseorders.999999999', headers: {} });
    expect(key).toEqual({ poNumber: '08292233294' });
    expect(partner).toBe('999999999');
    const ship = set?.expectations.find((e) => e.name === 'shipment-confirmation');
    const confirmation = JSON.parse(repoFile('runtime/demo/day/payloads/pipelines/wms-shipments/shipment-shp-000871.json')) as unknown;
    expect(await ship?.expect[0]?.key.evaluate(confirmation, { subject: 'wms.shipments.DC-EAST', headers: {} })).toEqual({ channel: 'shopify', orderNumber: '#1001' });
  });

  it('pick release and shipment confirmation read one key from the posting, the warehouse order wms-release-orders makes, and the WMS shipment', async () => {
    const project = loadProject(join(REPO, 'pipelines'));
    const set = project.expectations;
    const pick = set?.expectations.find((e) => e.name === 'pick-release');
    const ship = set?.expectations.find((e) => e.name === 'shipment-confirmation');
    // What erp-post-salesorders publishes for the B2B order (its map step's fields).
    const posted = { channel: 'b2b-portal', externalId: 'B2B-100482', orderNumber: 'ACME-PO-55120', erpOrderNumber: 'SO-500001', postedAt: '2026-03-02T14:16:00Z' };
    // The warehouse order, as the shipped pipeline makes it from the demo day's release.
    const release = pipeline(project, 'wms-release-orders');
    const data = new TextEncoder().encode(repoFile('runtime/demo/day/payloads/canonical/warehouse-release/valid/b2b-acme-po-55120-dc-east.json'));
    const ex = createExchange(release, { data, headers: {}, meta: { pipeline: release.name, subject: 'erp.out.releases.DC-EAST', stream: 'ERP', streamSeq: 1, deliveryCount: 1, receivedAt: 0, key: 'ERP:1' } }, release.input.format);
    if (isFailure(ex)) throw new Error(ex.reason);
    const out = await processExchange(release, ex);
    if (out.kind !== 'emit') throw new Error(out.kind);
    const order = out.emissions[0]!.body;
    const confirmation = JSON.parse(repoFile('runtime/demo/day/payloads/pipelines/wms-shipments/shipment-shp-000872-b2b.json')) as unknown;
    const key = { channel: 'b2b-portal', orderNumber: 'ACME-PO-55120' };
    expect(await pick?.when[0]?.key.evaluate(posted, { subject: 'erp.posted.salesorders.b2b-portal', headers: {} })).toEqual(key);
    expect(await pick?.expect[0]?.key.evaluate(order, { subject: out.emissions[0]!.subject, headers: {} })).toEqual(key);
    expect(await ship?.when[0]?.key.evaluate(order, { subject: out.emissions[0]!.subject, headers: {} })).toEqual(key);
    expect(await ship?.when[0]?.warehouse?.evaluate(order, { subject: out.emissions[0]!.subject, headers: {} })).toBe('DC-EAST');
    expect(await ship?.expect[0]?.key.evaluate(confirmation, { subject: 'wms.shipments.DC-EAST', headers: {} })).toEqual(key);
  });

  it('reports every mistake with file, line and column', () => {
    const t = tempProject({
      'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
      'pipelines/sla.yaml': `calendars:
  office:
    timeZone: Mars/Olympus
expectations:
  a:
    when: { subject: erp.out.purchaseorders.*, key: "poNumber &" }
    expect: { subject: nowhere.x, key: poNumber }
    within: 1h
    calendar: shop
    raise: { type: late-ack }
  b:
    when: { subject: erp.x, key: id }
    expect: { subject: erp.y, key: id }
    within: 1h
    raise: { type: late-ack }
`,
    });
    const p = loadProject(t.pipelinesDir);
    expect(p.expectations).toBeUndefined();
    const lines = p.diagnostics.sorted().map(formatDiagnostic);
    expect(lines.some((l) => /pipelines\/sla\.yaml:3:15: .*calendar 'office': 'Mars\/Olympus' is not a time zone/.test(l))).toBe(true);
    expect(lines.some((l) => /pipelines\/sla\.yaml:6:\d+: .*invalid JSONata/.test(l))).toBe(true);
    expect(lines.some((l) => /pipelines\/sla\.yaml:6:\d+: .*needs a `partner` expression/.test(l))).toBe(true);
    expect(lines.some((l) => /pipelines\/sla\.yaml:9:15: .*calendar 'shop', which is not declared/.test(l))).toBe(true);
    expect(lines.some((l) => /pipelines\/sla\.yaml:12:11: expectation 'b': each `when` document needs a `partner`/.test(l))).toBe(true);
  });

  it('a field the schema does not know is reported where it is written', () => {
    const t = tempProject({
      'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
      'pipelines/sla.yaml': `expectations:
  a:
    when: { subject: erp.x, key: id, partner: "'p'" }
    expect: { subject: erp.y, key: id }
    within: 1h
    raise: { type: late-ack, colour: red }
`,
    });
    const lines = loadProject(t.pipelinesDir).diagnostics.sorted().map(formatDiagnostic);
    expect(lines).toContainEqual(expect.stringMatching(/pipelines\/sla\.yaml:6:\d+: .*colour/));
  });

  it('a subject outside every stream is an error naming the subject', () => {
    const t = tempProject({
      'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
      'pipelines/sla.yaml': `expectations:
  a:
    when: { subject: erp.out.purchaseorders.*, key: poNumber, partner: "'x'" }
    expect: { subject: nowhere.x, key: poNumber }
    within: 1h
    raise: { type: late-ack }
`,
    });
    const lines = loadProject(t.pipelinesDir).diagnostics.sorted().map(formatDiagnostic);
    expect(lines).toContainEqual(expect.stringMatching(/pipelines\/sla\.yaml:4:24: .*subject 'nowhere\.x' is not captured by any declared stream/));
  });
  it('retention: 35 days unless the file says otherwise; under a day is an error at its line', () => {
    expect(loadProject(join(REPO, 'pipelines')).expectations?.retentionMs).toBe(35 * 86_400_000);
    const file = (retention: string): string => `retention: ${retention}
expectations:
  a:
    when: { subject: erp.out.purchaseorders.*, key: poNumber, partner: "'x'" }
    expect: { subject: erp.purchaseorder-acks.*, key: poNumber }
    within: 1h
    raise: { type: late-ack }
`;
    const ok = loadProject(tempProject({ 'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'), 'pipelines/sla.yaml': file('90d') }).pipelinesDir);
    expect(ok.expectations?.retentionMs).toBe(90 * 86_400_000);
    const short = loadProject(tempProject({ 'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'), 'pipelines/sla.yaml': file('6h') }).pipelinesDir);
    expect(short.expectations).toBeUndefined();
    expect(short.diagnostics.sorted().map(formatDiagnostic)).toContainEqual(expect.stringMatching(/pipelines\/sla\.yaml:1:\d+: .*retention must be at least 1d/));
  });
});

function pipeline(project: ReturnType<typeof loadProject>, name: string) {
  const found = project.pipelines.find((p) => p.name === name);
  if (!found) throw new Error(`no pipeline ${name}`);
  return found;
}
