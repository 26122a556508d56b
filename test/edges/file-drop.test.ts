/**
 * The EDI drop folder on a real runner and nats-server: complete files only; each accepted
 * document on its own subject; a 997 per interchange; a refused envelope reported as an
 * exception; a file that is not EDI dead-lettered and moved to failed/ with its reason; a file
 * left claimed by a crashed runner taken again; a re-sent file deduplicated. A file whose
 * outputs JetStream refuses goes to failed/ (at once when the refusal is permanent, after
 * maxDeliver attempts when not) instead of being retried for ever, and a file that has used up
 * its attempts in runners that died is not tried again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { REPO, repoFile, tempProject } from '../support/project.ts';
import { readStream, startTestNats, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

let nats: TestNats;
let runner: RunnerProcess;
const inbox = tempDir('inbox');
const otherInbox = tempDir('inbox-other');
const fixture = (name: string): string => join(REPO, 'test/fixtures/x12', name);
/** A files pipeline whose one output goes to `subject`, giving up after 3 attempts. */
const textFiles = (name: string, subject: string): string =>
  [
    `pipeline: ${name}`,
    'description: A test pipeline for what happens when JetStream refuses a file.',
    'owner: edi-team',
    'input:',
    '  files:',
    `    dir: ${otherInbox}`,
    `    pattern: "${name}-*.txt"`,
    '    stableFor: 300ms',
    '    pollEvery: 100ms',
    '    reclaimAfter: 1s',
    'steps: []',
    'outputs:',
    '  out:',
    '    jetstream:',
    `      subject: "'${subject}'"`,
    '      id: "$meta.key"',
    'errors:',
    '  maxDeliver: 3',
    '  backoff: [200ms]',
    `  deadLetter: dlq.${name}`,
    '',
  ].join('\n');
const project = tempProject({
  // NARROW takes no message over 200 bytes: a larger output is refused the same way every time.
  'pipelines/streams.yaml': repoFile('pipelines/streams.yaml').replace('streams:\n', 'streams:\n  NARROW:\n    subjects: [narrow.>]\n    maxMsgSize: 200\n'),
  'pipelines/edi-inbound.yaml': repoFile('pipelines/edges/edi-inbound.yaml').replace('stableFor: 1s', 'stableFor: 300ms\n    pollEvery: 100ms\n    reclaimAfter: 1s'),
  // No stream captures `nowhere.>`: every publish fails, as while a stream is missing.
  'pipelines/unstored.yaml': textFiles('unstored', 'nowhere.files'),
  'pipelines/narrow.yaml': textFiles('narrow', 'narrow.files'),
});
const files = (sub: string, dir = inbox): string[] => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)) : []);
const reasonOf = (dir: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(dir, 'failed', files('failed', dir).find((f) => f.endsWith(`_${name}.reason.json`))!), 'utf8')) as Record<string, unknown>;

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

it('splits a file into its documents and answers with a 997', async () => {
  copyFileSync(fixture('edi-engine__MultipleInterchangesAndGroups.edi'), join(inbox, 'multi.edi'));
  await waitFor('the file processed', () => files('processed').some((f) => f.endsWith('_multi.edi')), 20_000);
  const docs = (await readStream(nats.jsm, 'EDI')).filter((m) => m.subject.startsWith('edi.in.'));
  expect(docs.map((d) => d.subject)).toEqual(Array(6).fill('edi.in.940.abcdefghijklmno'));
  expect(new Set(docs.map((d) => d.headers['Nats-Msg-Id'])).size).toBe(6);
  const first = JSON.parse(docs[0]!.body) as { type: string; document: { w05?: unknown } };
  expect(first.type).toBe('940');
  expect(first.document.w05).toBeDefined();
  const acks = (await readStream(nats.jsm, 'EDI')).filter((m) => m.subject === 'edi.out.997.abcdefghijklmno');
  expect(acks.length).toBe(2);
  expect(acks[0]!.body).toMatch(/^ISA\*/);
  expect(acks[0]!.body).toContain('ST*997*');
  expect(files('.claimed')).toEqual([]);
});

it('takes a file only once it is complete', async () => {
  const text = readFileSync(fixture('node-x12__855.edi'), 'utf8');
  const path = join(inbox, 'slow.edi');
  writeFileSync(path, text.slice(0, 200));
  await new Promise((r) => setTimeout(r, 150));
  writeFileSync(path, text.slice(0, 600));
  await new Promise((r) => setTimeout(r, 150));
  expect(files('processed').some((f) => f.endsWith('_slow.edi'))).toBe(false);
  writeFileSync(path, text);
  await waitFor('the completed file processed', () => files('processed').some((f) => f.endsWith('_slow.edi')), 20_000);
  const docs = (await readStream(nats.jsm, 'EDI')).filter((m) => m.subject === 'edi.in.855.1556150');
  expect(docs.length).toBe(1);
  expect(await readStream(nats.jsm, 'DLQ')).toEqual([]);
});

it('reports a refused envelope as an exception with a TA1/997 rejection, and keeps the file', async () => {
  copyFileSync(fixture('gozer__asn856.edi'), join(inbox, 'mismatch.edi'));
  await waitFor('the file processed', () => files('processed').some((f) => f.endsWith('_mismatch.edi')), 20_000);
  const [ex] = await readStream(nats.jsm, 'EXCEPTIONS');
  expect(ex?.subject).toBe('exceptions.edi-rejected.abcdefghijklmno');
  const body = JSON.parse(ex!.body) as { reason: string; acceptedDocuments: number; errors: { code: string }[] };
  expect(body.acceptedDocuments).toBe(0);
  expect(body.errors.map((e) => e.code)).toEqual(['interchange-control-mismatch']);
  expect(body.reason).toMatch(/mismatch\.edi: segment \d+ \(IEA\)/);
  const ack = (await readStream(nats.jsm, 'EDI')).find((m) => m.subject === 'edi.out.997.abcdefghijklmno' && m.body.includes('TA1*'));
  expect(ack?.body).toMatch(/TA1\*[^~]*\*R\*/);
});

