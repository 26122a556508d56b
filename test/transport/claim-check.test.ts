/**
 * Claim checks against a real nats-server -js (Object Store included, as on 2.9): a body over
 * max_payload goes to the bucket once per content, the reference resolves to the same bytes,
 * and a reference whose object is gone or altered is a permanent failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { startNatsServer } from '../../runtime/transport/nats-server.ts';
import { CLAIM_CHECK, ClaimCheck, ClaimCheckError, resolveClaimCheck } from '../../runtime/transport/claim-check.ts';
import { startTestNats, tempDir, type TestNats } from '../support/nats.ts';

let nats: TestNats;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  nats = await startTestNats();
});

afterAll(async () => {
  await nats.close();
});

describe('claim checks', () => {
  it('leave a body that fits alone, and read its limit from the connection', async () => {
    const cc = new ClaimCheck(nats.js);
    const data = new TextEncoder().encode('{"small":true}');
    const out = await cc.outbound({ 'X-Partner': 'acme' }, data);
    expect(out).toEqual({ headers: { 'X-Partner': 'acme' }, data });
    expect(cc.fits({}, new Uint8Array(nats.nc.info!.max_payload - 2048))).toBe(true);
    expect(cc.fits({}, new Uint8Array(nats.nc.info!.max_payload))).toBe(false);
  });

  it("follow the server's own max_payload, not the default", async () => {
    const dir = tempDir('nats-small');
    writeFileSync(join(dir, 'server.conf'), 'max_payload: 65536\n');
    const server = await startNatsServer({ storeDir: join(dir, 'store'), args: ['-c', join(dir, 'server.conf')] });
    const nc = await connect({ servers: server.url });
    try {
      expect(nc.info?.max_payload).toBe(65536);
      const js = jetstream(nc);
      const cc = new ClaimCheck(js);
      expect(cc.fits({}, new Uint8Array(60_000))).toBe(true);
      const data = new Uint8Array(randomBytes(100_000));
      const out = await cc.outbound({}, data);
      expect(out.headers[CLAIM_CHECK.size]).toBe('100000');
      expect(sha(await resolveClaimCheck(js, out.headers, out.data))).toBe(sha(data));
    } finally {
      await nc.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('store a body over max_payload in a bucket made on demand and resolve it back byte for byte', async () => {
    const cc = new ClaimCheck(nats.js, { bucket: 'cc-roundtrip' });
    const data = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
    const out = await cc.outbound({ 'X-Partner': 'acme' }, data, 'id-1');
    expect(out.data.length).toBe(0);
    expect(out.headers).toEqual({
      'X-Partner': 'acme',
      [CLAIM_CHECK.ref]: `cc-roundtrip/${sha(data)}`,
      [CLAIM_CHECK.size]: String(data.length),
      [CLAIM_CHECK.sha256]: sha(data),
    });
    const back = await resolveClaimCheck(nats.js, out.headers, out.data);
    expect(back.length).toBe(data.length);
    expect(sha(back)).toBe(sha(data));
  });

  it('give a message without a claim check its own bytes, synchronously', () => {
    const data = new Uint8Array([1, 2, 3]);
    expect(resolveClaimCheck(nats.js, { 'X-A': 'b' }, data)).toBe(data);
  });

  it('store the same content once, however often it is sent', async () => {
    const cc = new ClaimCheck(nats.js, { bucket: 'cc-once' });
    const data = new Uint8Array(randomBytes(2 * 1024 * 1024));
    await cc.outbound({}, data);
    const before = (await nats.jsm.streams.info('OBJ_cc-once')).state.messages;
    await cc.outbound({ other: 'headers' }, data);
    await new ClaimCheck(nats.js, { bucket: 'cc-once' }).outbound({}, data);
    expect((await nats.jsm.streams.info('OBJ_cc-once')).state.messages).toBe(before);
  });

  it('do not pass on a claim check inherited from the input: the output has a body of its own', async () => {
    const cc = new ClaimCheck(nats.js);
    const data = new TextEncoder().encode('small output');
    const out = await cc.outbound({ [CLAIM_CHECK.ref]: 'b/o', [CLAIM_CHECK.size]: '9', 'X-Keep': '1' }, data);
    expect(out).toEqual({ headers: { 'X-Keep': '1' }, data });
  });

  it('fail permanently for a missing object, a missing bucket, a wrong digest or a malformed header', async () => {
    const cc = new ClaimCheck(nats.js, { bucket: 'cc-broken' });
    const data = new Uint8Array(randomBytes(1536 * 1024));
    const { headers } = await cc.outbound({}, data);
    const expectPermanent = async (h: Record<string, string>, pattern: RegExp): Promise<void> => {
      const err = await Promise.resolve(resolveClaimCheck(nats.js, h, new Uint8Array(0))).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ClaimCheckError);
      expect((err as ClaimCheckError).permanent).toBe(true);
      expect((err as Error).message).toMatch(pattern);
    };
    await expectPermanent({ ...headers, [CLAIM_CHECK.sha256]: sha(new Uint8Array(1)) }, /does not match its SHA-256/);
    await expectPermanent({ ...headers, [CLAIM_CHECK.ref]: 'no-such-bucket/x' }, /bucket 'no-such-bucket' does not exist/);
    await expectPermanent({ [CLAIM_CHECK.ref]: 'nonsense' }, /malformed/);
    await (await new Objm(nats.js).open('cc-broken')).delete(sha(data));
    await expectPermanent(headers, /no such object/);
  });
});
