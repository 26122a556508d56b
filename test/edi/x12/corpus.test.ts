/**
 * Every file in test/fixtures/x12/ is either read with its real content asserted, or rejected
 * with a specific error (code and segment). The table must cover every fixture.
 */
import { describe, expect, it } from 'vitest';
import { readInterchanges, type HlNode, type ReadResult, type X12Error } from '../../../runtime/edi/x12/index.ts';
import type { PurchaseOrder850, PoAcknowledgment855, ShipNotice856, ShippingOrder940 } from '../../../runtime/edi/x12/index.ts';
import { fixture, fixtureNames } from './helpers.ts';

type Expectation = (result: ReadResult, file: string) => void;

function only<T>(list: readonly T[] | undefined): T {
  expect(list).toHaveLength(1);
  return (list as readonly T[])[0] as T;
}

function errorSummary(errors: readonly X12Error[]): Array<[string, number | undefined, string | undefined, string]> {
  return errors.map((e) => [e.code, e.segment?.position, e.segment?.tag, e.level]);
}

/** The 850 that node-x12 and EdiEngine both ship (same body, different envelopes). */
function expectSolonPurchaseOrder(po: PurchaseOrder850): void {
  expect(po.beg).toEqual({ purpose: '00', type: 'SA', poNumber: '08292233294', date: '2010-11-27', contractNumber: '610385385' });
  expect(po.refs).toEqual([
    { qualifier: 'DP', value: '038' },
    { qualifier: 'PS', value: 'R' },
  ]);
  expect(po.terms).toEqual([{ typeCode: '14', basisDateCode: '3', discountPercent: 2, discountDaysDue: 45, netDays: 46 }]);
  expect(po.dates).toEqual([{ qualifier: '002', date: '2010-12-14' }]);
  expect(po.carriers).toEqual([{ routingSequence: 'A', idQualifier: '92', id: 'P3', routing: 'SEE XYZ RETAIL ROUTING GUIDE' }]);
  expect(po.parties).toEqual([
    { role: 'ST', name: 'XYZ RETAIL', idQualifier: '9', id: '0003947268292', address: ['31875 SOLON RD'], city: 'SOLON', state: 'OH', postalCode: '44139' },
  ]);
  const lines = po.lines ?? [];
  expect(lines.map((l) => l.quantity)).toEqual([120, 220, 126, 76, 72, 696]);
  expect(lines.map((l) => l.unitPrice)).toEqual([9.25, 13.79, 10.99, 4.35, 7.5, 9.55]);
  expect(lines.map((l) => l.descriptions?.[0]?.description)).toEqual(['SMALL WIDGET', 'MEDIUM WIDGET', 'LARGE WIDGET', 'NANO WIDGET', 'BLUE WIDGET', 'ORANGE WIDGET']);
  expect(lines[0]).toMatchObject({
    lineNumber: '1',
    unit: 'EA',
    priceBasis: 'TE',
    productIds: { CB: '065322-117', PR: 'RO', VN: 'AB3542' },
    pack: { pack: 4, size: 4, unit: 'EA', packagingCode: 'PLT94', grossWeight: 3, weightUnit: 'LR', grossVolume: 15, volumeUnit: 'CT' },
  });
  expect(lines[1]?.pack).toEqual({ pack: 2, size: 2, unit: 'EA' });
  expect(po.totals).toEqual({ lineCount: 6 });
  expect(po.amounts).toEqual([{ qualifier: '1', amount: 13045.94 }]);
}

function expectSolonFile(result: ReadResult, file: string, terminator: string): void {
  expect(result.ok).toBe(true);
  const ic = only(result.interchanges);
  expect(ic.envelope).toMatchObject({
    sender: { qualifier: '12', id: '4405197800' },
    receiver: { qualifier: '01', id: '999999999' },
    date: '2010-11-27',
    time: '17:19',
    controlNumber: '000003438',
    version: '00400',
    usage: 'production',
    ackRequested: false,
    delimiters: { element: '*', component: '>', segment: terminator },
  });
  expect(only(ic.groups).header).toMatchObject({ functionalId: 'PO', controlNumber: '1421', version: '004010VICS', date: '2010-11-27' });
  const set = only(result.documents);
  expect(set.trace).toEqual({
    source: file,
    interchangeControlNumber: '000003438',
    groupControlNumber: '1421',
    transactionControlNumber: '000000010',
    sender: '4405197800',
    receiver: '999999999',
    firstSegment: 3,
    lastSegment: 35,
  });
  expect(set.unmapped).toEqual([
    { tag: 'PKG', position: 9, index: 7 },
    { tag: 'PKG', position: 10, index: 8 },
  ]);
  expectSolonPurchaseOrder(set.document as PurchaseOrder850);
}

