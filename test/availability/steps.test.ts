/** The `atp` and `reserve` steps against the in-memory service (the same fold and figures). */
import { describe, expect, it } from 'vitest';
import { compileInline, run, HEAD } from '../support/inline.ts';
import { startSteps } from '../../runtime/engine/drivers.ts';
import { MemoryAvailability } from '../../runtime/availability/memory.ts';
import { POLICY, T0, ev, policyOf } from './helpers.ts';

const PIPELINE = `${HEAD}steps:
  - atp: { region: shipTo.region }
  - reserve: { region: shipTo.region }
  - route:
      - when: reservation.status = 'rejected'
        to: shortage
      - to: erp
outputs:
  erp: { jetstream: { subject: "'out.erp'" } }
  shortage: { jetstream: { subject: "'out.shortage'" } }
`;

function order(id: string, lines: { sku: string; quantity: number }[], region?: string): unknown {
  return { externalId: id, channel: 'web', ...(region ? { shipTo: { region } } : {}), lines: lines.map((l, i) => ({ lineNumber: i + 1, ...l })) };
}

async function setup(): Promise<{ pipeline: ReturnType<typeof compileInline>; service: MemoryAvailability }> {
  const pipeline = compileInline(PIPELINE);
  const service = new MemoryAvailability(policyOf(POLICY), () => T0);
  service.apply(...ev.position('X', 'B', 10, 1));
  service.apply(...ev.position('Y', 'C', 4, 1));
  await startSteps(pipeline, { availability: service });
  return { pipeline, service };
}

describe('atp and reserve steps', () => {
  it('annotate each line and reserve the order, all lines or none', async () => {
    const { pipeline, service } = await setup();
    const out = await run(pipeline, order('1001', [{ sku: 'X', quantity: 4 }]));
    expect(out.kind).toBe('emit');
    if (out.kind !== 'emit') return;
    expect(out.emissions.map((e) => e.subject)).toEqual(['out.erp']);
    expect(out.emissions[0]!.data).toBeUndefined(); // a new body, not the received bytes
    const body = out.emissions[0]!.body as { lines: { availability: unknown }[]; reservation: { id: string; status: string; lines: unknown[] } };
    expect(body.lines[0]!.availability).toEqual({ available: 10, promiseDate: '2030-01-07', shipDate: '2030-01-07', seq: 2 });
    expect(body.reservation).toMatchObject({ id: 'web:1001', status: 'accepted', lines: [{ sku: 'X', quantity: 4, allocations: [{ location: 'B', quantity: 4 }] }] });
    expect(service.lookup('X', { channel: 'web' }).channels[0]!.available).toBe(6);
  });

  it('route a shortage to its own output with the shortage per SKU', async () => {
    const { pipeline } = await setup();
    const out = await run(pipeline, order('1002', [{ sku: 'X', quantity: 2 }, { sku: 'Y', quantity: 5 }], 'EU'));
    if (out.kind !== 'emit') throw new Error(out.kind);
    expect(out.emissions[0]!.subject).toBe('out.shortage');
    expect((out.emissions[0]!.body as { reservation: unknown }).reservation).toMatchObject({ status: 'rejected', shortages: [{ sku: 'X', requested: 2, available: 0 }, { sku: 'Y', requested: 5, available: 4 }] });
  });

  it('dead-letter an unknown SKU, an unknown channel and lines without a quantity, naming the field', async () => {
    const { pipeline } = await setup();
    const unknown = await run(pipeline, order('1003', [{ sku: 'X', quantity: 1 }, { sku: 'NOPE', quantity: 1 }]));
    expect(unknown).toMatchObject({ kind: 'fail', failure: { permanent: true, step: 'atp', field: 'lines[1].sku', reason: "unknown SKU 'NOPE': no position, reservation, hold, inbound line or receipt has named it" } });
    const channel = await run(pipeline, { ...(order('1004', [{ sku: 'X', quantity: 1 }]) as object), channel: 'fax' });
    expect(channel).toMatchObject({ kind: 'fail', failure: { permanent: true, field: 'channel' } });
    const quantity = await run(pipeline, { externalId: '1005', channel: 'web', lines: [{ sku: 'X' }] });
    expect(quantity).toMatchObject({ kind: 'fail', failure: { permanent: true, field: 'lines[0].quantity' } });
  });

  it('refuse to start without the availability service, saying why', async () => {
    const pipeline = compileInline(PIPELINE);
    await expect(startSteps(pipeline, {})).rejects.toThrow(/step atp needs the availability service.*Add the policy file/s);
  });
});
