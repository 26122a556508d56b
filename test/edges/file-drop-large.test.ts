/**
 * Files of several MB (a real retail 850 reaches that) through the drop folder of a real runner
 * and nats-server, whose max_payload is 1 MB: the document read from the file goes by claim
 * check; a large file that fails is dead-lettered by claim check and moved to failed/ at once;
 * `dlq show` gives the reference and size, and `dlq replay` gives the body back whole.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { repoFile, tempProject } from '../support/project.ts';
import { readStream, startTestNats, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { purchaseOrder850 } from '../bench/edi.ts';
import { deadLetter } from '../../runtime/engine/dead-letter.ts';
import { Deliverer } from '../../runtime/engine/deliverer.ts';
import { CLAIM_CHECK, ClaimCheck, resolveClaimCheck } from '../../runtime/transport/claim-check.ts';
import { publishAcksFor } from '../../runtime/transport/publish-acks.ts';

let nats: TestNats;
let runner: RunnerProcess;
const inbox = tempDir('inbox-large');
const project = tempProject({
  'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
  'pipelines/edi-inbound.yaml': repoFile('pipelines/edges/edi-inbound.yaml').replace('stableFor: 1s', 'stableFor: 300ms\n    pollEvery: 100ms'),
});
const files = (sub: string): string[] => (existsSync(join(inbox, sub)) ? readdirSync(join(inbox, sub)) : []);
const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const MB5 = 5 * 1024 * 1024;

/** Appears whole: written under a hidden name (never taken), then renamed into the folder. */
function drop(name: string, text: string): void {
  writeFileSync(join(inbox, `.${name}.part`), text);
  renameSync(join(inbox, `.${name}.part`), join(inbox, name));
}

