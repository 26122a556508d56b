/**
 * The exceptions workbench and the dead-letter API with two `crossdock run` processes on one
 * real nats-server: an action on one runner is seen on the other, roles and bad input are
 * answered as documented, two operators acting at once store one action, the CLI works the
 * same items, actions reach the audit log, and a view killed with -9 or deleted comes back
 * identical from the streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestNats, readStream, waitFor, hdrs, type TestNats } from '../support/nats.ts';
import { tempProject } from '../support/project.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';
import { EXCEPTION } from '../../runtime/components/header-names.ts';

/** The records of every block in the audit log, in order (an operator action is a block of one). */
async function auditRecords(): Promise<{ actor: string; action?: string; target?: string }[]> {
  return (await readStream(nats.jsm, 'AUDIT')).flatMap((m) => (JSON.parse(m.body) as { records: { actor: string; action?: string; target?: string }[] }).records);
}

const OPERATOR = 'op-key-0123456789abcdef';
const VIEWER = 'view-key-0123456789abcdef';

const project = tempProject({
  'pipelines/streams.yaml': `streams:
  CHANNELS: { subjects: [channel.>] }
  ERP: { subjects: [erp.>] }
  EXCEPTIONS: { subjects: [exceptions.>] }
  WORKBENCH: { subjects: [workbench.>] }
  DLQ: { subjects: [dlq.>] }
  AUDIT: { subjects: [audit.>], duplicateWindow: 24h }
`,
  'pipelines/orders.yaml': `pipeline: test-orders
description: Orders with a quantity; a negative one is dead-lettered.
owner: test
input: { jetstream: { stream: CHANNELS, subject: channel.test.orders, ackWait: 5s } }
steps:
  - reject:
      when: qty < 0
      reason: "'quantity ' & qty & ' is negative'"
outputs:
  erp: { jetstream: { subject: "'erp.orders'", id: "'order:' & id" } }
errors: { maxDeliver: 2, backoff: [100ms], deadLetter: dlq.test-orders }
`,
});

let nats: TestNats;
const runners: RunnerProcess[] = [];
let one: string;
let two: string;

async function start(dataDir?: string): Promise<{ runner: RunnerProcess; base: string }> {
  const runner = startRunnerProcess(project.pipelinesDir, nats.url, [], dataDir ? { dataDir } : {});
  runners.push(runner);
  const { httpPort } = await runner.ready;
  return { runner, base: `http://127.0.0.1:${httpPort}` };
}

