/**
 * The Deliverer against a real nats-server: bodies over max_payload (an EDI file, the JSON read
 * from it) go by claim check, for emissions and dead letters alike, instead of failing with
 * `max_payload size exceeded`; a dead letter of a claim-checked message keeps its reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { Emission, MessageMeta } from '../../runtime/components/types.ts';
import { deadLetter } from '../../runtime/engine/dead-letter.ts';
import { Deliverer } from '../../runtime/engine/deliverer.ts';
import { SOURCE_KEY } from '../../runtime/components/header-names.ts';
import { CLAIM_CHECK, resolveClaimCheck } from '../../runtime/transport/claim-check.ts';
import { publishAcksFor } from '../../runtime/transport/publish-acks.ts';
import { readStream, startTestNats, type TestNats } from '../support/nats.ts';

let nats: TestNats;
let deliverer: Deliverer;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const big = new TextEncoder().encode('ISA*00*'.padEnd(3 * 1024 * 1024, 'PO1*1*1*EA*1.00**VN*X~'));
const meta: MessageMeta = { pipeline: 'p', subject: 'file:big.edi', stream: 'files', streamSeq: 0, deliveryCount: 1, receivedAt: 0, key: 'file:abc' };
const failure = { permanent: true, stepIndex: 1, step: 'x12-read', reason: 'no' };

async function body(stream: string, subject: string): Promise<{ headers: Record<string, string>; data: Uint8Array }> {
  const [m] = await readStream(nats.jsm, stream, subject);
  const stored = await nats.jsm.streams.getMessage(stream, { seq: m!.seq });
  return { headers: m!.headers, data: await resolveClaimCheck(nats.js, m!.headers, stored!.data) };
}

beforeAll(async () => {
  nats = await startTestNats();
  await nats.jsm.streams.add({ name: 'OUT', subjects: ['out.>'] });
  await nats.jsm.streams.add({ name: 'DLQ', subjects: ['dlq.>'] });
  await nats.jsm.streams.add({ name: 'EXCEPTIONS', subjects: ['exceptions.>'] });
  deliverer = new Deliverer(jetstream(nats.nc, { timeout: 5000 }), publishAcksFor(nats.nc).publish);
});

afterAll(async () => {
  await nats.close();
});

describe('Deliverer', () => {
  it('sends an emission over max_payload by claim check, and a small one as it is', async () => {
    const large: Emission = { output: 'o', subject: 'out.large', msgId: 'large-1', headers: { 'X-Partner': 'acme' }, body: undefined, data: big };
    const small: Emission = { output: 'o', subject: 'out.small', msgId: 'small-1', headers: { 'X-Partner': 'acme' }, body: { ok: true } };
    await deliverer.deliverAll([large, small]);
    const l = await body('OUT', 'out.large');
    expect(l.headers[CLAIM_CHECK.ref]).toBe(`crossdock-payloads/${sha(big)}`);
    expect(l.headers[CLAIM_CHECK.size]).toBe(String(big.length));
    expect(l.headers['Nats-Msg-Id']).toBe('large-1');
    expect(sha(l.data)).toBe(sha(big));
    const [s] = await readStream(nats.jsm, 'OUT', 'out.small');
    expect(s!.body).toBe('{"ok":true}');
    expect(s!.headers[CLAIM_CHECK.ref]).toBeUndefined();
  });

  it('dead-letters a body over max_payload (a multi-MB file) by claim check', async () => {
    const dl = deadLetter('dlq.p', 'p', meta, { data: big, headers: { 'X-File-Name': 'big.edi' } }, 'corr', failure, 'permanent');
    const ack = await deliverer.deadLetter(dl);
    expect(ack.stream).toBe('DLQ');
    const d = await body('DLQ', 'dlq.p');
    expect(d.headers['Crossdock-Reason']).toBe('no');
    expect(d.headers[CLAIM_CHECK.size]).toBe(String(big.length));
    expect(sha(d.data)).toBe(sha(big));
  });

  it('keeps the reference of a claim-checked message it dead-letters, and drops an inherited one from an output', async () => {
    const ref = { [CLAIM_CHECK.ref]: `crossdock-payloads/${sha(big)}`, [CLAIM_CHECK.size]: String(big.length), [CLAIM_CHECK.sha256]: sha(big) };
    const dl = deadLetter('dlq.q', 'q', { ...meta, key: 'EDI:7' }, { data: new Uint8Array(0), headers: ref }, 'corr', failure, 'exhausted');
    await deliverer.deadLetter(dl);
    const [stored] = await readStream(nats.jsm, 'DLQ', 'dlq.q');
    expect(stored!.body).toBe('');
    expect(stored!.headers[CLAIM_CHECK.ref]).toBe(ref[CLAIM_CHECK.ref]);
    await deliverer.deliver({ output: 'o', subject: 'out.derived', msgId: 'd-1', headers: { ...ref, 'X-Partner': 'acme' }, body: 'derived' });
    const [derived] = await readStream(nats.jsm, 'OUT', 'out.derived');
    expect(derived!.body).toBe('derived');
    expect(derived!.headers[CLAIM_CHECK.ref]).toBeUndefined();
    expect(derived!.headers['X-Partner']).toBe('acme');
  });

  it('stores through the publisher it is given, each message with its Nats-Msg-Id, replacing an inherited one', async () => {
    const publish = publishAcksFor(nats.nc).publish;
    const subjects: string[] = [];
    const counting = new Deliverer(jetstream(nats.nc), (subject, data, opts) => {
      subjects.push(subject);
      return publish(subject, data, opts);
    });
    await counting.deliverAll([
      { output: 'o', subject: 'out.given.a', msgId: 'given-a', headers: { 'X-Partner': 'acme', 'Nats-Msg-Id': 'inherited' }, body: 'a' },
      { output: 'o', subject: 'out.given.b', msgId: 'given-b', headers: {}, body: 'b' },
    ]);
    const dl = deadLetter('dlq.given', 'p', { ...meta, key: 'given' }, { data: new TextEncoder().encode('x'), headers: {} }, 'corr', failure, 'permanent');
    const ack = await counting.deadLetter(dl);
    expect(subjects).toEqual(['out.given.a', 'out.given.b', 'dlq.given']);
    const stored = await readStream(nats.jsm, 'OUT');
    expect(stored.filter((m) => m.subject.startsWith('out.given.')).map((m) => [m.subject, m.headers['Nats-Msg-Id'], m.headers['X-Partner']])).toEqual([
      ['out.given.a', 'given-a', 'acme'],
      ['out.given.b', 'given-b', undefined],
    ]);
    const [d] = (await readStream(nats.jsm, 'DLQ', 'dlq.given')).filter((m) => m.seq === ack.seq);
    expect(d?.headers['Nats-Msg-Id']).toBe(dl.msgId);
  });

  describe('an output id the stream already holds', () => {
    const posting = (source: string): Emission => ({
      output: 'erp',
      subject: 'out.orders',
      msgId: 'shopify:1001',
      headers: { [SOURCE_KEY]: source },
      body: { externalId: '1001' },
      onDuplicate: { subject: 'exceptions.duplicate-order.shopify', msgId: `duplicate:shopify:1001:${source}`, body: { type: 'duplicate' }, headers: { 'Crossdock-Channel': 'shopify', 'Crossdock-Document-Type': 'SalesOrder' } },
    });

    it('is our own earlier attempt when the stored copy came from the same inbound message: no exception', async () => {
      await deliverer.deliver(posting('CHANNELS:1'));
      // After a failover a redelivery can arrive with a delivery count of 1 again.
      await deliverer.deliver(posting('CHANNELS:1'));
      expect(await readStream(nats.jsm, 'EXCEPTIONS')).toEqual([]);
    });

    it('is a second copy of the document when it came from another inbound message: one exception', async () => {
      await deliverer.deliver(posting('CHANNELS:2'));
      const exceptions = await readStream(nats.jsm, 'EXCEPTIONS');
      expect(exceptions.map((m) => [m.subject, m.headers['Crossdock-Duplicate-Of']])).toEqual([['exceptions.duplicate-order.shopify', expect.stringMatching(/^OUT:\d+$/)]]);
      // What the exceptions workbench shows and filters by travels on the exception.
      expect(exceptions[0]?.headers).toMatchObject({ 'Crossdock-Channel': 'shopify', 'Crossdock-Document-Type': 'SalesOrder' });
    });
  });
});
