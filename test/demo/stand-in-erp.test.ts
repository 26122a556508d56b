/**
 * The stand-in ERP numbers sales orders: the ones its book names get those numbers (the demo
 * day's releases and invoice quote them), others are counted, and an order posted again keeps
 * its number, as a real ERP's would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInErp, type StandInErp } from '../../runtime/demo/stand-in-erp.ts';
import { demoErpBook } from '../../runtime/demo/erp-book.ts';

let erp: StandInErp;

beforeAll(async () => {
  erp = await startStandInErp(0, demoErpBook());
});

afterAll(async () => {
  await erp.close();
});

async function post(order: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${erp.url}/api/salesorders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { orderNumber: string }).orderNumber;
}

describe('the stand-in ERP', () => {
  it('gives the orders of its book their numbers, whenever they come', async () => {
    const first = await post({ channel: 'shopify', externalId: '820001' });
    expect(first).toMatch(/^SO-1\d{5}$/);
    expect(await post({ channel: 'b2b-portal', externalId: 'B2B-100482' })).toBe('SO-500001');
    expect(await post({ channel: 'edi-4405197800', externalId: '4500047731' })).toBe('SO-500002');
    const second = await post({ channel: 'shopify', externalId: '820002' });
    expect(second).toMatch(/^SO-1\d{5}$/);
    expect(second).not.toBe(first);
  });

  it('keeps the number of an order posted again', async () => {
    const n = await post({ channel: 'shopify', externalId: '820077' });
    expect(await post({ channel: 'shopify', externalId: '820077' })).toBe(n);
    expect(await post({ channel: 'b2b-portal', externalId: 'B2B-100482' })).toBe('SO-500001');
  });
});
