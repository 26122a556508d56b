/**
 * The console's sign-in, sessions, CSRF and event stream on a real runner and a real
 * nats-server: a cookie opens the /v1 API with the key's role, a viewer cannot act, a cookie
 * request that changes something needs the CSRF token and a same-origin Origin, sessions end
 * at their expiry, the event stream carries rates, exceptions and dead letters, the runner's
 * stop ends the stream, and no API key appears in any response or log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestNats, waitFor, type TestNats } from '../support/nats.ts';
import { repoFile, tempProject } from '../support/project.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { startRunner, type RunningRunner } from '../../runtime/runner/runner.ts';
import { SessionKeys } from '../../runtime/http/session.ts';
import { tempDir } from '../support/nats.ts';
import { PAGES, shellHtml } from '../../runtime/console/shell.ts';

const OPERATOR_KEY = 'console-test-operator-key-5c1e';
const VIEWER_KEY = 'console-test-viewer-key-77ab';
const SECRET = 'console-test-secret-0123456789abcdef0123456789';
const SESSION_S = 6;

let nats: TestNats;
let runner: RunningRunner | undefined;
let base = '';
const logLines: string[] = [];
const seen: string[] = [];

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** One request; every answer is kept to check that no key leaks into any. */
function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        seen.push(JSON.stringify(res.headers) + text);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = (key: string): string => new URLSearchParams({ key }).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Signs in with `key`; the cookie pair to send back. */
async function signIn(key: string): Promise<string> {
  const r = await call('POST', '/console/sign-in', FORM, form(key));
  expect(r.status).toBe(303);
  const set = String(r.headers['set-cookie']);
  return set.split(';')[0] as string;
}

async function csrfOf(cookie: string): Promise<string> {
  const r = await call('GET', '/console/session', { cookie });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body) as { csrf: string }).csrf;
}

beforeAll(async () => {
  nats = await startTestNats();
  const project = tempProject({
    'pipelines/streams.yaml': repoFile('pipelines/streams.yaml'),
    'pipelines/relay.yaml': `pipeline: relay
description: Orders from a marketplace, some of which it refuses.
owner: test
input: { jetstream: { stream: CHANNELS, subject: channel.acme.orders.created, durable: relay } }
steps:
  - reject: { when: "bad = true", reason: "'a bad order'" }
outputs: { erp: { jetstream: { subject: "'erp.orders.acme'" } } }
errors: { deadLetter: dlq.relay }
`,
  });
  process.env.CROSSDOCK_API_KEYS = `operator:olga:${OPERATOR_KEY},viewer:vic:${VIEWER_KEY}`;
  process.env.CROSSDOCK_CONSOLE_SECRET = SECRET;
  process.env.CROSSDOCK_CONSOLE_SESSION = `${SESSION_S}s`;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  runner = await startRunner({ project: loadProject(project.pipelinesDir), natsUrl: nats.url, dataDir: tempDir('console-data'), logger: pino({ level: 'debug' }, sink), http: { host: '127.0.0.1', port: 0 }, graceMs: 1000 });
  base = `http://127.0.0.1:${runner.http!.port}`;
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await nats?.close();
  delete process.env.CROSSDOCK_API_KEYS;
  delete process.env.CROSSDOCK_CONSOLE_SECRET;
  delete process.env.CROSSDOCK_CONSOLE_SESSION;
});

