import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestGroups } from '../../runtime/availability/request-groups.ts';
import { publishAcksFor } from '../../runtime/transport/publish-acks.ts';
import { startTestNats, type TestNats } from '../support/nats.ts';

let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
  await nats.jsm.streams.add({ name: 'RG', subjects: ['rg.>'] });
});
afterAll(async () => {
  await nats.close();
});

describe('reservation requests in groups', () => {
  it('sends one turn of requests with one acknowledgement, each its own message and id, in order', async () => {
    const groups = new RequestGroups(nats.nc, publishAcksFor(nats.nc).publish, 'RG');
    const before = (await nats.jsm.streams.info('RG')).state.last_seq;
    const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => groups.send('rg.req', JSON.stringify({ n: i }), `rg-a-${i}`)));
    expect(groups.stats).toEqual({ groups: 1, requests: 50 });
    // Every caller holds a sequence at or after its own message: the group's last.
    expect(new Set(seqs)).toEqual(new Set([before + 50]));
    const stored = await Promise.all(Array.from({ length: 50 }, (_, i) => nats.jsm.streams.getMessage('RG', { seq: before + 1 + i })));
    expect(stored.map((m) => [m?.json<{ n: number }>().n, m?.header.get('Nats-Msg-Id')])).toEqual(Array.from({ length: 50 }, (_, i) => [i, `rg-a-${i}`]));
  });

  it('keeps the duplicate window working per request', async () => {
    const groups = new RequestGroups(nats.nc, publishAcksFor(nats.nc).publish, 'RG');
    await Promise.all([groups.send('rg.req', '{}', 'rg-b-1'), groups.send('rg.req', '{}', 'rg-b-2')]);
    const before = (await nats.jsm.streams.info('RG')).state.messages;
    // The first is a repeat (dropped by the stream), the second new.
    const seqs = await Promise.all([groups.send('rg.req', '{}', 'rg-b-1'), groups.send('rg.req', '{}', 'rg-b-3')]);
    expect((await nats.jsm.streams.info('RG')).state.messages).toBe(before + 1);
    expect(seqs[0]).toBe(seqs[1]);
  });

  it('gives no sequence when the group’s last message is a repeat: it says nothing of the others', async () => {
    const groups = new RequestGroups(nats.nc, publishAcksFor(nats.nc).publish, 'RG');
    await groups.send('rg.req', '{}', 'rg-c-last');
    const seqs = await Promise.all([groups.send('rg.req', '{}', 'rg-c-new'), groups.send('rg.req', '{}', 'rg-c-last')]);
    expect(seqs).toEqual([undefined, undefined]);
    // A repeat alone still answers with the sequence it was stored at.
    expect(await groups.send('rg.req', '{}', 'rg-c-last')).toBeTypeOf('number');
  });

  it('fails every request of a group the stream did not take', async () => {
    const groups = new RequestGroups(nats.nc, publishAcksFor(nats.nc).publish, 'NOT-RG');
    const results = await Promise.allSettled([groups.send('rg.req', '{}', 'rg-d-1'), groups.send('rg.req', '{}', 'rg-d-2')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
