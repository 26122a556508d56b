/** The writer: envelopes, control numbers, delimiters, refusals, and read → write → read round trips. */
import { describe, expect, it } from 'vitest';
import {
  MAX_HL_DEPTH,
  X12WriteError,
  type HlNode,
  readInterchanges,
  writeInterchange,
  type Invoice810,
  type InventoryAdvice846,
  type PoAcknowledgment855,
  type PurchaseOrder850,
  type ShipNotice856,
  type ShippingAdvice945,
  type TypedDocument,
} from '../../../runtime/edi/x12/index.ts';
import { counters, fixture, interchange, writeOptions } from './helpers.ts';

function readOne(text: string): TypedDocument {
  const r = readInterchanges(text, { source: 'written.edi' });
  expect(r.errors).toEqual([]);
  expect(r.documents).toHaveLength(1);
  return r.documents[0]?.document as TypedDocument;
}

function roundTrip(document: TypedDocument): TypedDocument {
  return readOne(writeInterchange([document], writeOptions()).text);
}

const PO: PurchaseOrder850 = {
  type: '850',
  beg: { purpose: '00', type: 'SA', poNumber: 'PO-1001', date: '2024-05-06' },
  parties: [{ role: 'ST', name: 'DC EAST', idQualifier: '92', id: '0042', address: ['1 DOCK RD'], city: 'NEWARK', state: 'NJ', postalCode: '07102' }],
  lines: [{ lineNumber: '1', quantity: 24, unit: 'EA', unitPrice: 3.5, priceBasis: 'PE', productIds: { UP: '012345678905', VN: 'SKU-1' } }],
  totals: { lineCount: 1 },
};

/** An 810 as a partner would send it (no invoice in the corpus). */
const INVOICE_EDI = interchange(
  [
    {
      type: '810',
      body: [
        'BIG*20240510*INV-77*20240506*PO-1001',
        'CUR*SE*USD',
        'REF*IA*VEND-9',
        'N1*RE*SUPPLIER INC*92*S1',
        'N3*9 MILL ST',
        'N4*AKRON*OH*44301*US',
        'ITD*01*3*2**10**30',
        'DTM*011*20240509',
        'IT1*1*24*EA*3.5*PE*UP*012345678905*VN*SKU-1',
        'PID*F****BLUE WIDGET',
        'IT1*2*6*CA*12.25*PE*VN*SKU-2',
        'TDS*15750',
        'SAC*C*D240***750',
        'CTT*2',
      ],
    },
  ],
  'IN',
);

describe('writeInterchange envelope', () => {
  it('writes a 106-character ISA with fixed-width fields and a zero-padded ISA13', () => {
    const { text } = writeInterchange([PO], writeOptions());
    const isa = text.split('\n')[0] as string;
    expect(isa).toBe('ISA*00*          *00*          *ZZ*CROSSDOCK      *ZZ*PARTNER        *240506*0708*U*00401*000000001*0*P*>~');
    expect(isa).toHaveLength(106);
  });

  it('draws control numbers from the caller, in envelope order, and pads them', () => {
    const source = counters(41);
    const shipment: ShipNotice856 = { type: '856', bsn: { purpose: '00', shipmentId: 'S1', date: '2024-05-06', time: '07:08' } };
    const written = writeInterchange([PO, shipment, PO], writeOptions({ controlNumbers: source }));
    expect(source.calls).toEqual(['interchange', 'group', 'transaction', 'transaction', 'group', 'transaction']);
    expect(written.interchangeControlNumber).toBe('000000041');
    expect(written.groups).toEqual([
      {
        functionalId: 'PO',
        controlNumber: '41',
        transactionSets: [
          { type: '850', controlNumber: '0041', segmentCount: 8 },
          { type: '850', controlNumber: '0042', segmentCount: 8 },
        ],
      },
      { functionalId: 'SH', controlNumber: '42', transactionSets: [{ type: '856', controlNumber: '0043', segmentCount: 3 }] },
    ]);
    expect(written.text).toContain('GS*PO*CROSSDOCK*PARTNER*20240506*0708*41*X*004010~');
    expect(written.text).toContain('GE*2*41~');
    expect(written.text).toContain('SE*8*0042~');
    expect(written.text.trimEnd().endsWith('IEA*2*000000041~')).toBe(true);
    // The reader checks every count and control number: nothing to complain about.
    const back = readInterchanges(written.text);
    expect(back.errors).toEqual([]);
    expect(back.warnings).toEqual([]);
    expect(back.documents).toHaveLength(3);
  });

  it('writes the largest control numbers', () => {
    const written = writeInterchange([PO], writeOptions({ controlNumbers: () => 999_999_999 }));
    expect(written.text).toContain('*999999999*0*P*>~');
    expect(written.text).toContain('ST*850*999999999~');
  });

  it('uses the delimiters, line ending, usage and version it is given', () => {
    const written = writeInterchange(
      [PO],
      writeOptions({ delimiters: { element: '|', component: ':', segment: "'" }, lineEnding: '', usage: 'test', ackRequested: true, version: '00403', groupVersion: '004030' }),
    );
    expect(written.text).not.toContain('\n');
    expect(written.text.slice(0, 106)).toBe("ISA|00|          |00|          |ZZ|CROSSDOCK      |ZZ|PARTNER        |240506|0708|^|00403|000000001|1|T|:'");
    const back = readInterchanges(written.text);
    expect(back.errors).toEqual([]);
    expect(back.interchanges[0]?.envelope).toMatchObject({ test: true, ackRequested: true, delimiters: { element: '|', component: ':', segment: "'", repetition: '^' } });
    expect(back.documents[0]?.document).toEqual(PO);
  });

  it('writes a set given only as segments', () => {
    const written = writeInterchange([{ type: '999', functionalId: 'ZZ', segments: [{ tag: 'ZZZ', elements: ['1', ['2', '3']] }] }], writeOptions());
    expect(written.text).toContain('ST*999*0001~\nZZZ*1*2>3~\nSE*3*0001~');
    expect(readInterchanges(written.text).documents[0]?.segments[1]?.elements).toEqual(['1', ['2', '3']]);
  });
});

