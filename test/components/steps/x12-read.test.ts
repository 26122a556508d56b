/** The x12-read step: what a pipeline gets for a partner's file, including files we refuse. */
import { describe, expect, it } from 'vitest';
import { MAX_HL_DEPTH } from '../../../runtime/edi/x12/index.ts';
import { interchange } from '../../edi/x12/helpers.ts';
import { compileInline, run } from '../../support/inline.ts';

const PIPELINE = `pipeline: p
description: test
owner: test
input: { jetstream: { stream: IN, subject: in.x, format: text } }
steps:
  - x12-read: {}
outputs: { a: { jetstream: { subject: "'out.a'" } } }
`;

interface ReadBody {
  documents: unknown[];
  errors: Array<{ code: string; message: string; segment?: string }>;
  acks: Array<{ partner: string; text: string }>;
}

describe('x12-read', () => {
  it('refuses an 856 whose HL chain is 8,000 levels deep for good, and acknowledges it: no stack overflow, nothing to retry', async () => {
    const hls = Array.from({ length: 8000 }, (_, i) => (i === 0 ? 'HL*1**S' : `HL*${i + 1}*${i}*P`));
    const file = interchange([{ type: '856', body: ['BSN*00*SHIP1*20240506*0708', ...hls] }], 'SH');
    const o = await run(compileInline(PIPELINE), file, { 'X-File-Name': 'deep.edi' });
    // A thrown RangeError would be a transient failure, retried and never acknowledged.
    expect(o.kind).toBe('emit');
    const body = o.exchange?.body as ReadBody;
    expect(body.documents).toEqual([]);
    expect(body.errors).toEqual([
      {
        code: 'hl-structure',
        segment: `${MAX_HL_DEPTH + 5} (HL)`,
        message: `deep.edi: segment ${MAX_HL_DEPTH + 5} (HL), element HL02: HL ${MAX_HL_DEPTH + 1} is nested ${MAX_HL_DEPTH + 1} levels deep; at most ${MAX_HL_DEPTH} HL levels are read`,
      },
    ]);
    expect(body.acks).toHaveLength(1);
    expect(body.acks[0]?.partner).toBe('sender');
    expect(body.acks[0]?.text).toContain(`AK5*R*5~`);
  });
});
