/**
 * 997 Functional Acknowledgment (4010): AK1 group, AK2 loop per transaction set (AK3/AK4 error
 * detail, AK5 set result), AK9 group result. The same shape is produced by `functionalAck` and
 * read back from partners' 997s.
 */
import type { TransactionSetModule } from './module.ts';

export interface ElementError {
  /** AK401-1: element position in the segment. */
  position: number;
  /** AK401-2: component position, for composites. */
  component?: number;
  /** AK402: data element reference number. */
  reference?: string;
  /** AK403: 1 mandatory missing, 2 conditional missing, 6 invalid character, 7 invalid code, 8 invalid date... */
  code: string;
  /** AK404: copy of the bad element. */
  badValue?: string;
}

export interface SegmentError {
  tag: string;
  /** AK302: position in the transaction set, ST = 1. */
  position: number;
  loopId?: string;
  /** AK304: 1 unrecognized segment, 3 mandatory missing, 8 has element errors... */
  code?: string;
  elementErrors?: ElementError[];
}

export interface AcknowledgedSet {
  /** AK201. */
  type: string;
  /** AK202. */
  controlNumber: string;
  segmentErrors?: SegmentError[];
  /** AK501: A accepted, E accepted with errors, R rejected. */
  status: string;
  /** AK502..AK506 syntax error codes: 2 trailer missing, 3 control number mismatch, 4 count mismatch, 5 segments in error... */
  codes?: string[];
}

export interface FunctionalAck997 {
  type: '997';
  group: { functionalId: string; controlNumber: string };
  sets?: AcknowledgedSet[];
  result: {
    /** AK901: A accepted, E accepted with errors, P partially accepted, R rejected. */
    status: string;
    included: number;
    received: number;
    accepted: number;
    /** AK905..AK909: 3 trailer missing, 4 control number mismatch, 5 set count mismatch... */
    codes?: string[];
  };
}

export const functionalAcknowledgment: TransactionSetModule<FunctionalAck997> = {
  type: '997',
  functionalId: 'FA',
  beginning: 'AK1',
  schema: [
    { key: 'group', tag: 'AK1', fields: { functionalId: [1], controlNumber: [2] } },
    {
      key: 'sets',
      tag: 'AK2',
      fields: { type: [1], controlNumber: [2] },
      body: [
        {
          key: 'segmentErrors',
          tag: 'AK3',
          fields: { tag: [1], position: [2, 'integer'], loopId: [3], code: [4] },
          body: [
            {
              key: 'elementErrors',
              tag: 'AK4',
              many: true,
              fields: { position: [1, 'integer', 1], component: [1, 'integer', 2], reference: [2], code: [3], badValue: [4] },
            },
          ],
        },
        { key: 'ak5', tag: 'AK5', merge: true, fields: { status: [1], codes: { list: [2, 6] } } },
      ],
    },
    {
      key: 'result',
      tag: 'AK9',
      fields: { status: [1], included: [2, 'integer'], received: [3, 'integer'], accepted: [4, 'integer'], codes: { list: [5, 9] } },
    },
  ],
};