const get = (base: string, path: string, key: string | null = VIEWER): Promise<Response> => fetch(`${base}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
const post = (base: string, path: string, body: unknown, key = OPERATOR): Promise<Response> =>
  fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

interface Item {
  id: number;
  state: string;
  type: string;
  partner: string;
  assignee?: string;
  acknowledgedBy?: string;
  resolvedBy?: string;
  resolutionNote?: string;
  history?: { action: string; actor: string }[];
}
const items = async (base: string, query = ''): Promise<Item[]> => ((await (await get(base, `/v1/exceptions${query}`)).json()) as { items: Item[] }).items;
const item = async (base: string, id: number): Promise<Item> => (await (await get(base, `/v1/exceptions/${id}`)).json()) as Item;

/** Raises a business exception as expectations and pipelines do: a message on exceptions.<type>.<partner>. */
async function raise(type: string, partner: string, headers: Record<string, string>, body: unknown): Promise<number> {
  const ack = await nats.js.publish(`exceptions.${type}.${partner}`, JSON.stringify(body), { headers: hdrs(headers) });
  return ack.seq;
}

const ids = { lateAcme: 0, dupShop: 0, lateGlobex: 0 };

beforeAll(async () => {
  nats = await startTestNats();
  process.env.CROSSDOCK_API_KEYS = `operator:alice:${OPERATOR}, viewer:grafana:${VIEWER}`;
  ({ base: one } = await start());
  ({ base: two } = await start());
  ids.lateAcme = await raise('late-ack', 'acme', { [EXCEPTION.warehouse]: 'WH1', [EXCEPTION.documentType]: 'PurchaseOrder', [EXCEPTION.keys]: '{"poNumber":"4500000001"}', [EXCEPTION.deadline]: '2026-03-02T12:00:00Z', [EXCEPTION.raisedBy]: 'expectation:supplier-response' }, { reason: 'no 855 for PO 4500000001 by the deadline' });
  ids.dupShop = await raise('duplicate-order', 'shopify', { [EXCEPTION.channel]: 'shopify' }, { type: 'duplicate', reason: 'order 1001 sent twice; api_key=sk_live_abcdefghijklmnop' });
  ids.lateGlobex = await raise('late-ack', 'globex', { [EXCEPTION.warehouse]: 'WH2' }, { reason: 'no 855 for PO 4500000002' });
  for (const base of [one, two]) await waitFor('both runners to fold the exceptions', async () => (await items(base)).length === 3, 20_000);
}, 60_000);

afterAll(async () => {
  for (const r of runners) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await Promise.all(runners.map((r) => r.exited));
  delete process.env.CROSSDOCK_API_KEYS;
  await nats.close();
});

describe('the exceptions workbench over HTTP', () => {
  it('lists exceptions newest first with the filters, on every runner alike, and needs a key', async () => {
    expect((await get(one, '/v1/exceptions', null)).status).toBe(401);
    const all = await items(one);
    expect(all.map((i) => i.id)).toEqual([ids.lateGlobex, ids.dupShop, ids.lateAcme]);
    expect(all[2]).toMatchObject({ type: 'late-ack', partner: 'acme', warehouse: 'WH1', documentType: 'PurchaseOrder', keys: { poNumber: '4500000001' }, state: 'open', raisedBy: 'expectation:supplier-response' });
    expect((await items(two, '?type=late-ack')).map((i) => i.id)).toEqual([ids.lateGlobex, ids.lateAcme]);
    expect((await items(two, '?warehouse=WH1&state=open')).map((i) => i.id)).toEqual([ids.lateAcme]);
    expect((await items(one, '?channel=shopify')).map((i) => i.id)).toEqual([ids.dupShop]);
    const page = (await (await get(one, '/v1/exceptions?limit=2')).json()) as { items: Item[]; next: number };
    expect(page.items.map((i) => i.id)).toEqual([ids.lateGlobex, ids.dupShop]);
    expect((await items(one, `?limit=2&cursor=${page.next}`)).map((i) => i.id)).toEqual([ids.lateAcme]);
  });

  it('shows one exception with its body, with a credential in it redacted', async () => {
    const res = await get(two, `/v1/exceptions/${ids.dupShop}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('order 1001 sent twice');
    expect(text).not.toContain('sk_live_abcdefghijklmnop');
    expect((await get(two, '/v1/exceptions/99999')).status).toBe(404);
  });

  it('answers bad input with 400 naming the field, a viewer acting with 403, and a transition the state forbids with 409', async () => {
    const bad = async (res: Promise<Response>, field: string): Promise<void> => {
      const r = await res;
      expect(r.status).toBe(400);
      expect(((await r.json()) as { field: string }).field).toBe(field);
    };
    await bad(get(one, '/v1/exceptions?state=closed'), 'state');
    await bad(get(one, '/v1/exceptions?limit=0'), 'limit');
    await bad(get(one, '/v1/exceptions?colour=red'), 'colour');
    await bad(get(one, '/v1/exceptions/abc'), 'id');
    await bad(post(one, `/v1/exceptions/${ids.lateGlobex}/resolve`, {}), 'note');
    await bad(post(one, `/v1/exceptions/${ids.lateGlobex}/assign`, { assignee: '' }), 'assignee');
    await bad(post(one, `/v1/exceptions/${ids.lateGlobex}/ack`, { notes: 'typo' }), 'notes');
    await bad(post(one, `/v1/exceptions/${ids.lateGlobex}/ack`, '{not json'), 'body');
    const viewer = await post(one, `/v1/exceptions/${ids.lateGlobex}/ack`, {}, VIEWER);
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toEqual({ error: "this action needs the operator role; key 'grafana' is a viewer" });
    expect((await post(one, '/v1/exceptions/99999/ack', {})).status).toBe(404);
    const reopen = await post(one, `/v1/exceptions/${ids.lateGlobex}/reopen`, {});
    expect(reopen.status).toBe(200);
    expect(((await reopen.json()) as { changed: boolean }).changed).toBe(false);
    // None of that published an action.
    expect(await readStream(nats.jsm, 'WORKBENCH')).toEqual([]);
  });

  it('acknowledges on runner 1 and runner 2 sees it; resolves with a note on runner 2 and runner 1 sees it; refuses to ack a resolved one', async () => {
    const ack = await post(one, `/v1/exceptions/${ids.lateAcme}/ack`, { note: 'chasing the supplier' });
    expect(ack.status).toBe(200);
    expect((await ack.json()) as { item: Item }).toMatchObject({ changed: true, item: { state: 'acknowledged', acknowledgedBy: 'alice' } });
    await waitFor('runner 2 to see the acknowledgment', async () => (await item(two, ids.lateAcme)).state === 'acknowledged', 10_000);
    const again = await post(two, `/v1/exceptions/${ids.lateAcme}/ack`, {});
    expect(((await again.json()) as { changed: boolean }).changed).toBe(false);

    const resolve = await post(two, `/v1/exceptions/${ids.lateAcme}/resolve`, { note: 'supplier re-sent the 855' });
    expect(resolve.status).toBe(200);
    await waitFor('runner 1 to see the resolution', async () => (await item(one, ids.lateAcme)).state === 'resolved', 10_000);
    expect(await item(one, ids.lateAcme)).toMatchObject({ resolvedBy: 'alice', resolutionNote: 'supplier re-sent the 855', history: [{ action: 'ack', actor: 'alice' }, { action: 'resolve', actor: 'alice' }] });
    const refused = await post(one, `/v1/exceptions/${ids.lateAcme}/ack`, {});
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({ error: `exception ${ids.lateAcme} is resolved; reopen it first`, state: 'resolved' });
    expect((await items(one, '?state=resolved')).map((i) => i.id)).toEqual([ids.lateAcme]);
  });

  it('stores one action when two operators resolve the same exception on two runners at once', async () => {
    const [a, b] = await Promise.all([
      post(one, `/v1/exceptions/${ids.lateGlobex}/resolve`, { note: 'from runner one' }),
      post(two, `/v1/exceptions/${ids.lateGlobex}/resolve`, { note: 'from runner two' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const changed = [((await a.json()) as { changed: boolean }).changed, ((await b.json()) as { changed: boolean }).changed];
    expect(changed.filter(Boolean)).toHaveLength(1);
    const stored = (await readStream(nats.jsm, 'WORKBENCH')).filter((m) => m.subject === `workbench.exceptions.${ids.lateGlobex}`);
    expect(stored).toHaveLength(1);
    for (const base of [one, two]) await waitFor('both runners to agree', async () => (await item(base, ids.lateGlobex)).state === 'resolved', 10_000);
    expect((await item(one, ids.lateGlobex)).resolutionNote).toBe((await item(two, ids.lateGlobex)).resolutionNote);
  });

  it('exports resolution times and open counts, the same on both runners', async () => {
    const lines = async (base: string): Promise<string[]> => (await (await fetch(`${base}/metrics`)).text()).split('\n').filter((l) => /^crossdock_exception/.test(l));
    const first = await lines(one);
    expect(first).toContain('crossdock_exception_resolution_seconds_count{type="late-ack"} 2');
    expect(first).toContain('crossdock_exceptions_open{state="open",type="duplicate-order",partner="shopify"} 1');
    expect(first.some((l) => l.includes('partner="acme"'))).toBe(false);
    expect(await lines(two)).toEqual(first);
  });

  it('records every action in the audit log with who did it', async () => {
    const audit = await auditRecords();
    const mine = audit.filter((e) => e.action?.startsWith('exception.'));
    expect(mine.map((e) => [e.action, e.actor, e.target])).toEqual([
      ['exception.acknowledge', 'alice', `exception:EXCEPTIONS:${ids.lateAcme}`],
      ['exception.resolve', 'alice', `exception:EXCEPTIONS:${ids.lateAcme}`],
      ['exception.resolve', 'alice', `exception:EXCEPTIONS:${ids.lateGlobex}`],
    ]);
  });
});

describe('crossdock exceptions', () => {
  const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(['exceptions', ...args, '--nats', nats.url]);

  it('lists with filters, assigns and acknowledges through the same actions, and the runners see them', async () => {
    const list = await cli('list', '--state', 'open', '--json');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Item[]).map((i) => i.id)).toEqual([ids.dupShop]);
    const table = await cli('list', '--type', 'late-ack');
    expect(table.stdout).toMatch(new RegExp(`^${ids.lateGlobex}\\s+\\S+ \\S+\\s+resolved\\s+late-ack\\s+globex`, 'm'));
    const assign = await cli('assign', String(ids.dupShop), '--to', 'bob', '--actor', 'carol');
    expect(assign).toMatchObject({ code: 0, stdout: `exception ${ids.dupShop}: assigned to bob by carol\n` });
    await waitFor('runner 2 to see the assignment', async () => (await item(two, ids.dupShop)).assignee === 'bob', 10_000);
    expect((await items(one, '?assignee=bob')).map((i) => i.id)).toEqual([ids.dupShop]);
    const audit = await auditRecords();
    expect(audit.filter((e) => e.actor === 'carol').map((e) => [e.action, e.target])).toEqual([['exception.assign', `exception:EXCEPTIONS:${ids.dupShop}`]]);
    const show = await cli('show', String(ids.dupShop));
    expect(show.stdout).toContain('assignee    bob');
    expect(show.stdout).not.toContain('sk_live_abcdefghijklmnop');
  });

  it('exits 1 naming the state for an action it forbids, and 2 naming the option for a missing note', async () => {
    const ack = await cli('ack', String(ids.lateAcme), '--actor', 'carol');
    expect(ack.code).toBe(1);
    expect(ack.stderr).toBe(`crossdock exceptions: exception ${ids.lateAcme} is resolved; reopen it first\n`);
    const resolve = await cli('resolve', String(ids.dupShop), '--actor', 'carol');
    expect(resolve.code).toBe(2);
    expect(resolve.stderr).toContain('--note: note is required');
    const state = await cli('list', '--state', 'done');
    expect(state.code).toBe(2);
    expect(state.stderr).toContain('--state must be one of open, acknowledged, resolved');
  });
});