it('dead-letters a file that is not EDI and moves it to failed/ with the reason', async () => {
  copyFileSync(fixture('edi-engine__NonEdi.edi'), join(inbox, 'junk.edi'));
  await waitFor('the file in failed/', () => files('failed').some((f) => f.endsWith('_junk.edi')), 20_000);
  const reason = reasonOf(inbox, 'junk.edi');
  expect(reason).toMatchObject({ file: 'junk.edi', pipeline: 'edi-inbound', kind: 'permanent', attempts: 1, deadLetter: { subject: 'dlq.edi-inbound', stream: 'DLQ' } });
  expect(reason.step).toMatch(/^2: reject when /);
  expect(reason.reason).toMatch(/^not an X12 interchange: junk\.edi: segment 1/);
  expect(Date.parse(reason.failedAt as string)).toBeGreaterThan(Date.now() - 60_000);
  const [dead] = await readStream(nats.jsm, 'DLQ', 'dlq.edi-inbound');
  expect(dead?.seq).toBe((reason.deadLetter as { id: number }).id);
  expect(dead?.body).toBe(readFileSync(fixture('edi-engine__NonEdi.edi'), 'utf8'));
  expect(dead?.headers['X-File-Name']).toBe('junk.edi');
  expect(files('.claimed')).toEqual([]);
});

it('gives up on a file whose outputs JetStream never stores after maxDeliver attempts, instead of retrying it for ever', async () => {
  writeFileSync(join(otherInbox, 'unstored-1.txt'), 'no stream captures this file\n');
  await waitFor('the file in failed/', () => files('failed', otherInbox).some((f) => f.endsWith('_unstored-1.txt')), 20_000);
  const reason = reasonOf(otherInbox, 'unstored-1.txt');
  expect(reason).toMatchObject({ pipeline: 'unstored', step: '1: publish', kind: 'exhausted', attempts: 3, deadLetter: { subject: 'dlq.unstored', stream: 'DLQ' } });
  expect(reason.reason).toMatch(/^publish failed: /);
  const [dead] = await readStream(nats.jsm, 'DLQ', 'dlq.unstored');
  expect(dead?.headers['Crossdock-Deliveries']).toBe('3');
  expect(dead?.body).toBe('no stream captures this file\n');
  expect(files('.claimed', otherInbox)).toEqual([]);
});

it('moves a file whose output a stream refuses as too large to failed/ at the first attempt', async () => {
  writeFileSync(join(otherInbox, 'narrow-1.txt'), 'x'.repeat(500));
  await waitFor('the file in failed/', () => files('failed', otherInbox).some((f) => f.endsWith('_narrow-1.txt')), 20_000);
  const reason = reasonOf(otherInbox, 'narrow-1.txt');
  expect(reason).toMatchObject({ pipeline: 'narrow', step: '1: publish', kind: 'permanent', attempts: 1 });
  expect(reason.reason).toMatch(/message size exceeds maximum/i);
  expect((await readStream(nats.jsm, 'DLQ', 'dlq.narrow')).length).toBe(1);
});

it('dead-letters, without trying it again, a file left claimed by runners that died on it maxDeliver + 1 times', async () => {
  const text = 'taken down its runner four times\n';
  mkdirSync(join(otherInbox, '.claimed'), { recursive: true });
  const sha256 = createHash('sha256').update(text).digest('hex');
  writeFileSync(join(otherInbox, '.claimed', '.unstored-2.txt.attempts'), JSON.stringify({ sha256, attempts: 4, claim: 'c1' }));
  writeFileSync(join(otherInbox, '.claimed', 'unstored-2.txt'), text);
  await waitFor('the file in failed/', () => files('failed', otherInbox).some((f) => f.endsWith('_unstored-2.txt')), 20_000);
  const reason = reasonOf(otherInbox, 'unstored-2.txt');
  expect(reason).toMatchObject({ step: 'delivery', kind: 'exhausted', attempts: 5 });
  expect(reason.reason).toMatch(/claimed 4 times without finishing/);
  expect(files('.claimed', otherInbox)).toEqual([]);
});

it('takes again a file a crashed runner left claimed, and a re-sent file adds nothing', async () => {
  const before = (await readStream(nats.jsm, 'EDI')).length;
  mkdirSync(join(inbox, '.claimed'), { recursive: true });
  copyFileSync(fixture('node-x12__856.edi'), join(inbox, '.claimed', 'orphan.edi'));
  await waitFor('the orphan processed', () => files('processed').some((f) => f.endsWith('_orphan.edi')), 20_000);
  const afterOrphan = (await readStream(nats.jsm, 'EDI')).length;
  expect(afterOrphan).toBe(before + 2); // the ASN and its 997
  copyFileSync(fixture('node-x12__856.edi'), join(inbox, 'orphan-again.edi'));
  await waitFor('the re-sent file processed', () => files('processed').some((f) => f.endsWith('_orphan-again.edi')), 20_000);
  expect((await readStream(nats.jsm, 'EDI')).length).toBe(afterOrphan);
});