describe('writeInterchange refuses what X12 cannot say', () => {
  const refuse = (documents: TypedDocument[], overrides = {}): X12WriteError => {
    const source = counters();
    try {
      writeInterchange(documents, writeOptions({ controlNumbers: source, ...overrides }));
    } catch (e) {
      expect(e).toBeInstanceOf(X12WriteError);
      return e as X12WriteError;
    }
    throw new Error('expected the writer to refuse');
  };

  it('a value containing a delimiter', () => {
    const e = refuse([{ ...PO, parties: [{ role: 'ST', name: 'A*B' }] }]);
    expect(e.message).toBe('documents[0] N102: "A*B" contains the delimiter "*", which X12 cannot escape');
  });

  it('a missing mandatory element, and a broken syntax note', () => {
    expect(refuse([{ ...PO, beg: { ...PO.beg, poNumber: '' } }]).message).toContain('mandatory element BEG03 is missing');
    expect(refuse([{ ...PO, lines: [{ quantity: 1, productIds: { VN: '' } }] }]).message).toContain('P0607');
  });

  it('an impossible date, a non-numeric quantity, an oversized ISA field, a bad control number', () => {
    expect(refuse([{ ...PO, beg: { ...PO.beg, date: '2024-02-30' } }]).path).toBe('documents[0].beg.date');
    expect(refuse([{ ...PO, lines: [{ quantity: Number.NaN }] }]).path).toBe('documents[0].lines[0].quantity');
    expect(refuse([PO], { sender: { qualifier: 'ZZ', id: 'A-SENDER-ID-THAT-IS-TOO-LONG' } }).path).toBe('sender.id');
    expect(refuse([PO], { controlNumbers: () => 0 }).path).toBe('controlNumbers');
    expect(refuse([PO], { controlNumbers: () => 1_000_000_000 }).path).toBe('controlNumbers');
  });

  it('draws no control number when a document is refused', () => {
    const source = counters();
    expect(() => writeInterchange([PO, { ...PO, beg: { ...PO.beg, poNumber: '' } }], writeOptions({ controlNumbers: source }))).toThrow(X12WriteError);
    expect(source.calls).toEqual([]);
  });
});

