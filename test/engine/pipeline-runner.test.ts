/**
 * The JetStream input driver against a real nats-server: runaway mappings do not hold the
 * event loop, pull slots or health checks; slow messages keep their ack alive; a message
 * whose outputs were stored is never also dead-lettered. Every case here failed before the
 * expression sandbox, parking and in-progress acks existed (one runaway held /healthz for
 * its whole 5 s limit, and redeliveries past maxDeliver were dead-lettered unseen).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { AckPolicy } from '@nats-io/jetstream';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadProject } from '../../runtime/compile/project.ts';
import { startRunner, type RunningRunner } from '../../runtime/runner/runner.ts';
import { hdrs, readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { tempProject } from '../support/project.ts';
import { tempDir } from '../support/nats.ts';
import { ClaimCheck, CLAIM_CHECK } from '../../runtime/transport/claim-check.ts';

const STREAMS = `streams:
  IN: { subjects: [in.>] }
  OUT: { subjects: [out.>] }
  DLQ: { subjects: [dlq.>] }
`;

// A message with `loop: true` never finishes its mapping; the rest are mapped at once.
const LOOPING = `pipeline: loops
description: test
owner: test
input: { jetstream: { stream: IN, subject: in.loop, durable: loops, concurrency: 4, batch: 4 } }
steps:
  - map: "loop ? ($f := function($n) { $f($n + 1) }; $f(0)) : { 'n': n }"
outputs:
  out: { jetstream: { subject: "'out.loop'", id: "'loop:' & $string(n)" } }
errors: { maxDeliver: 2, backoff: [100ms], deadLetter: dlq.loops }
`;

// A step slower than the consumer's ack wait: an ERP that takes 2.5 s to answer.
const slow = (erpUrl: string): string => `pipeline: slow
description: test
owner: test
input: { jetstream: { stream: IN, subject: in.slow, durable: slow, ackWait: 1s } }
steps:
  - http: { name: erp, url: "${erpUrl}", timeout: 10s }
outputs:
  out: { jetstream: { subject: "'out.slow'", id: "'slow:' & $string(n)" } }
errors: { maxDeliver: 1, backoff: [100ms], deadLetter: dlq.slow }
`;

const PLAIN = `pipeline: plain
description: test
owner: test
input: { jetstream: { stream: IN, subject: in.plain, durable: plain } }
steps:
  - map: "{ 'n': n }"
outputs:
  out: { jetstream: { subject: "'out.plain'", id: "'plain:' & $string(n)" } }
errors: { maxDeliver: 1, backoff: [100ms], deadLetter: dlq.plain }
`;

// Bodies over the server's max_payload (1 MB by default) in and out, by claim check.
const BIG = `pipeline: big
description: test
owner: test
input: { jetstream: { stream: IN, subject: in.big, durable: big } }
steps:
  - map: "{ 'n': n, 'lines': $count(lines), 'copy': lines }"
outputs:
  out: { jetstream: { subject: "'out.big'", id: "'big:' & $string(n)" } }
errors: { maxDeliver: 2, backoff: [100ms], deadLetter: dlq.big }
`;

let nats: TestNats;
let erp: Server;
let erpCalls = 0;
let runner: RunningRunner;
const logLines: string[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  // Before the runner starts: a message of \`plain\` was delivered once to a runner that died
  // (nak'd here), so the runner gets it as delivery 2, past the pipeline's maxDeliver of 1.
  await nats.jsm.streams.add({ name: 'IN', subjects: ['in.>'] });
  await nats.jsm.consumers.add('IN', { durable_name: 'plain', ack_policy: AckPolicy.Explicit, filter_subject: 'in.plain', max_deliver: 2 });
  await nats.js.publish('in.plain', JSON.stringify({ n: 7 }), { headers: hdrs({ 'X-Correlation-Id': 'late' }) });
  const first = await (await nats.js.consumers.get('IN', 'plain')).next({ expires: 5000 });
  expect(first?.info.deliveryCount).toBe(1);
  first!.nak();
  erp = createServer((req, res) => {
    erpCalls++;
    req.resume();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 2500);
  });
  await new Promise<void>((r) => erp.listen(0, '127.0.0.1', r));
  const erpUrl = `http://127.0.0.1:${(erp.address() as AddressInfo).port}`;
  const project = tempProject({ 'pipelines/streams.yaml': STREAMS, 'pipelines/loops.yaml': LOOPING, 'pipelines/slow.yaml': slow(erpUrl), 'pipelines/plain.yaml': PLAIN, 'pipelines/big.yaml': BIG }, { copyMappings: false, copySchemas: false });
  const loaded = loadProject(`${project.root}/pipelines`, { compile: { limits: { timeoutMs: 1500 } } });
  expect(loaded.diagnostics.sorted().filter((d) => d.severity === 'error')).toEqual([]);
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  runner = await startRunner({ project: loaded, natsUrl: nats.url, dataDir: tempDir('runner'), logger, http: { host: '127.0.0.1', port: 0 }, graceMs: 5000 });
});

afterAll(async () => {
  await runner?.stop();
  await nats?.close();
  erp?.close();
});

describe('the JetStream input driver', () => {
  it('keeps /healthz fast and healthy messages flowing while runaway mappings run, then dead-letters each runaway once with its place', async () => {
    const base = `http://127.0.0.1:${runner.http!.port}`;
    const latencies: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // 6 runaways among 60 healthy messages; the pipeline may work on 4 at once, so runaways
    // holding their slots would stall every healthy message behind them.
    for (let n = 1; n <= 66; n++) {
      const loop = n % 11 === 0;
      await nats.js.publish('in.loop', JSON.stringify({ n, loop }));
    }
    await waitFor('the 60 healthy outputs', async () => (await streamCount(nats.jsm, 'OUT')) >= 60, 20_000);
    // No healthy message waited for a runaway: all were out before the first runaway's limit.
    const deadWhenHealthyDone = (await readStream(nats.jsm, 'DLQ', 'dlq.loops')).length;
    await waitFor('six dead letters', async () => (await readStream(nats.jsm, 'DLQ', 'dlq.loops')).length >= 6, 30_000);
    probing = false;
    await probe;

    // Healthy messages did not wait for the runaways (six of 1.5 s each in one worker).
    expect(deadWhenHealthyDone).toBe(0);
    const dead = await readStream(nats.jsm, 'DLQ', 'dlq.loops');
    expect(dead).toHaveLength(6);
    expect(new Set(dead.map((d) => JSON.parse(d.body).n))).toEqual(new Set([11, 22, 33, 44, 55, 66]));
    for (const d of dead) {
      expect(d.headers['Crossdock-Failure']).toBe('permanent');
      expect(d.headers['Crossdock-Deliveries']).toBe('1');
      expect(d.headers['Crossdock-Reason']).toMatch(/^mapping failed at .*loops\.yaml:\d+:\d+: D1012 Evaluation timeout after 1500 milliseconds/);
    }
    const out = await readStream(nats.jsm, 'OUT', 'out.loop');
    expect(out).toHaveLength(60);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    // Before: one runaway held every request for its whole time limit.
    expect(latencies.length).toBeGreaterThan(20);
    expect(p99).toBeLessThan(500);
  });

  it('keeps a message slower than its ack wait alive with in-progress acks: handled once, not redelivered or dead-lettered', async () => {
    await nats.js.publish('in.slow', JSON.stringify({ n: 1 }));
    await waitFor('the slow output', async () => (await readStream(nats.jsm, 'OUT', 'out.slow')).length === 1, 20_000);
    const info = await nats.jsm.consumers.info('IN', 'slow');
    expect(info.num_redelivered).toBe(0);
    expect(erpCalls).toBe(1);
    expect(info.num_ack_pending).toBe(0);
    expect(await readStream(nats.jsm, 'DLQ', 'dlq.slow')).toEqual([]);
  });

  it('handles a delivery past maxDeliver normally: a message whose outputs get stored is not dead-lettered', async () => {
    await waitFor('the output', async () => (await readStream(nats.jsm, 'OUT', 'out.plain')).length === 1, 20_000);
    await waitFor('the message acknowledged', async () => (await nats.jsm.consumers.info('IN', 'plain')).num_ack_pending === 0, 10_000);
    const [out] = await readStream(nats.jsm, 'OUT', 'out.plain');
    expect(out?.headers['X-Correlation-Id']).toBe('late');
    expect(await readStream(nats.jsm, 'DLQ', 'dlq.plain')).toEqual([]);
  });

  it('reads a claim-checked input (a 3 MB body) and sends its 3 MB output by claim check too', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => ({ sku: `SKU-${i}`, qty: i % 7, text: 'x'.repeat(80) }));
    const body = new TextEncoder().encode(JSON.stringify({ n: 1, lines }));
    expect(body.length).toBeGreaterThan(nats.nc.info!.max_payload);
    const check = new ClaimCheck(nats.js);
    const outbound = await check.outbound({ 'X-Correlation-Id': 'big-1' }, body);
    expect(outbound.data.length).toBe(0);
    await nats.js.publish('in.big', outbound.data, { headers: hdrs(outbound.headers) });
    await waitFor('the big output', async () => (await readStream(nats.jsm, 'OUT', 'out.big')).length === 1, 30_000);
    const [out] = await readStream(nats.jsm, 'OUT', 'out.big');
    expect(out?.body).toBe('');
    expect(out?.headers[CLAIM_CHECK.ref]).toMatch(/^crossdock-payloads\/[0-9a-f]{64}$/);
    expect(out?.headers['X-Correlation-Id']).toBe('big-1');
    const resolved = await check.resolve(out!.headers, new Uint8Array(0));
    const doc = JSON.parse(new TextDecoder().decode(resolved)) as { n: number; lines: number; copy: unknown[] };
    expect(doc.n).toBe(1);
    expect(doc.lines).toBe(30_000);
    expect(doc.copy).toEqual(lines);
    expect(await readStream(nats.jsm, 'DLQ', 'dlq.big')).toEqual([]);
  });
});