describe('signing in', () => {
  it('sends a page request without a session to the sign-in form, served with a strict CSP', async () => {
    const page = await call('GET', '/console/');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/console/sign-in');
    const formPage = await call('GET', '/console/sign-in');
    expect(formPage.status).toBe(200);
    expect(formPage.body).toContain('<input id="key" name="key" type="password"');
    expect(formPage.headers['content-security-policy']).toContain("script-src 'self'");
    expect(formPage.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(formPage.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses an unknown key with the form again (401), never echoing the key', async () => {
    const r = await call('POST', '/console/sign-in', FORM, form('wrong-key-d41d8cd9'));
    expect(r.status).toBe(401);
    expect(r.body).toContain('not one of this runner’s API keys');
    expect(r.body).not.toContain('wrong-key-d41d8cd9');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a sign-in posted from another origin (login CSRF)', async () => {
    const r = await call('POST', '/console/sign-in', { ...FORM, origin: 'https://evil.example' }, form(OPERATOR_KEY));
    expect(r.status).toBe(403);
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('signs in with a known key: 303 to the console with an HttpOnly, SameSite=Strict cookie, Secure only over TLS', async () => {
    const r = await call('POST', '/console/sign-in', { ...FORM, origin: base }, form(OPERATOR_KEY));
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/console/');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/^crossdock_session=[\w-]+\.\d+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(SESSION_S - 1);
    expect(maxAge).toBeLessThanOrEqual(SESSION_S);
    const proxied = await call('POST', '/console/sign-in', { ...FORM, 'x-forwarded-proto': 'https' }, form(OPERATOR_KEY));
    expect(String(proxied.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('serves the shell to a session: every page is built, and a page without its module would say so', async () => {
    const cookie = await signIn(VIEWER_KEY);
    const overview = await call('GET', '/console/', { cookie });
    expect(overview.status).toBe(200);
    expect(overview.body).toContain('data-built="true"');
    for (const title of ['Overview', 'Flows', 'Exceptions', 'Dead letters', 'Trace', 'Availability']) expect(overview.body).toContain(`>${title}</a>`);
    for (const page of PAGES) {
      const shell = await call('GET', page.id === 'overview' ? '/console/' : `/console/${page.id}`, { cookie });
      expect(shell.body, page.id).toContain('data-built="true"');
    }
    expect(shellHtml(PAGES[1]!, false)).toContain('This page is coming.');
    expect((await call('GET', '/console/nowhere', { cookie })).status).toBe(404);
    const session = JSON.parse((await call('GET', '/console/session', { cookie })).body) as Record<string, string>;
    expect(session).toMatchObject({ name: 'vic', role: 'viewer' });
    expect(session.csrf).toMatch(/^[\w-]{43}$/);
    expect(Date.parse(session.expiresAt as string)).toBeGreaterThan(Date.now());
  });

  it('signs out by removing the cookie (a cross-site sign-out is refused)', async () => {
    const cookie = await signIn(VIEWER_KEY);
    expect((await call('POST', '/console/sign-out', { cookie, origin: 'https://evil.example' })).status).toBe(403);
    const out = await call('POST', '/console/sign-out', { cookie, origin: base });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/console/sign-in');
    expect(String(out.headers['set-cookie'])).toMatch(/^crossdock_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
  });

  it('serves assets with an ETag, answering 304 when unchanged', async () => {
    const a = await call('GET', '/console/assets/app.js');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(a.headers['cache-control']).toBe('no-cache');
    const again = await call('GET', '/console/assets/app.js', { 'if-none-match': String(a.headers.etag) });
    expect(again.status).toBe(304);
    expect((await call('GET', '/console/assets/..%2Fconsole.ts')).status).toBe(404);
  });
});

describe('the /v1 API with a session cookie', () => {
  it('opens the read routes with the cookie alone', async () => {
    const cookie = await signIn(VIEWER_KEY);
    expect((await call('GET', '/v1/kpi', { cookie })).status).toBe(200);
    expect((await call('GET', '/v1/dlq', { cookie })).status).toBe(200);
    expect((await call('GET', '/v1/kpi', { cookie: 'crossdock_session=forged.1.2.3' })).status).toBe(401);
  });

  it("refuses a viewer's POST (403), whatever its CSRF token", async () => {
    const cookie = await signIn(VIEWER_KEY);
    const r = await call('POST', '/v1/dlq/replay', { cookie, 'x-csrf-token': await csrfOf(cookie), origin: base, 'content-type': 'application/json' }, '{"ids":[1]}');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toContain('operator role');
  });

  it("refuses an operator's cookie POST without the CSRF token, with a wrong one, or from another origin", async () => {
    const cookie = await signIn(OPERATOR_KEY);
    const csrf = await csrfOf(cookie);
    const json = { cookie, 'content-type': 'application/json' };
    const none = await call('POST', '/v1/dlq/replay', json, '{}');
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body).error).toMatch(/X-CSRF-Token/);
    expect((await call('POST', '/v1/dlq/replay', { ...json, 'x-csrf-token': csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, '{}')).status).toBe(403);
    const crossSite = await call('POST', '/v1/dlq/replay', { ...json, 'x-csrf-token': csrf, origin: 'https://evil.example' }, '{}');
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body).error).toMatch(/cross-origin/);
    // Past access: the route itself answers that the body names nothing to replay.
    const passed = await call('POST', '/v1/dlq/replay', { ...json, 'x-csrf-token': csrf, origin: base }, '{}');
    expect(passed.status).toBe(400);
    expect(JSON.parse(passed.body).field).toBe('ids');
  });

  it('asks no CSRF token of a request with a key in its header', async () => {
    const r = await call('POST', '/v1/dlq/replay', { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' }, '{}');
    expect(r.status).toBe(400);
  });

  it('refuses a token signed with another secret, and an expired one', async () => {
    const digest = createHash('sha256').update(OPERATOR_KEY).digest('hex');
    const other = new SessionKeys('another-secret-0123456789abcdef0123456789').issue(digest).token;
    expect((await call('GET', '/v1/kpi', { cookie: `crossdock_session=${other}` })).status).toBe(401);
    const expired = new SessionKeys(SECRET).issue(digest, Date.now() - 9 * 3_600_000).token;
    expect((await call('GET', '/v1/kpi', { cookie: `crossdock_session=${expired}` })).status).toBe(401);
    expect((await call('GET', '/console/session', { cookie: `crossdock_session=${expired}` })).status).toBe(401);
  });

  it('ends a session at its expiry (CROSSDOCK_CONSOLE_SESSION)', async () => {
    const cookie = await signIn(OPERATOR_KEY);
    expect((await call('GET', '/v1/kpi', { cookie })).status).toBe(200);
    await new Promise((r) => setTimeout(r, (SESSION_S + 1) * 1000));
    const after = await call('GET', '/v1/kpi', { cookie });
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body).error).toMatch(/sign in again/);
    expect((await call('GET', '/console/', { cookie })).status).toBe(303);
  }, 20_000);
});

/** Reads an event stream, collecting events by name. */
function openEvents(headers: Record<string, string>): Promise<{ res: IncomingMessage; events: { event: string; data: unknown }[]; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/v1/events`, { headers }, (res) => {
      const events: { event: string; data: unknown }[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffer += c;
        seen.push(c);
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name && data) events.push({ event: name, data: JSON.parse(data) });
        }
      });
      const ended = new Promise<void>((r) => res.on('close', () => r()));
      resolve({ res, events, ended });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the event stream', () => {
  it('needs a session or a key; HEAD answers without holding a stream open', async () => {
    expect((await call('GET', '/v1/events')).status).toBe(401);
    const head = await call('HEAD', '/v1/events', { authorization: `Bearer ${VIEWER_KEY}` });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it('sends the rates history, then rates, exceptions and dead letters as they change; the runner stop ends it', async () => {
    const cookie = await signIn(VIEWER_KEY);
    const stream = await openEvents({ cookie });
    expect(stream.res.statusCode).toBe(200);
    expect(stream.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await waitFor('the first events', () => stream.events.length >= 2, 5000);
    expect(stream.events[0]?.event).toBe('rates-history');
    const names = stream.events.map((e) => e.event);
    expect(names).toContain('exceptions');
    expect(names).toContain('kpi');
    const js = nats.js;
    for (let i = 0; i < 20; i++) await js.publish('channel.acme.orders.created', JSON.stringify({ id: i, bad: i % 4 === 0 }));
    await waitFor('a rates event with the relay moving', () => stream.events.some((e) => e.event === 'rates' && ((e.data as { p: Record<string, number[]> }).p.relay?.[0] ?? 0) > 0), 10_000);
    await waitFor('a dead-letters event counting the five refused orders', () => stream.events.some((e) => e.event === 'dead-letters' && (e.data as { count: number }).count === 5), 10_000);
    // A second stream starts with the history of what the first saw move.
    const second = await openEvents({ authorization: `Bearer ${VIEWER_KEY}` });
    await waitFor('the second stream history', () => second.events.length > 0, 5000);
    const history = second.events[0]?.data as { p: Record<string, number[]> }[];
    expect(history.some((s) => (s.p.relay?.[1] ?? 0) > 0)).toBe(true);
    const stopped = runner!.stop();
    await Promise.all([stream.ended, second.ended]);
    await stopped;
    runner = undefined;
  }, 30_000);

  it('left no API key in any response or log line', () => {
    expect(seen.length).toBeGreaterThan(10);
    expect(logLines.some((l) => l.includes('console sign-in'))).toBe(true);
    for (const text of [...seen, ...logLines]) {
      expect(text).not.toContain(OPERATOR_KEY);
      expect(text).not.toContain(VIEWER_KEY);
    }
  });
});
