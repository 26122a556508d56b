/** Inputs that are broken on purpose, and layouts that are unusual but valid. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { functionalAck, MAX_HL_DEPTH, readInterchanges, writeFunctionalAck, type PurchaseOrder850, type ReadResult, type ShipNotice856 } from '../../../runtime/edi/x12/index.ts';
import { counters, fixture, fixtureNames, interchange } from './helpers.ts';

const PO_BODY = ['BEG*00*SA*PO-1**20240506', 'PO1*1*10*EA*2.5**VN*ABC', 'CTT*1'];

function codes(result: ReadResult): Array<[string, number | undefined, string | undefined]> {
  return result.errors.map((e) => [e.code, e.segment?.position, e.segment?.tag]);
}

function typedDocs(result: ReadResult): unknown[] {
  return result.documents.map((d) => d.document);
}

describe('input that is not an interchange', () => {
  it('rejects an empty string and whitespace', () => {
    for (const text of ['', '  \r\n\n\t']) {
      const r = readInterchanges(text, { source: 'empty.edi' });
      expect(r.ok).toBe(false);
      expect(codes(r)).toEqual([['empty-input', undefined, undefined]]);
      expect(r.errors[0]?.message).toBe('empty.edi: the file is empty: there is no X12 interchange in it');
    }
  });

  it('rejects binary junk without throwing', () => {
    const junk = String.fromCharCode(0, 1, 2, 255, 254, 73, 83, 65, 0x1b, 7).repeat(40);
    const r = readInterchanges(junk, { source: 'junk.bin' });
    expect(codes(r)).toEqual([['not-x12', 1, '?']]);
    expect(r.errors[0]?.message).toBe('junk.bin: segment 1 (?): the data is binary, not X12 text');
  });

  it('rejects an ISA whose element separator is a letter', () => {
    const r = readInterchanges('ISAX00X          X00', { source: 'x.edi' });
    expect(codes(r)).toEqual([['delimiters-invalid', 1, 'ISA']]);
  });

  it('skips text before an ISA with an error, and still reads the interchange after it', () => {
    const r = readInterchanges(`Subject: orders for today\n${interchange([{ type: '850', body: PO_BODY }])}`, { source: 'mail.txt' });
    expect(codes(r)).toEqual([['unexpected-data', 1, '?']]);
    expect(r.documents).toHaveLength(1);
    expect(r.documents[0]?.segments[0]?.position).toBe(4);
  });

  it('reports text after the last IEA', () => {
    const r = readInterchanges(`${interchange([{ type: '850', body: PO_BODY }])}\nTHE END\n`);
    expect(codes(r)).toEqual([['unexpected-data', 10, '?']]);
    expect(r.documents).toHaveLength(1);
  });
});

describe('truncated input', () => {
  it('rejects a file cut in the middle of a transaction set: set, group and interchange', () => {
    const cut = fixture('node-x12__850.edi').slice(0, 600);
    const r = readInterchanges(cut, { source: 'cut.edi' });
    expect(r.documents).toEqual([]);
    expect(r.errors.map((e) => [e.code, e.level])).toEqual([
      ['transaction-truncated', 'transaction'],
      ['group-truncated', 'group'],
      ['interchange-truncated', 'interchange'],
    ]);
    expect(r.errors[2]?.message).toBe('cut.edi: segment 18 (PO1): the file ends after PO1 without the IEA trailer of interchange 000003438; the last segment has no terminator, so the file looks cut off');
    expect(r.errors.map((e) => e.ack)).toEqual([{ ak5: '2' }, { ak9: '3' }, { ta1: '023' }]);
  });

  it('rejects a file cut inside the ISA', () => {
    const r = readInterchanges('ISA*00*          *00*     ', { source: 'isa.edi' });
    expect(codes(r)).toEqual([['isa-invalid', 1, 'ISA']]);
    expect(r.errors[0]?.ack).toEqual({ ta1: '023' });
  });

  it('rejects a group without GE and a set without SE, and keeps the count checks honest', () => {
    const noGe = interchange([{ type: '850', body: PO_BODY }]).replace('GE*1*7~\n', '');
    expect(codes(readInterchanges(noGe))).toEqual([['group-truncated', 8, 'IEA']]);
    const noSe = interchange([{ type: '850', body: PO_BODY }]).replace(/SE\*5\*0001~\n/, '');
    expect(codes(readInterchanges(noSe))).toEqual([['transaction-truncated', 7, 'GE']]);
  });

  it('treats a new ISA before IEA as the end of a truncated interchange and reads the next one', () => {
    const first = interchange([{ type: '850', body: PO_BODY }]).replace('IEA*1*000000007~', '');
    const r = readInterchanges(first + interchange([{ type: '850', body: PO_BODY }]));
    expect(r.interchanges.map((ic) => ic.status)).toEqual(['rejected', 'accepted']);
    expect(codes(r)).toEqual([['interchange-truncated', 8, 'GE']]);
    expect(r.documents).toHaveLength(1);
  });
});

describe('envelope counts and control numbers', () => {
  const good = interchange([{ type: '850', body: PO_BODY }]);

  it('accepts the good file', () => {
    const r = readInterchanges(good);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('rejects SE01 that does not count ST and SE', () => {
    const r = readInterchanges(good.replace('SE*5*0001', 'SE*3*0001'));
    expect(codes(r)).toEqual([['segment-count-mismatch', 7, 'SE']]);
    expect(r.errors[0]?.ack).toEqual({ ak5: '4' });
  });

  it('rejects GE01 and IEA01 that miscount', () => {
    expect(codes(readInterchanges(good.replace('GE*1*7', 'GE*3*7')))).toEqual([['transaction-count-mismatch', 8, 'GE']]);
    expect(codes(readInterchanges(good.replace('IEA*1*', 'IEA*0*')))).toEqual([['group-count-mismatch', 9, 'IEA']]);
    expect(codes(readInterchanges(good.replace('IEA*1*', 'IEA*one*')))).toEqual([['group-count-mismatch', 9, 'IEA']]);
  });

  it('rejects duplicate control numbers inside a group', () => {
    const r = readInterchanges(interchange([
      { type: '850', body: PO_BODY, control: '0001' },
      { type: '850', body: PO_BODY, control: '0001' },
    ]));
    expect(codes(r)).toEqual([['transaction-control-duplicate', 8, 'ST']]);
    const group = r.interchanges[0]?.groups[0];
    expect(group?.status).toBe('partial');
    expect(r.documents).toHaveLength(1);
  });

  it('rejects envelope segments out of place', () => {
    const stray = good.replace('GS*PO', 'REF*ZZ*stray~\nGS*PO');
    const r = readInterchanges(stray);
    expect(codes(r)).toEqual([['control-structure', 2, 'REF']]);
    expect(r.interchanges[0]?.status).toBe('rejected');
    expect(r.documents).toEqual([]);
  });

  it('rejects a bad ST01 and an empty ST02', () => {
    const r = readInterchanges(interchange([{ type: '85', body: PO_BODY }]));
    expect(r.errors.map((e) => [e.code, e.ack])).toEqual([['transaction-header-invalid', { ak5: '6' }]]);
  });
});

describe('delimiters and layout', () => {
  const expected = typedDocs(readInterchanges(fixture('node-x12__850.edi')));

  it('reads a non-padded ISA header', () => {
    const text = 'ISA*00**00**ZZ*SENDER*ZZ*RECV*240506*0708*U*00401*7*0*T*>~GS*PO*S*R*20240506*0708*7*X*004010~ST*850*0001~BEG*00*SA*PO-1**20240506~SE*3*0001~GE*1*7~IEA*1*7~';
    const r = readInterchanges(text);
    expect(r.errors).toEqual([]);
    expect(r.interchanges[0]?.envelope).toMatchObject({ sender: { qualifier: 'ZZ', id: 'SENDER' }, receiver: { id: 'RECV' }, controlNumber: '7', usage: 'test', test: true });
    expect((r.documents[0]?.document as PurchaseOrder850).beg.poNumber).toBe('PO-1');
  });

  it('reads the same document without newlines, with CRLF, and wrapped at 80 columns', () => {
    const original = fixture('node-x12__850.edi');
    const oneLine = original.replace(/\n/g, '');
    const crlf = original.replace(/\n/g, '\r\n');
    const wrapped = oneLine.replace(/(.{80})/g, '$1\n');
    for (const text of [oneLine, crlf, wrapped]) {
      const r = readInterchanges(text);
      expect(r.errors).toEqual([]);
      expect(typedDocs(r)).toEqual(expected);
    }
  });

  it('reads newline terminators written as CRLF', () => {
    const r = readInterchanges(fixture('edi-engine__850.OK.edi').replace(/\n/g, '\r\n'));
    expect(r.errors).toEqual([]);
    expect(r.interchanges[0]?.envelope.delimiters.segment).toBe('\r');
    expect((r.documents[0]?.document as PurchaseOrder850).lines).toHaveLength(6);
  });

  it('reads interchanges with different delimiters in one file', () => {
    const other = fixture('node-x12__850.edi').replace(/\*/g, '|').replace(/~\n?/g, "'").replace('|>\'', "|^'");
    const r = readInterchanges(`${fixture('node-x12__855.edi')}${other}`);
    expect(r.errors).toEqual([]);
    expect(r.interchanges.map((ic) => ic.envelope.delimiters)).toEqual([
      { element: '*', component: '>', segment: '~' },
      { element: '|', component: '^', segment: "'" },
    ]);
    expect(typedDocs(r).slice(1)).toEqual(expected);
  });

  it('rejects an ISA without ISA16 (the terminator would be a letter)', () => {
    const r = readInterchanges('ISA*00*          *00*          *ZZ*S              *ZZ*R              *240506*0708*U*00401*000000001*0*P*~GS*PO~');
    expect(codes(r)).toEqual([['delimiters-invalid', 1, 'ISA']]);
    expect(r.errors[0]?.ack).toEqual({ ta1: '004' });
    expect(r.errors[0]?.message).toContain('is ISA16 missing?');
  });

  it('rejects a segment terminator equal to the element separator', () => {
    const r = readInterchanges('ISA*00*          *00*          *ZZ*S              *ZZ*R              *240506*0708*U*00401*000000001*0*P*>*GS*PO');
    expect(codes(r)).toEqual([['delimiters-invalid', 1, 'ISA']]);
  });

  it('rejects an ISA13 that is not a number: the interchange cannot be identified or acknowledged', () => {
    const text = interchange([{ type: '850', body: PO_BODY }]).replace('*000000007*0*P', '*00000000X*0*P');
    const r = readInterchanges(text, { source: 'isa13.edi' });
    expect(codes(r)).toEqual([['isa-invalid', 1, 'ISA']]);
    expect(r.errors[0]?.message).toBe('isa13.edi: segment 1 (ISA): ISA13 (interchange control number) "00000000X" is not a number of up to 9 digits; the interchange cannot be read');
    expect(r.interchanges).toEqual([]);
  });
});

