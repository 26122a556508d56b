/** Text widths estimated without a browser, and labels wrapped between tokens. */
import { describe, expect, it } from 'vitest';
import { textWidth, wrapText } from '../../runtime/graph/text-width.ts';

describe('text widths', () => {
  it('count narrow and wide characters apart', () => {
    expect(textWidth('iiii', 12)).toBeLessThan(textWidth('mmmm', 12));
    expect(textWidth('abc', 24)).toBe(2 * textWidth('abc', 12));
  });

  it('wrap between tokens and never leave a wildcard alone on a line', () => {
    expect(wrapText('exceptions.receipt-discrepancy.*', 120, 12)).toEqual(['exceptions.', 'receipt-discrepancy.*']);
    expect(wrapText('inventory.>', 40, 12)).toEqual(['inventory.>']);
    expect(wrapText('orders', 10, 12)).toEqual(['orders']);
    for (const line of wrapText('files in ${EDI_INBOX:-.crossdock/edi/inbox}/*.edi', 120, 12)) expect(textWidth(line, 12)).toBeLessThanOrEqual(120);
  });
});