async function stored(stream: string, seq: number): Promise<{ headers: Record<string, string>; data: Uint8Array }> {
  const m = await nats.jsm.streams.getMessage(stream, { seq });
  if (!m) throw new Error(`no message ${seq} in ${stream}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of m.header ?? []) headers[k] = v.join(',');
  return { headers, data: m.data };
}

beforeAll(async () => {
  nats = await startTestNats();
  process.env.EDI_INBOX = inbox;
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  delete process.env.EDI_INBOX;
  await runner.ready;
});

afterAll(async () => {
  runner.child.kill('SIGTERM');
  await runner.exited;
  await nats.close();
});

it('processes a 5 MB X12 850, its document (larger than max_payload) going by claim check', async () => {
  const text = purchaseOrder850(61_000, 'PO-BIG-1');
  expect(text.length).toBeGreaterThan(MB5);
  expect(text.length).toBeGreaterThan(nats.nc.info!.max_payload * 5);
  drop('big-850.edi', text);
  await waitFor('the 850 processed', () => files('processed').some((f) => f.endsWith('_big-850.edi')), 90_000);
  const [doc] = await readStream(nats.jsm, 'EDI', 'edi.in.850.abcdefghijklmno');
  expect(doc?.body).toBe('');
  expect(doc?.headers[CLAIM_CHECK.ref]).toMatch(/^crossdock-payloads\/[0-9a-f]{64}$/);
  const { headers, data } = await stored('EDI', doc!.seq);
  const full = await resolveClaimCheck(nats.js, headers, data);
  expect(full.length).toBe(Number(headers[CLAIM_CHECK.size]));
  const body = JSON.parse(new TextDecoder().decode(full)) as { type: string; document: { beg: { poNumber?: string }; lines: unknown[] } };
  expect(body.type).toBe('850');
  expect(body.document.lines.length).toBe(61_000);
  // The 997 is small and goes as an ordinary message.
  const [ack] = await readStream(nats.jsm, 'EDI', 'edi.out.997.abcdefghijklmno');
  expect(ack?.body).toContain('ST*997*');
  expect(ack?.headers[CLAIM_CHECK.ref]).toBeUndefined();
  expect(await readStream(nats.jsm, 'DLQ')).toEqual([]);
  expect(files('failed')).toEqual([]);
}, 120_000);

it('moves a 5 MB file that fails to failed/ at once with its reason, dead-lettered by claim check that dlq show and replay handle', async () => {
  const junk = 'this is no X12 interchange, only a large file\n'.repeat(Math.ceil(MB5 / 46));
  drop('big-junk.edi', junk);
  await waitFor('the file in failed/', () => files('failed').some((f) => f.endsWith('_big-junk.edi')), 90_000);
  const reasonFile = files('failed').find((f) => f.endsWith('_big-junk.edi.reason.json'))!;
  const reason = JSON.parse(readFileSync(join(inbox, 'failed', reasonFile), 'utf8')) as { kind: string; attempts: number; deadLetter: { stream: string; id: number } };
  expect(reason).toMatchObject({ file: 'big-junk.edi', pipeline: 'edi-inbound', kind: 'permanent', attempts: 1, deadLetter: { subject: 'dlq.edi-inbound', stream: 'DLQ' } });
  const id = reason.deadLetter.id;
  const dead = await stored('DLQ', id);
  expect(dead.data.length).toBe(0);
  expect(dead.headers[CLAIM_CHECK.ref]).toBe(`crossdock-payloads/${sha(junk)}`);
  expect(dead.headers['X-File-Name']).toBe('big-junk.edi');

  const shown = await runCli(['dlq', 'show', String(id), '--nats', nats.url]);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain(`claim check crossdock-payloads/${sha(junk)}, ${junk.length} bytes, stored`);
  const json = await runCli(['dlq', 'show', String(id), '--json', '--nats', nats.url]);
  expect((JSON.parse(json.stdout) as { claimCheck: unknown }).claimCheck).toEqual({ reference: `crossdock-payloads/${sha(junk)}`, size: junk.length, sha256: sha(junk), stored: true });

  const noDir = await runCli(['dlq', 'replay', String(id), '--keep', '--nats', nats.url]);
  expect(noDir.code).toBe(1);
  expect(noDir.stderr).toMatch(/drop folder: give --to-dir/);
  const outDir = tempDir('replayed');
  const replayed = await runCli(['dlq', 'replay', String(id), '--to-dir', outDir, '--nats', nats.url]);
  expect(replayed.stderr).toBe('');
  expect(replayed.code).toBe(0);
  expect(readdirSync(outDir)).toEqual(['big-junk.edi']);
  expect(sha(readFileSync(join(outDir, 'big-junk.edi')))).toBe(sha(junk));
  expect((await readStream(nats.jsm, 'DLQ')).map((m) => m.seq)).not.toContain(id);
}, 120_000);

it('replays a claim-checked dead letter of a stream message as its reference, the body intact', async () => {
  const js = jetstream(nats.nc, { timeout: 5000 });
  const body = new TextEncoder().encode(JSON.stringify({ type: '850', filler: 'x'.repeat(2 * 1024 * 1024) }));
  const ref = await new ClaimCheck(js).store(body);
  const meta = { pipeline: 'edi-retail-orders', subject: 'edi.in.850.bigretailer', stream: 'EDI', streamSeq: 41, deliveryCount: 5, receivedAt: 0, key: 'EDI:41' };
  const dl = deadLetter('dlq.edi-retail-orders', 'edi-retail-orders', meta, { data: new Uint8Array(0), headers: { ...ref, 'X-Partner': 'bigretailer' } }, 'corr-1', { permanent: false, stepIndex: 3, step: 'atp', reason: 'timeout' }, 'exhausted');
  const ack = await new Deliverer(js, publishAcksFor(nats.nc).publish).deadLetter(dl);
  const replayed = await runCli(['dlq', 'replay', String(ack.seq), '--nats', nats.url]);
  expect(replayed.code).toBe(0);
  const [again] = await readStream(nats.jsm, 'EDI', 'edi.in.850.bigretailer');
  expect(again?.body).toBe('');
  expect(again?.headers[CLAIM_CHECK.ref]).toBe(ref[CLAIM_CHECK.ref]);
  expect(again?.headers['Crossdock-Replayed-From']).toBe(`DLQ:${ack.seq}`);
  const { headers, data } = await stored('EDI', again!.seq);
  expect(sha(await resolveClaimCheck(nats.js, headers, data))).toBe(sha(body));
}, 120_000);