function levels(node: HlNode): unknown {
  return { id: node.id, level: node.level, children: (node.children ?? []).map(levels) };
}

const EXPECTED: Record<string, Expectation> = {
  'edi-engine__850.Composite.SLN.OK.edi': (r) => {
    expect(r.ok).toBe(true);
    const set = only(r.documents);
    const po = set.document as PurchaseOrder850;
    expect(po.beg.poNumber).toBe('08292233294');
    expect(po.lines).toHaveLength(2);
    expect(po.lines?.[0]?.subLines).toEqual([
      {
        id: '1.1',
        relationship: 'I',
        quantity: 10000,
        unit: ['PC', '11.1', '12.2', 'EA', '13.3', '14.4'],
        unitPrice: 1.56,
        priceBasis: 'TP',
        productIds: { VC: 'P-875OS', UI: '09999982001' },
      },
    ]);
    expect(po.lines?.[1]?.subLines?.[0]?.unit).toEqual(['PC', '21.1', '22.2', 'EA', '23.3', '24.4']);
    // The generic form keeps the composite as components too.
    const sln = set.segments.find((s) => s.tag === 'SLN');
    expect(sln?.elements[4]).toEqual(['PC', '11.1', '12.2', 'EA', '13.3', '14.4']);
    expect(po.totals).toEqual({ lineCount: 2 });
  },

  'edi-engine__850.OK.edi': (r, file) => {
    expect(r.ok).toBe(true);
    const ic = only(r.interchanges);
    expect(ic.envelope.sender).toEqual({ qualifier: 'ZZ', id: 'ABCDEFGHIJKLMNO' });
    expect(ic.envelope.delimiters.segment).toBe('\n');
    const set = only(r.documents);
    expect(set.trace.source).toBe(file);
    expectSolonPurchaseOrder(set.document as PurchaseOrder850);
  },

  'edi-engine__850.SyntaxNotes.ERR.edi': (r, file) => {
    expect(r.documents).toEqual([]);
    expect(errorSummary(r.errors)).toEqual([
      ['syntax-rule', 15, 'PO1', 'transaction'],
      ['syntax-rule', 32, 'PO4', 'transaction'],
    ]);
    expect(r.errors[0]?.segment).toMatchObject({ element: 7, indexInSet: 13 });
    expect(r.errors[0]?.message).toBe(`${file}: segment 15 (PO1), element PO107: syntax note P0607: PO106 and PO107 must be given together; PO107 is missing`);
    expect(r.errors[1]?.segment).toMatchObject({ element: 6, indexInSet: 30 });
    expect(r.errors[1]?.ack).toEqual({ ak5: '5', ak3: '8', ak4: '2' });
    const ic = only(r.interchanges);
    expect(ic.status).toBe('accepted');
    expect(only(ic.groups).status).toBe('rejected');
    const set = only(only(ic.groups).transactionSets);
    expect(set.status).toBe('rejected');
    expect(set.document).toBeUndefined();
  },

  'edi-engine__856.Crossdock.OK.edi': (r) => {
    expect(r.ok).toBe(true);
    const asn = only(r.documents).document as ShipNotice856;
    expect(asn.bsn).toEqual({ purpose: '00', shipmentId: '000009', date: '2009-09-21', time: '08:01', structureCode: '0001' });
    const root = only(asn.hierarchy);
    expect(levels(root)).toEqual({
      id: '1',
      level: 'shipment',
      children: [
        {
          id: '2',
          level: 'order',
          children: ['3', '5', '7', '9'].map((p) => ({ id: p, level: 'pack', children: [{ id: String(Number(p) + 1), level: 'item', children: [] }] })),
        },
        { id: '11', level: 'order', children: [{ id: '12', level: 'pack', children: [{ id: '13', level: 'item', children: [] }] }] },
      ],
    });
    expect(asn.shipment).toEqual({
      hlId: '1',
      shipmentId: '000009',
      scac: 'OVNT',
      billOfLading: '000001',
      shipDate: '2009-09-21',
      estimatedDelivery: '2009-09-25',
      packages: 5,
      packagingCode: 'CTN',
      weight: 24,
      weightUnit: 'LB',
    });
    expect(root.equipment).toEqual([{ code: 'TL', number: '1234567890' }]);
    expect(root.children?.[0]?.order).toEqual({ poNumber: 'POREF00' });
    expect(root.children?.[0]?.packaging).toEqual([{ packagingCode: 'CTN', ladingQuantity: 4 }]);
    expect(asn.items).toEqual([
      { hlId: '4', productIds: { UP: '0000000000642' }, quantity: 12, unit: 'EA', poNumber: 'POREF00', sscc: '00000715670002152360' },
      { hlId: '6', productIds: { EN: '0000000000831' }, quantity: 12, unit: 'EA', poNumber: 'POREF00', sscc: '00000715670002152377' },
      { hlId: '8', productIds: { UP: '0000000000283' }, quantity: 12, unit: 'EA', poNumber: 'POREF00', sscc: '00000715670002152384' },
      { hlId: '10', productIds: { UP: '0000000000203' }, quantity: 12, unit: 'EA', poNumber: 'POREF00', sscc: '00000715670002152391' },
      { hlId: '13', productIds: { UP: '0000000000642' }, quantity: 12, unit: 'EA', poNumber: 'POREF01', sscc: '00000715670002152111' },
    ]);
    expect(asn.totals).toEqual({ lineCount: 13 });
  },

  'edi-engine__940.OK.edi': (r) => {
    // The file ends right after "IEA*1*000003438" with no terminator: a complete IEA still counts.
    expect(r.ok).toBe(true);
    const ic = only(r.interchanges);
    expect(ic.trailer).toEqual({ groupCount: '1', controlNumber: '000003438' });
    const order = only(r.documents).document as ShippingOrder940;
    expect(order.w05).toEqual({ orderStatus: 'N', depositorOrderNumber: '538686', linkSequence: '001001', masterReference: '538686' });
    expect(order.parties?.map((p) => [p.role, p.name, p.id, p.city])).toEqual([
      ['ST', 'ST COMPANY', '00000001', 'CITY'],
      ['DE', 'DE COMPANY', '0000000000001', 'CITY'],
      ['WH', 'WHNAME', '0000000000140', 'CITY'],
    ]);
    expect(order.refs).toEqual([{ qualifier: 'BR', value: 'R1121' }]);
    expect(order.dates).toEqual([
      { qualifier: '10', date: '2000-02-04' },
      { qualifier: '02', date: '2000-02-07' },
    ]);
    expect(order.carrier).toEqual({ paymentMethod: 'PP', transportationMethod: 'M', routing: 'MTEN' });
    expect(order.lines).toEqual([
      { number: '1', quantity: 12, unit: 'CA', upcCaseCode: '000100000010', productIds: { VN: '000100', UC: 'DEC0199' }, descriptions: ['11.500 STRUD BLUBRY'], refs: [{ qualifier: 'PC', value: 'DEC0199' }] },
      { number: '2', quantity: 32, unit: 'CA', upcCaseCode: '000000000220', productIds: { VN: '000200', UC: 'DEC0299' }, descriptions: ['11.500 STRUD CINN'], refs: [{ qualifier: 'PC', value: 'DEC0299' }] },
      { number: '3', quantity: 12, unit: 'CA', upcCaseCode: '000000000330', productIds: { VN: '000300', UC: 'JAN0100' }, descriptions: ['11.500 STRUDEL RASPBRY'], refs: [{ qualifier: 'PC', value: 'JAN0100' }] },
    ]);
    expect(order.totals).toEqual({ quantity: 56, weight: 500, weightUnit: 'LB', volume: 24, volumeUnit: 'CF' });
  },

  'edi-engine__ControlNumbersMismatch.edi': (r, file) => {
    expect(r.documents).toEqual([]);
    expect(errorSummary(r.errors)).toEqual([
      ['transaction-control-mismatch', 7, 'SE', 'transaction'],
      ['group-control-mismatch', 8, 'GE', 'group'],
      ['interchange-control-mismatch', 9, 'IEA', 'interchange'],
    ]);
    expect(r.errors[2]?.message).toBe(`${file}: segment 9 (IEA), element IEA02: IEA02 "000003439" does not match ISA13 "000003438" (ISA at segment 1)`);
    expect(r.errors[0]).toMatchObject({ interchangeControlNumber: '000003438', groupControlNumber: '3314', transactionControlNumber: '0001', file });
    expect(only(r.interchanges).status).toBe('rejected');
  },

  'edi-engine__MultipleInterchangesAndGroups.edi': (r) => {
    expect(r.ok).toBe(true);
    expect(r.interchanges.map((ic) => ic.envelope.controlNumber)).toEqual(['000003438', '000003439']);
    expect(r.interchanges.map((ic) => ic.groups.map((g) => [g.header.controlNumber, g.transactionSets.length]))).toEqual([
      [
        ['3313', 2],
        ['3314', 1],
      ],
      [
        ['3315', 2],
        ['3316', 1],
      ],
    ]);
    expect(r.documents.map((d) => `${d.trace.interchangeControlNumber}/${d.trace.groupControlNumber}/${d.controlNumber}`)).toEqual([
      '000003438/3313/0001',
      '000003438/3313/0002',
      '000003438/3314/0001',
      '000003439/3315/0001',
      '000003439/3315/0002',
      '000003439/3316/0001',
    ]);
    // IEA02 is written "3438" for ISA13 "000003438": the same number, noted but not rejected.
    expect(r.warnings.map((w) => [w.code, w.segment?.position])).toEqual([
      ['control-number-format', 21],
      ['control-number-format', 42],
    ]);
  },

  'edi-engine__NonEdi.edi': (r, file) => {
    expect(r.interchanges).toEqual([]);
    expect(errorSummary(r.errors)).toEqual([['not-x12', 1, '?', 'file']]);
    expect(r.errors[0]?.message).toMatch(new RegExp(`^${file}: segment 1 \\(\\?\\): this is not X12`));
  },

  'edi-engine__WrongGroupsAndTranCount.edi': (r) => {
    expect(r.documents).toEqual([]);
    expect(errorSummary(r.errors)).toEqual([
      ['transaction-count-mismatch', 8, 'GE', 'group'],
      ['group-count-mismatch', 9, 'IEA', 'interchange'],
    ]);
    expect(r.errors.map((e) => e.ack)).toEqual([{ ak9: '5' }, { ta1: '021' }]);
  },

  'gozer__asn856.edi': (r, file) => {
    // ISA13 000003438 but IEA02 000000049: the interchange is rejected although the 856 in it is well formed.
    expect(r.documents).toEqual([]);
    expect(errorSummary(r.errors)).toEqual([['interchange-control-mismatch', 35, 'IEA', 'interchange']]);
    expect(r.errors[0]?.message).toBe(`${file}: segment 35 (IEA), element IEA02: IEA02 "000000049" does not match ISA13 "000003438" (ISA at segment 1)`);
    const ic = only(r.interchanges);
    expect(ic.status).toBe('rejected');
    expect(only(only(ic.groups).transactionSets).status).toBe('accepted');
  },

  'gozer__missing-ISA.edi': (r, file) => {
    expect(r.interchanges).toEqual([]);
    expect(errorSummary(r.errors)).toEqual([['isa-missing', 1, 'GS', 'file']]);
    expect(r.errors[0]?.message).toBe(`${file}: segment 1 (GS): the ISA interchange header is missing: the data starts with GS`);
  },

  'gozer__po850.edi': (r) => {
    expect(r.documents).toEqual([]);
    expect(errorSummary(r.errors)).toEqual([['segment-count-mismatch', 23, 'SE', 'transaction']]);
    expect(r.errors[0]?.message).toContain('SE01 says "33" segments, transaction set 850 000000010 has 21 (ST to SE)');
    const ic = only(r.interchanges);
    expect(ic.status).toBe('accepted');
    expect(only(ic.groups).header.version).toBe('004010VICS');
    expect(only(ic.groups).status).toBe('rejected');
  },

  'gozer__wrong-ISA.edi': (r, file) => {
    expect(r.interchanges).toEqual([]);
    expect(errorSummary(r.errors)).toEqual([['isa-invalid', 1, 'XXX', 'file']]);
    expect(r.errors[0]?.message).toBe(`${file}: segment 1 (XXX): expected the ISA interchange header, found "XXX" (a header with 16 elements but the wrong tag)`);
  },

  'node-x12__850.edi': (r, file) => expectSolonFile(r, file, '~'),

  'node-x12__850_2.edi': (r, file) => expectSolonFile(r, file, '\n'),

  'node-x12__850_fat.edi': (r) => {
    expect(r.errors).toEqual([]);
    expect(r.interchanges).toHaveLength(2);
    expect(r.documents).toHaveLength(2);
    expect(r.documents.map((d) => d.trace.firstSegment)).toEqual([3, 40]);
    for (const d of r.documents) expectSolonPurchaseOrder(d.document as PurchaseOrder850);
    expect(r.warnings.map((w) => [w.code, w.segment?.position])).toEqual([['interchange-control-duplicate', 38]]);
  },

  'node-x12__855.edi': (r) => {
    expect(r.ok).toBe(true);
    const set = only(r.documents);
    const ack = set.document as PoAcknowledgment855;
    expect(ack.bak).toEqual({
      purpose: '00',
      ackType: 'AD',
      ackTypeMeaning: 'Acknowledge - with detail, no change',
      poNumber: 'POTEST1112',
      date: '2020-10-15',
      requestReference: '60169126',
      ackDate: '2020-10-15',
    });
    expect(ack.currency).toEqual({ entity: 'BT', code: 'USD' });
    expect(only(ack.parties)).toEqual({
      role: 'ST',
      name: 'EDI TEST ACCOUNT-SUFFIX',
      idQualifier: '15',
      id: '123MILL 0001',
      address: ['REGULAR EDI ACCOUNT', 'ATTN ACQ SERVS', '7615 DISALLE BOULEVARD'],
      city: 'FORT WAYNE',
      state: 'IN',
      postalCode: '46825',
    });
    const lines = ack.lines ?? [];
    expect(lines.map((l) => [l.lineNumber, l.quantity, l.productIds?.EN, l.acks?.map((a) => [a.status, a.quantity, a.disposition])])).toEqual([
      ['1', 3, '9780446360265', [['IA', 3, 'accepted']]],
      ['2', 2, '9780767928427', [['IR', 0, 'rejected']]],
      ['3', 1, '9780099599531', [['IR', 0, 'rejected']]],
      ['4', 2, '9780446360272', [['IA', 2, 'accepted']]],
    ]);
    expect(lines[0]?.acks?.[0]).toEqual({
      status: 'IA',
      statusMeaning: 'Item accepted',
      disposition: 'accepted',
      quantity: 3,
      unit: 'UN',
      codeListQualifier: 'BI',
      industryCode: 'ACK',
      actionCode: 'AC',
    });
    expect(lines[1]?.schedules).toEqual([{ quantity: 0, unit: 'UN', entityCode: 'WH', name: 'MO', dateQualifier: '080', date: '2007-10-09', requestReference: 'AD' }]);
    expect(lines.some((l) => l.split)).toBe(false);
    expect(ack.totals).toEqual({ lineCount: 4, hashTotal: 5 });
    expect(set.unmapped).toEqual([{ tag: 'CSH', position: 7, index: 5 }]);
  },

  'node-x12__856.edi': (r) => {
    expect(r.ok).toBe(true);
    const ic = only(r.interchanges);
    // ISA11 is "-" with version 00406: a repetition separator. 4010 elements are not split on it.
    expect(ic.envelope.delimiters).toEqual({ element: '*', component: '>', segment: '~', repetition: '-' });
    const asn = only(r.documents).document as ShipNotice856;
    const root = only(asn.hierarchy);
    expect(levels(root)).toEqual({
      id: '1',
      level: 'shipment',
      children: [{ id: '2', level: 'order', children: [{ id: '3', level: 'item', children: [] }, { id: '4', level: 'item', children: [] }] }],
    });
    expect(root.children?.[0]?.order).toEqual({ poNumber: '99999817', date: '2011-12-05' });
    expect(asn.shipment).toEqual({
      hlId: '1',
      shipmentId: '829716',
      scac: 'XXXX',
      billOfLading: '999999-001',
      shipDate: '2011-12-06',
      packages: 2,
      packagingCode: 'PCS',
      weight: 60.31,
      weightUnit: 'LB',
    });
    expect(asn.items?.map((i) => [i.hlId, i.productIds, i.quantity, i.unit, i.poNumber])).toEqual([
      ['3', { VP: '87787D', UP: '999999310145' }, 24, 'EA', '99999817'],
      ['4', { VP: '99887D', UP: '999999311746' }, 6, 'EA', '99999817'],
    ]);
    expect(root.parties?.find((p) => p.role === 'OB')).toEqual({
      role: 'OB',
      name: 'XYZ RETAIL',
      address: ['P O BOX 9999999'],
      city: 'ATLANTA',
      state: 'GA',
      postalCode: '31139-0020',
      locationQualifier: 'SN',
      locationId: '9999',
    });
    expect(asn.totals).toEqual({ lineCount: 4, hashTotal: 30 });
  },
};

describe('X12 corpus', () => {
  it('has an expectation for every fixture, and a fixture for every expectation', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames());
  });

  for (const [file, expectation] of Object.entries(EXPECTED)) {
    it(file, () => {
      const result = readInterchanges(fixture(file), { source: file });
      expectation(result, file);
      for (const e of result.errors) expect(e.message.startsWith(`${file}: `)).toBe(true);
    });
  }
});