describe('transaction set content', () => {
  it('rejects a quantity that is not a number and a date that does not exist', () => {
    const r = readInterchanges(interchange([{ type: '850', body: ['BEG*00*SA*PO-1**20241399', 'PO1*1*ten*EA'] }]), { source: 'bad.edi' });
    expect(r.errors.map((e) => [e.code, e.segment?.tag, e.segment?.element, e.ack?.ak4])).toEqual([
      ['invalid-date', 'BEG', 5, '8'],
      ['invalid-number', 'PO1', 2, '6'],
    ]);
    expect(r.errors[1]?.message).toBe('bad.edi: segment 5 (PO1), element PO102: "ten" is not a valid decimal number');
    expect(r.documents).toEqual([]);
  });

  it('rejects a set without its beginning segment', () => {
    const r = readInterchanges(interchange([{ type: '850', body: ['PO1*1*10*EA'] }]));
    expect(r.errors.map((e) => [e.code, e.segment?.tag, e.ack])).toEqual([['mandatory-segment-missing', 'ST', { ak5: '5', ak3: '3', missingSegment: 'BEG' }]]);
  });

  it('rejects a mandatory element left empty', () => {
    const r = readInterchanges(interchange([{ type: '850', body: ['BEG*00*SA***20240506'] }]));
    expect(r.errors.map((e) => [e.code, e.segment?.element, e.ack?.ak4])).toEqual([['mandatory-element-missing', 3, '1']]);
  });

  it('reads an unknown transaction set generically and accepts it', () => {
    const r = readInterchanges(interchange([{ type: '999', body: ['ZZZ*1*2>3'] }], 'ZZ'));
    expect(r.errors).toEqual([]);
    const set = r.documents[0];
    expect(set?.document).toBeUndefined();
    expect(set?.segments.map((s) => [s.tag, s.elements, s.index])).toEqual([
      ['ST', ['999', '0001'], 1],
      ['ZZZ', ['1', ['2', '3']], 2],
      ['SE', ['3', '0001'], 3],
    ]);
  });

  describe('856 HL tree', () => {
    const asn = (hls: string[]): ReadResult => readInterchanges(interchange([{ type: '856', body: ['BSN*00*SHIP1*20240506*0708', ...hls] }], 'SH'));

    it('builds the tree from HL02, not from segment order', () => {
      const r = asn(['HL*3*2*I', 'LIN**UP*012345678905', 'SN1**5*EA', 'HL*1**S', 'HL*4*1*O', 'PRF*PO-9', 'HL*2*4*P', 'MAN*GM*00012345678901234567']);
      expect(r.errors).toEqual([]);
      const doc = r.documents[0]?.document as ShipNotice856;
      const shape = (n: { id: string; children?: Array<{ id: string }> }): unknown => ({ id: n.id, children: (n.children ?? []).map((c) => shape(c as typeof n)) });
      expect(doc.hierarchy?.map(shape)).toEqual([{ id: '1', children: [{ id: '4', children: [{ id: '2', children: [{ id: '3', children: [] }] }] }] }]);
      expect(doc.items).toEqual([{ hlId: '3', productIds: { UP: '012345678905' }, quantity: 5, unit: 'EA', poNumber: 'PO-9', sscc: '00012345678901234567' }]);
    });

    it('rejects a parent that does not exist, a duplicate HL and a cycle', () => {
      expect(asn(['HL*1**S', 'HL*2*9*O']).errors.map((e) => [e.code, e.segment?.element, e.message.replace(/^segment \d+ \(HL\), element HL0\d: /, '')])).toEqual([
        ['hl-structure', 2, 'HL 2 points to parent 9, which is not an HL in this set'],
      ]);
      expect(asn(['HL*1**S', 'HL*1**S']).errors.map((e) => [e.code, e.segment?.element])).toEqual([['hl-structure', 1]]);
      expect(asn(['HL*1**S', 'HL*2*3*O', 'HL*3*2*P']).errors.map((e) => e.code)).toEqual(['hl-structure', 'hl-structure']);
    });

    /** HL 1 is the shipment, every later HL's parent is the one before it. */
    const chain = (depth: number): string[] => Array.from({ length: depth }, (_, i) => (i === 0 ? 'HL*1**S' : `HL*${i + 1}*${i}*P`));

    it(`reads a chain of HL levels nested 900 deep (under the ${MAX_HL_DEPTH} limit)`, () => {
      const r = asn([...chain(899), 'HL*900*899*I', 'LIN**UP*012345678905', 'SN1**5*EA']);
      expect(r.errors).toEqual([]);
      const doc = r.documents[0]?.document as ShipNotice856;
      let depth = 0;
      for (let n = doc.hierarchy?.[0]; n; n = n.children?.[0]) depth++;
      expect(depth).toBe(900);
      expect(doc.items).toEqual([{ hlId: '900', productIds: { UP: '012345678905' }, quantity: 5, unit: 'EA' }]);
    });

    it('rejects HL levels nested 8,000 deep without overflowing the stack, and acknowledges the rejection', () => {
      const r = asn(chain(8000));
      expect(r.documents).toEqual([]);
      expect(r.errors.map((e) => [e.code, e.segment?.tag, e.segment?.element, e.segment?.indexInSet])).toEqual([['hl-structure', 'HL', 2, MAX_HL_DEPTH + 3]]);
      expect(r.errors[0]?.message).toContain(`HL ${MAX_HL_DEPTH + 1} is nested ${MAX_HL_DEPTH + 1} levels deep; at most ${MAX_HL_DEPTH} HL levels are read`);
      const [ack] = functionalAck(r);
      const text = writeFunctionalAck(ack!, { controlNumbers: counters(), at: { date: '2024-05-06', time: '07:08' }, lineEnding: '' }).text;
      expect(text).toContain(`AK2*856*0001~AK3*HL*${MAX_HL_DEPTH + 3}**8~AK4*2**7~AK5*R*5~AK9*R*1*1*0~`);
    });
  });
});

describe('never throws', () => {
  const names = fixtureNames();

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = readInterchanges(text, { source: 'any.edi' });
        for (const e of r.errors) expect(e.message.startsWith('any.edi')).toBe(true);
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('on corpus files with bytes deleted, replaced or cut', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.array(fc.record({ at: fc.nat(), drop: fc.nat({ max: 5 }), insert: fc.constantFrom('', '*', '~', '\n', '>', 'ISA*', 'SE*1*1~', 'x') }), { maxLength: 4 }),
        (name, edits) => {
          let text = fixture(name);
          for (const edit of edits) {
            const at = edit.at % (text.length + 1);
            text = text.slice(0, at) + edit.insert + text.slice(at + edit.drop);
          }
          const r = readInterchanges(text, { source: name });
          // Whatever happened, a released document comes from an accepted set in an accepted interchange.
          for (const d of r.documents) expect(d.status).toBe('accepted');
          for (const e of r.errors) expect(e.message.startsWith(`${name}: `)).toBe(true);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
