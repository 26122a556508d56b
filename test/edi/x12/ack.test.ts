/** 997 functional acknowledgments (and TA1) for accepted and broken input. */
import { describe, expect, it } from 'vitest';
import { functionalAck, readInterchanges, writeFunctionalAck, type FunctionalAck997 } from '../../../runtime/edi/x12/index.ts';
import { counters, fixture, interchange } from './helpers.ts';

const at = { date: '2024-05-06', time: '07:08' };

function ackOf(file: string): ReturnType<typeof functionalAck> {
  return functionalAck(readInterchanges(fixture(file), { source: file }));
}

describe('functionalAck', () => {
  it('accepts a good 855 and writes the 997 back to its sender', () => {
    const [ack, ...rest] = ackOf('node-x12__855.edi');
    expect(rest).toEqual([]);
    expect(ack?.ta1).toBeUndefined();
    expect(ack?.acks).toEqual([
      {
        type: '997',
        group: { functionalId: 'PR', controlNumber: '5' },
        sets: [{ type: '855', controlNumber: '0005', status: 'A' }],
        result: { status: 'A', included: 1, received: 1, accepted: 1 },
      },
    ]);
    const written = writeFunctionalAck(ack!, { controlNumbers: counters(), at });
    expect(written.text).toBe(
      [
        'ISA*00*          *00*          *ZZ*123MILL        *ZZ*1556150        *240506*0708*U*00401*000000001*0*P*>~',
        'GS*FA*123MILL*1556150*20240506*0708*1*X*004010~',
        'ST*997*0001~',
        'AK1*PR*5~',
        'AK2*855*0005~',
        'AK5*A~',
        'AK9*A*1*1*1~',
        'SE*6*0001~',
        'GE*1*1~',
        'IEA*1*000000001~',
        '',
      ].join('\n'),
    );
    // The 997 reads back as the same typed document.
    const back = readInterchanges(written.text);
    expect(back.errors).toEqual([]);
    expect(back.documents[0]?.document).toEqual(ack?.acks[0]);
  });

  it('rejects a set whose SE01 is wrong: AK5 R 4, AK9 R (gozer__po850.edi)', () => {
    const [ack] = ackOf('gozer__po850.edi');
    expect(ack?.ta1).toBeUndefined();
    expect(ack?.acks[0]).toEqual({
      type: '997',
      group: { functionalId: 'PO', controlNumber: '1421' },
      sets: [{ type: '850', controlNumber: '000000010', status: 'R', codes: ['4'] }],
      result: { status: 'R', included: 1, received: 1, accepted: 0 },
    });
    const { text } = writeFunctionalAck(ack!, { controlNumbers: counters(), at, lineEnding: '' });
    expect(text).toContain('AK2*850*000000010~AK5*R*4~AK9*R*1*1*0~');
  });

  it('reports segment and element errors with AK3/AK4 (edi-engine__850.SyntaxNotes.ERR.edi)', () => {
    const [ack] = ackOf('edi-engine__850.SyntaxNotes.ERR.edi');
    expect(ack?.acks[0]?.sets).toEqual([
      {
        type: '850',
        controlNumber: '000000010',
        status: 'R',
        codes: ['5'],
        segmentErrors: [
          { tag: 'PO1', position: 13, code: '8', elementErrors: [{ position: 7, code: '2' }] },
          { tag: 'PO4', position: 30, code: '8', elementErrors: [{ position: 6, code: '2' }] },
        ],
      },
    ]);
    const { text } = writeFunctionalAck(ack!, { controlNumbers: counters(), at, lineEnding: '' });
    expect(text).toContain('AK2*850*000000010~AK3*PO1*13**8~AK4*7**2~AK3*PO4*30**8~AK4*6**2~AK5*R*5~AK9*R*1*1*0~');
  });

  it('rejects a group whose GE01 miscounts (AK9 R 5) inside an interchange whose IEA01 miscounts (TA1 R 021)', () => {
    const [ack] = ackOf('edi-engine__WrongGroupsAndTranCount.edi');
    expect(ack?.ta1).toEqual({ controlNumber: '000003438', date: '2010-11-27', time: '17:19', status: 'R', noteCode: '021' });
    expect(ack?.acks).toEqual([
      {
        type: '997',
        group: { functionalId: 'OW', controlNumber: '3314' },
        sets: [{ type: '940', controlNumber: '0001', status: 'R' }],
        result: { status: 'R', included: 2, received: 1, accepted: 0, codes: ['5'] },
      },
    ]);
    const { text } = writeFunctionalAck(ack!, { controlNumbers: counters(), at, lineEnding: '' });
    expect(text).toContain('*>~TA1*000003438*101127*1719*R*021~GS*FA*3111350000*7705551212*');
    expect(text).toContain('AK9*R*2*1*0*5~');
  });

  it('reports each level of a control-number mismatch (edi-engine__ControlNumbersMismatch.edi)', () => {
    const [ack] = ackOf('edi-engine__ControlNumbersMismatch.edi');
    expect(ack?.ta1).toMatchObject({ status: 'R', noteCode: '001' });
    expect(ack?.acks[0]?.sets).toEqual([{ type: '940', controlNumber: '0001', status: 'R', codes: ['3'] }]);
    expect(ack?.acks[0]?.result).toEqual({ status: 'R', included: 1, received: 1, accepted: 0, codes: ['4'] });
  });

  it('rejects the sets of a rejected interchange even when they are fine on their own (gozer__asn856.edi)', () => {
    const [ack] = ackOf('gozer__asn856.edi');
    expect(ack?.ta1).toMatchObject({ status: 'R', noteCode: '001' });
    expect(ack?.acks[0]).toMatchObject({ sets: [{ type: '856', controlNumber: '0008', status: 'R' }], result: { status: 'R', accepted: 0 } });
  });

  it('partially accepts a group with one bad set (AK9 P)', () => {
    const text = interchange([
      { type: '850', body: ['BEG*00*SA*PO-1**20240506'] },
      { type: '850', body: ['PO1*1*10*EA'] },
    ]);
    const [ack] = functionalAck(readInterchanges(text));
    const result = ack?.acks[0] as FunctionalAck997;
    expect(result.sets?.map((s) => [s.controlNumber, s.status, s.codes, s.segmentErrors])).toEqual([
      ['0001', 'A', undefined, undefined],
      ['0002', 'R', ['5'], [{ tag: 'BEG', position: 2, code: '3' }]],
    ]);
    expect(result.result).toEqual({ status: 'P', included: 2, received: 2, accepted: 1 });
    expect(writeFunctionalAck(ack!, { controlNumbers: counters(), at, lineEnding: '' }).text).toContain('AK2*850*0002~AK3*BEG*2**3~AK5*R*5~AK9*P*2*2*1~');
  });

  it('answers ISA14 = 1 with a TA1 A 000, and leaves the TA1 out when told to', () => {
    const text = interchange([{ type: '850', body: ['BEG*00*SA*PO-1**20240506'] }]).replace('*000000007*0*P*', '*000000007*1*P*');
    const read = readInterchanges(text);
    expect(functionalAck(read)[0]?.ta1).toEqual({ controlNumber: '000000007', date: '2024-05-06', time: '07:08', status: 'A', noteCode: '000' });
    expect(functionalAck(read, { ta1: 'never' })[0]?.ta1).toBeUndefined();
    expect(functionalAck(read.interchanges[0]!, { ta1: 'always' })[0]?.ta1?.status).toBe('A');
  });

  it('acknowledges every interchange of a file, and nothing when no ISA could be read', () => {
    expect(ackOf('edi-engine__MultipleInterchangesAndGroups.edi').map((a) => a.acks.map((x) => `${x.group.controlNumber}:${x.result.status}`))).toEqual([
      ['3313:A', '3314:A'],
      ['3315:A', '3316:A'],
    ]);
    expect(ackOf('gozer__missing-ISA.edi')).toEqual([]);
    expect(ackOf('edi-engine__NonEdi.edi')).toEqual([]);
  });
});