describe('dead letters over HTTP, with the filters of crossdock dlq', () => {
  const order = (id: number, qty: number): string => JSON.stringify({ id, qty });

  beforeAll(async () => {
    await nats.js.publish('channel.test.orders', order(1, -1), { headers: hdrs({ 'X-Partner': 'acme' }) });
    await nats.js.publish('channel.test.orders', order(2, -5), { headers: hdrs({ 'X-Partner': 'globex' }) });
    await waitFor('two dead letters', async () => (await readStream(nats.jsm, 'DLQ')).length === 2, 20_000);
  });

  it('lists them with headers and body size, filtered by pipeline, partner and reason', async () => {
    const res = (await (await get(one, '/v1/dlq?pipeline=test-orders')).json()) as { items: { id: number; partner: string; reason: string; size: number; body?: string }[] };
    // Oldest first; the two fail side by side, so either may be first.
    expect(res.items.map((d) => d.id)).toEqual([...res.items.map((d) => d.id)].sort((a, b) => a - b));
    expect(res.items.map((d) => d.partner).sort()).toEqual(['acme', 'globex']);
    const acme = res.items.find((d) => d.partner === 'acme');
    const globexId = res.items.find((d) => d.partner === 'globex')?.id;
    expect(acme).toMatchObject({ reason: 'quantity -1 is negative', size: order(1, -1).length });
    expect(acme?.body).toBeUndefined();
    const globex = (await (await get(two, '/v1/dlq?partner=globex')).json()) as { items: { id: number }[] };
    expect(globex.items.map((d) => d.id)).toEqual([globexId]);
    expect(((await (await get(two, '/v1/dlq?reason=QUANTITY -5')).json()) as { items: unknown[] }).items).toHaveLength(1);
    const cliList = await runCli(['dlq', 'list', '--partner', 'globex', '--json', '--nats', nats.url]);
    expect((JSON.parse(cliList.stdout) as { id: number }[]).map((d) => d.id)).toEqual([globexId]);
    const bad = await get(one, '/v1/dlq?partner=');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('partner');
  });

  it('shows the body of one to an operator only, and replays for an operator only', async () => {
    const [first] = ((await (await get(one, '/v1/dlq?partner=acme')).json()) as { items: { id: number }[] }).items;
    const id = first?.id as number;
    expect(((await (await get(one, `/v1/dlq/${id}`)).json()) as { body?: string }).body).toBeUndefined();
    expect(((await (await get(one, `/v1/dlq/${id}`, OPERATOR)).json()) as { body?: string }).body).toBe(order(1, -1));
    expect((await post(one, '/v1/dlq/replay', { ids: [id] }, VIEWER)).status).toBe(403);
    const noIds = await post(one, '/v1/dlq/replay', { ids: [] });
    expect(noIds.status).toBe(400);
    expect(((await noIds.json()) as { field: string }).field).toBe('ids');
    const replay = await post(one, '/v1/dlq/replay', { ids: [id] });
    expect(await replay.json()).toEqual({ replayed: [id], failed: [] });
    // Replayed, still negative: dead-lettered again; the original is gone.
    await waitFor('the replayed order to fail again', async () => (await readStream(nats.jsm, 'DLQ')).filter((m) => m.headers['Crossdock-Replayed-From'] === `DLQ:${id}`).length === 1, 20_000);
    expect((await readStream(nats.jsm, 'DLQ')).some((m) => m.seq === id)).toBe(false);
    const audit = await auditRecords();
    expect(audit.filter((e) => e.action === 'dlq.replay')).toEqual([expect.objectContaining({ actor: 'alice', target: `DLQ:${id}` })]);
  });
  it('hides credential headers a partner sent, and cuts a body to maxBody on request', async () => {
    const body = JSON.stringify({ id: 3, qty: -2, note: 'ééé' });
    await nats.js.publish('channel.test.orders', body, { headers: hdrs({ 'X-Partner': 'initech', Authorization: 'Basic dXNlcjpwYXNz', 'X-Api-Key': 'pk_partner_0042', Cookie: 'sid=abc123' }) });
    let id = 0;
    await waitFor('the initech dead letter', async () => {
      id = ((await (await get(one, '/v1/dlq?partner=initech')).json()) as { items: { id: number }[] }).items[0]?.id ?? 0;
      return id > 0;
    }, 20_000);
    for (const key of [VIEWER, OPERATOR]) {
      const text = await (await get(one, `/v1/dlq/${id}`, key)).text();
      for (const secret of ['dXNlcjpwYXNz', 'pk_partner_0042', 'abc123']) expect(text).not.toContain(secret);
      const { headers } = JSON.parse(text) as { headers: Record<string, string> };
      expect(headers).toMatchObject({ Authorization: '[redacted]', 'X-Api-Key': '[redacted]', Cookie: '[redacted]', 'X-Partner': 'initech' });
    }
    const listed = await (await get(one, '/v1/dlq?partner=initech')).text();
    expect(listed).not.toContain('pk_partner_0042');
    // `{"id":3,"qty":-2,"note":"` is 25 bytes; the 26th is half of an é, which is dropped.
    const cut = (await (await get(one, `/v1/dlq/${id}?maxBody=26`, OPERATOR)).json()) as { body: string; bodyTruncated?: boolean; size: number };
    expect(cut).toMatchObject({ body: '{"id":3,"qty":-2,"note":"', bodyTruncated: true, size: Buffer.byteLength(body) });
    const whole = (await (await get(one, `/v1/dlq/${id}?maxBody=1000`, OPERATOR)).json()) as { body: string; bodyTruncated?: boolean };
    expect(whole.body).toBe(body);
    expect(whole.bodyTruncated).toBeUndefined();
    for (const query of ['?maxBody=0', '?maxBody=x', '?body=1']) {
      const bad = await get(one, `/v1/dlq/${id}${query}`, OPERATOR);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { field: string }).field).toBe(query.slice(1, query.indexOf('=')));
    }
  });
});

describe('the view after kill -9 and from scratch', () => {
  it('comes back identical after kill -9, and a runner with an empty data folder rebuilds the same items and figures', async () => {
    const before = await (await get(two, '/v1/exceptions?limit=500')).text();
    const metrics = async (base: string): Promise<string[]> => (await (await fetch(`${base}/metrics`)).text()).split('\n').filter((l) => /^crossdock_exception/.test(l));
    const figures = await metrics(two);
    const killed = runners[1] as RunnerProcess;
    killed.child.kill('SIGKILL');
    await killed.exited;
    const restarted = await start(killed.dataDir);
    expect(await (await get(restarted.base, '/v1/exceptions?limit=500')).text()).toBe(before);
    const fresh = await start();
    // Its view was built from the streams just now: its folder is new.
    expect(existsSync(join(fresh.runner.dataDir, 'exceptions', 'workbench.mdb'))).toBe(true);
    expect(await (await get(fresh.base, '/v1/exceptions?limit=500')).text()).toBe(before);
    expect(await metrics(fresh.base)).toEqual(figures);
    expect(await metrics(restarted.base)).toEqual(figures);
  }, 60_000);
});
