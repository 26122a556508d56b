import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { errors, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamApiError, type PubAck } from '@nats-io/jetstream';
import { jserrors } from '@nats-io/jetstream/internal';
import { PublishAcks, PublishAcksClosedError, publishAcksFor, publishHeaders } from '../../runtime/transport/publish-acks.ts';
import { connectNats } from '../../runtime/transport/connection.ts';
import { hdrs, readStream, startTestNats, waitFor, type TestNats } from '../support/nats.ts';

let nats: TestNats;
/** The runner's kind of connection: reconnects forever, writes coalesced per loop turn. */
let nc: NatsConnection;
const enc = new TextEncoder();
const body = (s: string): Uint8Array => enc.encode(s);

beforeAll(async () => {
  nats = await startTestNats();
  await nats.jsm.streams.add({ name: 'PA', subjects: ['pa.>'] });
  nc = await connectNats({ url: nats.url, name: 'publish-acks-test' });
});
afterAll(async () => {
  await nc.close().catch(() => undefined);
  await nats.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A subscriber that takes messages and never answers: a publish to its subject waits for nothing. */
async function silentResponder(subject: string): Promise<() => void> {
  const sub = nats.nc.subscribe(subject, { callback: () => undefined });
  await nats.nc.flush();
  return () => sub.unsubscribe();
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('PublishAcks', () => {
  it('acknowledges 1,000 publishes made in one turn with the stream and their sequences, in publish order', async () => {
    const acks = new PublishAcks(nc);
    const before = (await nats.jsm.streams.info('PA')).state.last_seq;
    const promises: Promise<PubAck>[] = [];
    for (let i = 0; i < 1000; i++) promises.push(acks.publish('pa.bulk', body(`m${i}`)));
    expect(acks.pending).toBe(1000);
    const got = await Promise.all(promises);
    expect(got.map((a) => a.stream)).toEqual(Array.from({ length: 1000 }, () => 'PA'));
    expect(got.map((a) => a.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => before + 1 + i));
    expect(got.every((a) => a.duplicate === false)).toBe(true);
    expect(acks.pending).toBe(0);
    // Each acknowledged sequence holds the message that was published for it.
    const stored = await readStream(nats.jsm, 'PA', 'pa.bulk');
    expect(stored.map((m) => [m.seq, m.body])).toEqual(got.map((a, i) => [a.seq, `m${i}`]));
    acks.close();
  });

  it('acknowledges a repeated message id as a duplicate of the first', async () => {
    const acks = new PublishAcks(nc);
    const first = await acks.publish('pa.dup', body('one'), { msgID: 'dup-1' });
    const again = await acks.publish('pa.dup', body('two'), { msgID: 'dup-1' });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ stream: 'PA', seq: first.seq, duplicate: true });
    acks.close();
  });

  it('sends the headers js.publish sends, on a copy of the caller’s', async () => {
    const acks = new PublishAcks(nc);
    const seed = await acks.publish('pa.hdr', body('seed'), { msgID: 'hdr-seed' });
    const callers = hdrs({ 'X-Correlation-Id': 'c-1' });
    const ack = await acks.publish('pa.hdr', body('x'), {
      msgID: 'hdr-1',
      headers: callers,
      expect: { streamName: 'PA', lastSequence: seed.seq, lastMsgID: 'hdr-seed', lastSubjectSequence: seed.seq },
    });
    const stored = (await readStream(nats.jsm, 'PA', 'pa.hdr')).find((m) => m.seq === ack.seq);
    expect(stored?.headers).toEqual({
      'X-Correlation-Id': 'c-1',
      'Nats-Msg-Id': 'hdr-1',
      'Nats-Expected-Stream': 'PA',
      'Nats-Expected-Last-Sequence': String(seed.seq),
      'Nats-Expected-Last-Msg-Id': 'hdr-seed',
      'Nats-Expected-Last-Subject-Sequence': String(seed.seq),
    });
    expect([...callers].map(([k, v]) => [k, v.join(',')])).toEqual([['X-Correlation-Id', 'c-1']]);
    // Nothing to add: the caller's headers go as they are, with no copy.
    expect(publishHeaders({ headers: callers })).toBe(callers);
    expect(publishHeaders({})).toBeUndefined();
    acks.close();
  });

  it('rejects a publish on a wrong expected last sequence (10071) or last message id (10070) with JetStreamApiError', async () => {
    const acks = new PublishAcks(nc);
    const last = await acks.publish('pa.expect', body('a'), { msgID: 'exp-a' });
    const wrongSeq = await rejection(acks.publish('pa.expect', body('b'), { expect: { lastSequence: last.seq - 1 } }));
    expect(wrongSeq).toBeInstanceOf(JetStreamApiError);
    expect((wrongSeq as JetStreamApiError).apiError().err_code).toBe(10071);
    const wrongId = await rejection(acks.publish('pa.expect', body('c'), { expect: { lastMsgID: 'not-exp-a' } }));
    expect(wrongId).toBeInstanceOf(JetStreamApiError);
    expect((wrongId as JetStreamApiError).apiError().err_code).toBe(10070);
    // The right expectations are accepted.
    await expect(acks.publish('pa.expect', body('d'), { expect: { lastSequence: last.seq, lastMsgID: 'exp-a' } })).resolves.toMatchObject({ seq: last.seq + 1 });
    acks.close();
  });

  it('rejects at once, with the class js.publish throws, when no stream captures the subject', async () => {
    const acks = new PublishAcks(nc, { timeoutMs: 10_000 });
    const started = performance.now();
    const err = await rejection(acks.publish('nostream.x', body('x')));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(jserrors.JetStreamNotEnabled);
    expect((err as Error).message).toMatch(/no stream captures subject 'nostream\.x'/);
    const jsErr = await rejection(nats.js.publish('nostream.x', body('x')));
    expect(err).toBeInstanceOf((jsErr as Error).constructor);
    expect(acks.pending).toBe(0);
    acks.close();
  });

  it('times out 10,000 unanswered publishes with one timer, after about the timeout', async () => {
    const stop = await silentResponder('silent.many');
    const acks = new PublishAcks(nc, { timeoutMs: 300 });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const started = performance.now();
    const settled = Array.from({ length: 10_000 }, (_, i) => rejection(acks.publish('silent.many', body(`s${i}`))));
    expect(acks.pending).toBe(10_000);
    // A timer per publish would be 10,000 calls here; nothing else ran since.
    expect(timers.mock.calls.length).toBe(1);
    const ours = timers.mock.calls[0]?.[0];
    const errs = await Promise.all(settled);
    const elapsed = performance.now() - started;
    expect(errs.every((e) => e instanceof errors.TimeoutError)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
    expect(acks.pending).toBe(0);
    // Armed again only for the deadlines still ahead when it fired (publishing 10,000 takes a
    // while), at most every 10 ms: a handful of timers one after another, not one per publish.
    expect(timers.mock.calls.filter((c) => c[0] === ours).length).toBeLessThan(100);
    stop();
    acks.close();
  });

  it('times out a shorter timeout on time behind a longer one, and the longer one keeps waiting', async () => {
    const stop = await silentResponder('silent.mixed');
    const acks = new PublishAcks(nc);
    const long = rejection(acks.publish('silent.mixed', body('long'), { timeout: 30_000 }));
    const started = performance.now();
    const short = await rejection(acks.publish('silent.mixed', body('short'), { timeout: 150 }));
    expect(short).toBeInstanceOf(errors.TimeoutError);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(acks.pending).toBe(1);
    acks.close();
    expect(await long).toBeInstanceOf(PublishAcksClosedError);
    stop();
  });

  it('close() rejects what is pending and every later publish', async () => {
    const stop = await silentResponder('silent.close');
    const acks = new PublishAcks(nc);
    const pending = [rejection(acks.publish('silent.close', body('a'))), rejection(acks.publish('silent.close', body('b')))];
    acks.close();
    for (const err of await Promise.all(pending)) expect(err).toBeInstanceOf(PublishAcksClosedError);
    expect(acks.pending).toBe(0);
    expect(await rejection(acks.publish('pa.after', body('x')))).toBeInstanceOf(PublishAcksClosedError);
    stop();
  });

  it('rejects what is pending when its connection closes, and publishes after it like js.publish', async () => {
    const stop = await silentResponder('silent.conn');
    const own = await connectNats({ url: nats.url, name: 'publish-acks-closing' });
    const acks = new PublishAcks(own);
    const pending = rejection(acks.publish('silent.conn', body('a')));
    await own.close();
    expect(await pending).toBeInstanceOf(errors.ClosedConnectionError);
    expect(await rejection(acks.publish('pa.after', body('x')))).toBeInstanceOf(errors.ClosedConnectionError);
    expect(acks.isClosed).toBe(true);
    // Made after the close: rejects the same way rather than throwing.
    expect(await rejection(new PublishAcks(own).publish('pa.after', body('x')))).toBeInstanceOf(errors.ClosedConnectionError);
    expect(await rejection(publishAcksFor(own).publish('pa.after', body('x')))).toBeInstanceOf(errors.ClosedConnectionError);
    stop();
  });

  it('rejects what is pending when its connection drains', async () => {
    const stop = await silentResponder('silent.drain');
    const own = await connectNats({ url: nats.url, name: 'publish-acks-draining' });
    const acks = new PublishAcks(own);
    const pending = rejection(acks.publish('silent.drain', body('a')));
    await own.drain();
    expect(await pending).toBeInstanceOf(errors.DrainingConnectionError);
    expect(acks.pending).toBe(0);
    stop();
  });

  it('is one publisher per connection', async () => {
    const a = publishAcksFor(nc);
    expect(publishAcksFor(nc)).toBe(a);
    await expect(a.publish('pa.shared', body('x'))).resolves.toMatchObject({ stream: 'PA' });
    // A closed one is replaced while the connection lives.
    a.close();
    const b = publishAcksFor(nc);
    expect(b).not.toBe(a);
    await expect(b.publish('pa.shared', body('y'))).resolves.toMatchObject({ stream: 'PA' });
  });

  // Last: it restarts the server the others share.
  it('keeps its acknowledgement subscription across a server restart', async () => {
    const own = await connectNats({ url: nats.url, name: 'publish-acks-reconnect' });
    const acks = new PublishAcks(own, { timeoutMs: 15_000 });
    const before = await acks.publish('pa.restart', body('before'));
    const statuses: string[] = [];
    void (async () => {
      for await (const s of own.status()) statuses.push(s.type);
    })();
    const restarted = nats.restart(1000);
    await waitFor('the disconnect', () => statuses.includes('disconnect'), 10_000, 10);
    // Made while the server is down: nats.js drops its outgoing buffer at each dial, so this
    // one is never sent; like js.publish's, it times out instead of waiting for ever.
    const lost = rejection(acks.publish('pa.restart', body('lost'), { timeout: 2000 }));
    await restarted;
    await waitFor('the reconnect', () => statuses.includes('reconnect'), 15_000);
    const after = await acks.publish('pa.restart', body('after'));
    expect(after).toEqual({ stream: 'PA', seq: before.seq + 1, duplicate: false });
    expect(await lost).toBeInstanceOf(errors.TimeoutError);
    expect(acks.pending).toBe(0);
    await own.close();
  });
});
