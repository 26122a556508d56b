/**
 * The expectations engine on a real nats-server with a controlled clock: a PO without its 855
 * raises exactly one late-ack at its deadline (not a second before), however many runners
 * raise it; the acknowledged PO closes in time; and a view rebuilt from the streams equals the
 * live one and raises nothing again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { startTestNats, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { repoFile, tempProject } from '../support/project.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { ExpectationService } from '../../runtime/operations/expectations/service.ts';
import type { ExpectationSet } from '../../runtime/compile/expectations.ts';
import type { StreamDeclaration } from '../../runtime/compile/streams.ts';
import { MetricsRegistry } from '../../runtime/observability/metrics.ts';

const HOUR = 3_600_000;
const quiet = pino({ level: 'silent' });
let nats: TestNats;
let set: ExpectationSet;
let streams: readonly StreamDeclaration[];
const dirs: string[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  const t = tempProject({
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
    'pipelines/expectations.yaml': `expectations:
  supplier-response:
    description: test
    when: { subject: erp.out.purchaseorders.*, key: '{"poNumber": poNumber}', partner: '$split($subject, ".")[3]' }
    expect: { subject: erp.purchaseorder-acks.*, key: '{"poNumber": poNumber}' }
    within: 1h
    raise: { type: late-ack, documentType: "850" }
`,
  });
  const p = loadProject(t.pipelinesDir);
  expect(p.diagnostics.hasErrors).toBe(false);
  set = p.expectations as ExpectationSet;
  streams = p.streams;
  await ensureStreams(nats.jsm, streams);
});
afterAll(async () => {
  await nats.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function service(clock: () => number, metrics?: MetricsRegistry): Promise<ExpectationService> {
  const dataDir = tempDir('expect-svc');
  dirs.push(dataDir);
  return ExpectationService.start({ nc: nats.nc, set, streams, dataDir, logger: quiet, clock, ...(metrics ? { metrics } : {}) });
}

function dump(s: ExpectationService): unknown {
  const all = (d: { getRange(): Iterable<{ key: unknown; value: unknown }> }): unknown[] => [...d.getRange()].map(({ key, value }) => [key, value]);
  const t = s.store.tables;
  return { records: all(t.records), due: all(t.due), late: all(t.late), totals: s.summary() };
}

const exceptionCount = async (): Promise<number> => (await nats.jsm.streams.info('EXCEPTIONS')).state.messages;

it('raises one late-ack at the deadline with several runners; the acknowledged PO closes; a rebuild is identical and raises nothing', async () => {
  let now = Date.now();
  const clock = (): number => now;
  const metrics = new MetricsRegistry();
  const a = await service(clock, metrics);
  const b = await service(clock);
  const js = jetstream(nats.nc);
  const po1 = await js.publish('erp.out.purchaseorders.acme', JSON.stringify({ poNumber: 'P-1', lines: [] }));
  await js.publish('erp.out.purchaseorders.acme', JSON.stringify({ poNumber: 'P-2', lines: [] }));
  await js.publish('erp.purchaseorder-acks.acme', JSON.stringify({ poNumber: 'P-2' }));
  // An acknowledgment for a PO nobody is waiting for opens nothing.
  await js.publish('erp.purchaseorder-acks.acme', JSON.stringify({ poNumber: 'P-9' }));
  await waitFor('both views folded the POs', () => a.summary()[0]?.closedInTime === 1 && b.summary()[0]?.closedInTime === 1 && a.summary()[0]?.open === 1 && b.summary()[0]?.open === 1);
  const open = a.list('open', undefined, 10);
  expect(open.map((i) => i.key)).toEqual(['P-1']);
  const deadline = Date.parse(open[0]?.deadline as string);
  const stored = await nats.jsm.streams.getMessage('ERP', { seq: po1.seq });
  expect(deadline).toBe(Math.floor(stored!.timestamp ? Date.parse(stored!.timestamp) : 0) + HOUR);

  // A second before the deadline: nothing.
  now = deadline - 1000;
  await a.fireDue();
  await b.fireDue();
  expect(await exceptionCount()).toBe(0);

  // At the deadline both runners raise it; the stream keeps one.
  now = deadline;
  await Promise.all([a.fireDue(), b.fireDue()]);
  await waitFor('both views saw the exception', () => a.summary()[0]?.late === 1 && b.summary()[0]?.late === 1);
  expect(await exceptionCount()).toBe(1);
  const m = await nats.jsm.streams.getMessage('EXCEPTIONS', { last_by_subj: 'exceptions.late-ack.acme' });
  expect(m?.subject).toBe('exceptions.late-ack.acme');
  expect(m?.header.get('Nats-Msg-Id')).toBe('expectation:supplier-response:P-1');
  expect(m?.header.get('Crossdock-Raised-By')).toBe('expectation:supplier-response');
  expect(JSON.parse(m?.header.get('Crossdock-Keys') ?? '{}')).toEqual({ poNumber: 'P-1' });
  expect(m?.header.get('Crossdock-Deadline')).toBe(new Date(deadline).toISOString());
  expect(m?.header.get('Crossdock-Document-Type')).toBe('850');
  expect(m?.json()).toMatchObject({ expectation: 'supplier-response', type: 'late-ack', partner: 'acme', keys: { poNumber: 'P-1' }, deadline: new Date(deadline).toISOString() });
  expect(a.list('late', undefined, 10).map((i) => [i.key, i.state])).toEqual([['P-1', 'late']]);
  expect(a.list('open', undefined, 10)).toEqual([]);

  // Later rounds (the dedupe window long gone) raise nothing: the view knows it fired.
  now = deadline + 10 * HOUR;
  await Promise.all([a.fireDue(), b.fireDue()]);
  expect(await exceptionCount()).toBe(1);

  // The metrics say the same.
  const text = metrics.render();
  expect(text).toContain('crossdock_expectations_open{expectation="supplier-response"} 0');
  expect(text).toContain('crossdock_expectation_late_total{expectation="supplier-response"} 1');
  expect(text).toContain('crossdock_expectation_closed_in_time_total{expectation="supplier-response"} 1');
  expect(text).toContain('crossdock_expectation_close_seconds_count{expectation="supplier-response"} 1');
  // Runner a published it once: first (duplicate="false") or after b (duplicate="true").
  const published = [...text.matchAll(/^crossdock_expectation_exceptions_published_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  expect(published).toBe(1);

  // A view rebuilt from the streams is the same, and raises nothing.
  const c = await service(clock);
  await c.ready;
  expect(dump(c)).toEqual(dump(a));
  expect(dump(b)).toEqual(dump(a));
  await c.fireDue();
  expect(await exceptionCount()).toBe(1);
  await Promise.all([a.stop(), b.stop(), c.stop()]);
}, 60_000);

it('forgets finished expectations once they are older than the retention, and keeps the totals', async () => {
  let now = Date.now();
  const clock = (): number => now;
  const metrics = new MetricsRegistry();
  const a = await service(clock, metrics);
  const js = jetstream(nats.nc);
  await js.publish('erp.out.purchaseorders.acme', JSON.stringify({ poNumber: 'R-1', lines: [] }));
  await js.publish('erp.purchaseorder-acks.acme', JSON.stringify({ poNumber: 'R-1' }));
  await js.publish('erp.purchaseorder-acks.acme', JSON.stringify({ poNumber: 'R-2' }));
  await waitFor('the view folded them', () => a.store.get('supplier-response', 'R-1')?.expectAt !== undefined && a.store.get('supplier-response', 'R-2') !== undefined);
  const kept = a.store.size;
  const totals = a.summary();
  // Within the retention nothing goes.
  expect(await a.pruneNow()).toBe(0);
  expect(a.store.size).toBe(kept);
  // A day past it, every finished record goes (none of these is still due).
  now += set.retentionMs + 24 * HOUR;
  const removed = await a.pruneNow();
  expect(removed).toBe(kept);
  expect(a.store.size).toBe(0);
  expect(a.summary()).toEqual(totals);
  expect(metrics.render()).toContain(`crossdock_expectations_pruned_total ${kept}`);
  await a.stop();
}, 60_000);
