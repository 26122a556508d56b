/**
 * A partner's request that fails for a while (a service the pipeline calls is busy) is the
 * partner's to send again: 503, with a Retry-After no shorter than the busy service asked
 * for, and nothing stored or dead-lettered. On a real runner and a real nats-server, with the
 * busy service a real HTTP server the test starts on a free port.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tempProject } from '../support/project.ts';
import { startTestNats, streamCount, type TestNats } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

let nats: TestNats;
let runner: RunnerProcess;
let service: Server;
let base: string;
/** What the called service answers next: a status and, when given, its Retry-After. */
let next: { status: number; retryAfter?: string } = { status: 429, retryAfter: '30' };

const project = tempProject({
  'pipelines/streams.yaml': `streams:
  CHANNELS: { subjects: [channel.>] }
  DLQ: { subjects: [dlq.>] }
`,
  'pipelines/partner-orders.yaml': `pipeline: partner-orders
description: Partner orders, checked with a lookup service before they are stored.
owner: test
input:
  http:
    path: /partners/orders
    auth: none
    deliveryId: X-Delivery-Id
steps:
  - http: { name: lookup, url: "\${LOOKUP_URL}", method: POST }
outputs:
  channel:
    jetstream:
      subject: "'channel.partner.orders'"
      id: "'partner:' & id"
`,
}, { copyMappings: false, copySchemas: false });

beforeAll(async () => {
  service = createServer((_, res) => {
    res.writeHead(next.status, { 'content-type': 'application/json', ...(next.retryAfter ? { 'retry-after': next.retryAfter } : {}) });
    res.end('{"busy":true}');
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  nats = await startTestNats();
  process.env.LOOKUP_URL = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  delete process.env.LOOKUP_URL;
  base = `http://127.0.0.1:${(await runner.ready).httpPort}`;
});

afterAll(async () => {
  runner.child.kill('SIGTERM');
  await runner.exited;
  await nats.close();
  await new Promise((r) => service.close(r));
});

const send = (id: number): Promise<Response> =>
  fetch(`${base}/partners/orders`, { method: 'POST', body: JSON.stringify({ id }), headers: { 'content-type': 'application/json', 'X-Delivery-Id': `d-${id}` } });

it("passes the busy service's Retry-After on to the partner, and stores nothing", async () => {
  next = { status: 429, retryAfter: '30' };
  const r = await send(1);
  expect(r.status).toBe(503);
  expect(r.headers.get('retry-after')).toBe('30');
  expect(((await r.json()) as { error: string }).error).toMatch(/lookup/);
  expect(await streamCount(nats.jsm, 'CHANNELS')).toBe(0);
  expect(await streamCount(nats.jsm, 'DLQ')).toBe(0);
});

it('asks for the edge\'s own 5 s when the service names no delay, or a shorter one', async () => {
  next = { status: 503 };
  const r = await send(2);
  expect(r.status).toBe(503);
  expect(r.headers.get('retry-after')).toBe('5');
  next = { status: 429, retryAfter: '1' };
  expect((await send(3)).headers.get('retry-after')).toBe('5');
  expect(await streamCount(nats.jsm, 'DLQ')).toBe(0);
});
