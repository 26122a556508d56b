/**
 * The EDI benchmark times generated 850 files: they must be valid X12 that the shipped
 * pipelines read and map whole, or the figure would be for rejecting them.
 */
import { describe, expect, it } from 'vitest';
import { readInterchanges } from '../../runtime/edi/x12/index.ts';
import { pipelines, purchaseOrder850, throughPipelines } from './edi.ts';

describe('EDI benchmark input', () => {
  it.each([1, 7, 250])('a %i-line 850 reads without errors and every line reaches the ERP output', async (lines) => {
    const text = purchaseOrder850(lines, `PO-T${lines}`);
    const read = readInterchanges(text);
    expect(read.errors).toEqual([]);
    const sets = read.interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets));
    expect(sets).toHaveLength(1);
    expect(sets[0]?.document?.type).toBe('850');
    expect(await throughPipelines(pipelines(), new TextEncoder().encode(text), 1)).toBe(lines);
  });
});
