/**
 * Issue 12: one WooCommerce-like webhook pipeline, reading `$headers."X-WC-Webhook-Topic"` as
 * WooCommerce documents it, must give the same result as a fixture test (`crossdock test`,
 * `crossdock lint`) and live through the HTTP ingress, where Node hands the header over as
 * `x-wc-webhook-topic`. Header names are case-insensitive: `$headers` holds a received header
 * under the spelling the pipeline uses for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoFile, tempProject } from '../support/project.ts';
import { readStream, startTestNats, type TestNats } from '../support/nats.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

const PIPELINE = `pipeline: woo-webhooks
description: WooCommerce webhooks in, stored under their topic.
owner: channels-team

input:
  http:
    path: /webhooks/woo
    auth: none
    deliveryId: X-WC-Webhook-Delivery-ID

steps:
  - reject:
      when: $not($headers."X-WC-Webhook-Topic" in ["order.created", "order.updated"])
      reason: "'no flow handles WooCommerce topic ' & $string($headers.'X-WC-Webhook-Topic')"

outputs:
  channel:
    jetstream:
      subject: "'channel.woo.orders.' & $substringAfter($headers.\\"X-WC-Webhook-Topic\\", '.')"
      id: "'woo-webhook:' & $lookup($headers, 'X-WC-Webhook-Delivery-ID')"
`;

const ORDER = { id: 4711, status: 'processing', line_items: [{ sku: 'MUG-01', quantity: 2 }] };
const EXPECTED = [{ subject: 'channel.woo.orders.created', id: 'woo-webhook:d-1' }];

// The same request as fixture tests: once spelled as WooCommerce documents the headers, once as
// Node's HTTP server hands them over (lower-case).
const FIXTURE = `pipeline: woo-webhooks
tests:
  - name: headers spelled as WooCommerce documents them
    input:
      body: ${JSON.stringify(ORDER)}
      headers: { X-WC-Webhook-Topic: order.created, X-WC-Webhook-Delivery-ID: d-1 }
    expect:
      outputs:
        - { output: channel, subject: ${EXPECTED[0]!.subject}, id: ${EXPECTED[0]!.id} }
  - name: headers in lower case, as they arrive over HTTP
    input:
      body: ${JSON.stringify(ORDER)}
      headers: { x-wc-webhook-topic: order.created, x-wc-webhook-delivery-id: d-1 }
    expect:
      outputs:
        - { output: channel, subject: ${EXPECTED[0]!.subject}, id: ${EXPECTED[0]!.id} }
`;

const project = tempProject({
  'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
  'pipelines/woo-webhooks.yaml': PIPELINE,
  'pipelines/woo-webhooks.test.yaml': FIXTURE,
});
let nats: TestNats;
let runner: RunnerProcess;
let base: string;

beforeAll(async () => {
  nats = await startTestNats();
  runner = startRunnerProcess(project.pipelinesDir, nats.url);
  const { httpPort } = await runner.ready;
  base = `http://127.0.0.1:${httpPort}`;
});

afterAll(async () => {
  runner.child.kill('SIGTERM');
  await runner.exited;
  await nats.close();
});

describe('header names are case-insensitive, offline and live', () => {
  it('passes as fixture tests under crossdock test and crossdock lint, whatever the case of the fixture headers', async () => {
    const t = await runCli(['test'], { cwd: project.root });
    expect(t.stdout).toContain('2 passed, 0 failed');
    expect(t.code).toBe(0);
    const l = await runCli(['lint'], { cwd: project.root });
    expect(l.stdout).toContain('0 error(s)');
    expect(l.code).toBe(0);
  });

  it('gives the fixture result live through the HTTP ingress (Node lower-cases the header names)', async () => {
    const body = JSON.stringify(ORDER);
    const r = await fetch(`${base}/webhooks/woo`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'X-WC-Webhook-Topic': 'order.created', 'X-WC-Webhook-Delivery-ID': 'd-1' } });
    const reply = (await r.json()) as { messages?: unknown };
    expect(reply.messages).toEqual(EXPECTED);
    expect(r.status).toBe(202);
    const stored = await readStream(nats.jsm, 'CHANNELS', EXPECTED[0]!.subject);
    expect(stored.map((m) => [m.subject, m.headers['Nats-Msg-Id'], m.headers['X-WC-Webhook-Topic']])).toEqual([[EXPECTED[0]!.subject, EXPECTED[0]!.id, 'order.created']]);
  });
});