describe('read → write → read gives the same typed document', () => {
  const corpus: Array<[string, string]> = [
    ['850', 'edi-engine__850.OK.edi'],
    ['850 with composite SLN units', 'edi-engine__850.Composite.SLN.OK.edi'],
    ['855', 'node-x12__855.edi'],
    ['856 cross-dock (S/O/P/I)', 'edi-engine__856.Crossdock.OK.edi'],
    ['856 (S/O/I)', 'node-x12__856.edi'],
    ['940', 'edi-engine__940.OK.edi'],
  ];
  for (const [label, file] of corpus) {
    it(`${label} (${file})`, () => {
      const original = readOne(fixture(file));
      expect(roundTrip(original)).toEqual(original);
    });
  }

  it('810 with N2 totals in cents', () => {
    const invoice = readOne(INVOICE_EDI) as Invoice810;
    expect(invoice.big).toEqual({ date: '2024-05-10', invoiceNumber: 'INV-77', poDate: '2024-05-06', poNumber: 'PO-1001' });
    expect(invoice.total).toEqual({ cents: 15750, amount: 157.5 });
    expect(invoice.charges).toEqual([{ indicator: 'C', code: 'D240', amountCents: 750, amount: 7.5 }]);
    expect(invoice.lines?.map((l) => [l.lineNumber, l.quantity, l.unit, l.unitPrice, l.productIds])).toEqual([
      ['1', 24, 'EA', 3.5, { UP: '012345678905', VN: 'SKU-1' }],
      ['2', 6, 'CA', 12.25, { VN: 'SKU-2' }],
    ]);
    expect(invoice.terms).toEqual([{ typeCode: '01', basisDateCode: '3', discountPercent: 2, discountDaysDue: 10, netDays: 30 }]);
    expect(invoice.parties?.[0]).toMatchObject({ role: 'RE', city: 'AKRON', country: 'US' });
    expect(invoice.totals).toEqual({ lineCount: 2 });
    expect(roundTrip(invoice)).toEqual(invoice);
  });

  it('810 written from a decimal total only', () => {
    const invoice: Invoice810 = { type: '810', big: { date: '2024-05-10', invoiceNumber: 'INV-78' }, total: { amount: 1234.56 } as NonNullable<Invoice810['total']> };
    const { text } = writeInterchange([invoice], writeOptions());
    expect(text).toContain('TDS*123456~');
    expect((readOne(text) as Invoice810).total).toEqual({ cents: 123456, amount: 1234.56 });
  });

  it('855 with a split line (two ACKs under one PO1)', () => {
    const ack = readOne(
      interchange([{ type: '855', body: ['BAK*00*AC*PO-1001*20240506', 'PO1*1*10*EA*3.5*PE*VN*SKU-1', 'ACK*IA*6*EA*068*20240510', 'ACK*IB*4*EA*068*20240524', 'PO1*2*5*EA*1*PE*VN*SKU-2', 'ACK*ZZ*5*EA', 'CTT*2'] }], 'PR'),
    ) as PoAcknowledgment855;
    expect(ack.bak.ackTypeMeaning).toBe('Acknowledge - with detail and change');
    expect(ack.lines?.[0]).toMatchObject({
      split: true,
      acks: [
        { status: 'IA', statusMeaning: 'Item accepted', disposition: 'accepted', quantity: 6, unit: 'EA', dateQualifier: '068', date: '2024-05-10' },
        { status: 'IB', statusMeaning: 'Item backordered', disposition: 'backordered', quantity: 4, unit: 'EA', dateQualifier: '068', date: '2024-05-24' },
      ],
    });
    // A code outside the 4010 list is kept as written, with no meaning made up for it.
    expect(ack.lines?.[1]?.acks).toEqual([{ status: 'ZZ', quantity: 5, unit: 'EA' }]);
    expect(ack.lines?.[1]?.split).toBeUndefined();
    expect(roundTrip(ack)).toEqual(ack);
  });

  it('846 inventory advice', () => {
    const advice = readOne(
      interchange([{ type: '846', body: ['BIA*00*DD*INV-2024-05-06*20240506*0700', 'N1*WH*DC EAST*92*0042', 'LIN*1*UP*012345678905*VN*SKU-1', 'PID*F****BLUE WIDGET', 'QTY*33*120*EA', 'QTY*17*130*EA', 'DTM*018*20240510', 'LIN*2*VN*SKU-2', 'QTY*33*0*EA', 'CTT*2'] }], 'IB'),
    ) as InventoryAdvice846;
    expect(advice.bia).toEqual({ purpose: '00', reportType: 'DD', referenceId: 'INV-2024-05-06', date: '2024-05-06', time: '07:00' });
    expect(advice.items).toEqual([
      {
        lineNumber: '1',
        productIds: { UP: '012345678905', VN: 'SKU-1' },
        descriptions: [{ type: 'F', description: 'BLUE WIDGET' }],
        quantities: [
          { qualifier: '33', quantity: 120, unit: 'EA' },
          { qualifier: '17', quantity: 130, unit: 'EA' },
        ],
        dates: [{ qualifier: '018', date: '2024-05-10' }],
      },
      { lineNumber: '2', productIds: { VN: 'SKU-2' }, quantities: [{ qualifier: '33', quantity: 0, unit: 'EA' }] },
    ]);
    expect(roundTrip(advice)).toEqual(advice);
  });

  it('945 warehouse shipping advice', () => {
    const advice = readOne(
      interchange([{ type: '945', body: ['W06*F*538686*20240507*SHP-1**PO-1001', 'N1*ST*ST COMPANY*ZZ*00000001', 'G62*11*20240507', 'W27*M*ODFL', 'LX*1', 'W12*CC*12*12**CA**VN*000100', 'LX*2', 'W12*CP*32*30*2*CA**VN*000200', 'W03*42*600*LB'] }], 'SW'),
    ) as ShippingAdvice945;
    expect(advice.w06).toEqual({ reportingCode: 'F', depositorOrderNumber: '538686', date: '2024-05-07', shipmentId: 'SHP-1', poNumber: 'PO-1001' });
    expect(advice.carrier).toEqual({ transportationMethod: 'M', scac: 'ODFL' });
    expect(advice.lines).toEqual([
      { number: '1', status: 'CC', quantityOrdered: 12, quantityShipped: 12, unit: 'CA', productIds: { VN: '000100' } },
      { number: '2', status: 'CP', quantityOrdered: 32, quantityShipped: 30, quantityDifference: 2, unit: 'CA', productIds: { VN: '000200' } },
    ]);
    expect(advice.totals).toEqual({ quantity: 42, weight: 600, weightUnit: 'LB' });
    expect(roundTrip(advice)).toEqual(advice);
  });

  it('856 authored as a tree: HL02 comes from the tree, a bare SCAC becomes TD5*…*2*SCAC', () => {
    const asn: ShipNotice856 = {
      type: '856',
      bsn: { purpose: '00', shipmentId: 'SHIP-9', date: '2024-05-06', time: '07:08' },
      hierarchy: [
        {
          id: '1',
          levelCode: 'S',
          carriers: [{ scac: 'ODFL' }],
          refs: [{ qualifier: 'BM', value: 'BOL-1' }],
          dates: [
            { qualifier: '011', date: '2024-05-06' },
            { qualifier: '017', date: '2024-05-09' },
          ],
          children: [
            {
              id: '2',
              levelCode: 'O',
              order: { poNumber: 'PO-1001' },
              children: [
                {
                  id: '3',
                  levelCode: 'P',
                  marks: [{ qualifier: 'GM', number: '00012345678901234567' }],
                  children: [{ id: '4', levelCode: 'I', item: { productIds: { UP: '012345678905' } }, shipped: { quantity: 24, unit: 'EA' } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const { text } = writeInterchange([asn], writeOptions());
    expect(text).toContain('HL*1**S~\nTD5**2*ODFL~\nREF*BM*BOL-1~');
    expect(text).toContain('HL*4*3*I~\nLIN**UP*012345678905~\nSN1**24*EA~');
    const back = readOne(text) as ShipNotice856;
    expect(back.shipment).toEqual({ hlId: '1', shipmentId: 'SHIP-9', scac: 'ODFL', billOfLading: 'BOL-1', shipDate: '2024-05-06', estimatedDelivery: '2024-05-09' });
    expect(back.items).toEqual([{ hlId: '4', productIds: { UP: '012345678905' }, quantity: 24, unit: 'EA', poNumber: 'PO-1001', sscc: '00012345678901234567' }]);
    expect(roundTrip(back)).toEqual(back);
  });

  it('856 with HL levels nested deeper than the reader accepts: refused with a write error, not a stack overflow', () => {
    const deep = (depth: number): HlNode => {
      const root: HlNode = { id: '1', levelCode: 'S' };
      let node = root;
      for (let i = 2; i <= depth; i++) node = (node.children = [{ id: String(i), levelCode: 'P' }])[0] as HlNode;
      return root;
    };
    const asn = (depth: number): ShipNotice856 => ({ type: '856', bsn: { purpose: '00', shipmentId: 'S', date: '2024-05-06', time: '07:08' }, hierarchy: [deep(depth)] });
    expect(() => writeInterchange([asn(20_000)], writeOptions())).toThrow(new X12WriteError(`HL ${MAX_HL_DEPTH + 1} is nested ${MAX_HL_DEPTH + 1} levels deep; at most ${MAX_HL_DEPTH} HL levels are written`, 'hierarchy'));
    const back = readOne(writeInterchange([asn(MAX_HL_DEPTH)], writeOptions()).text) as ShipNotice856;
    expect(back.hierarchy?.[0]?.id).toBe('1');
  });
});
