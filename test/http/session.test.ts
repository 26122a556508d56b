import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Access, parseApiKeys } from '../../runtime/http/access.ts';
import { csrfRefusal, ownOrigin, SessionKeys, sessionCookie, sessionKeysFromEnv, sessionSetCookie } from '../../runtime/http/session.ts';

const SECRET = 'unit-test-secret-0123456789abcdef-0123456789';
const digestOf = (key: string): string => createHash('sha256').update(key).digest('hex');
const req = (headers: Record<string, string>, method = 'GET', encrypted = false): IncomingMessage => ({ headers, method, socket: { encrypted } }) as unknown as IncomingMessage;

describe('session tokens', () => {
  const keys = new SessionKeys(SECRET, 3_600_000);
  const digest = digestOf('k1');

  it('carry the key digest and an absolute expiry, and verify until then', () => {
    const now = Date.parse('2026-12-03T08:00:00Z');
    const { token, expiresAt } = keys.issue(digest, now);
    expect(expiresAt).toBe(now + 3_600_000);
    expect(keys.verify(token, now + 1000)).toEqual({ keyDigest: digest, expiresAt });
    expect(keys.verify(token, expiresAt - 1)).toBeDefined();
    expect(keys.verify(token, expiresAt)).toBeUndefined();
    expect(token).not.toContain(digest);
  });

  it('differ per issue (a nonce), and refuse any change to the token', () => {
    const a = keys.issue(digest).token;
    const b = keys.issue(digest).token;
    expect(a).not.toBe(b);
    const [d, exp, nonce, mac] = a.split('.') as [string, string, string, string];
    expect(keys.verify([d, String(Number(exp) + 3600), nonce, mac].join('.'))).toBeUndefined();
    expect(keys.verify([digestOf('other').slice(0, 43), exp, nonce, mac].join('.'))).toBeUndefined();
    expect(keys.verify([d, exp, nonce, mac.slice(0, -2) + 'AA'].join('.'))).toBeUndefined();
    expect(keys.verify(`${a}.x`)).toBeUndefined();
    expect(keys.verify('')).toBeUndefined();
  });

  it('are only valid under the secret that signed them', () => {
    const token = keys.issue(digest).token;
    expect(new SessionKeys('another-secret-0123456789abcdef-0123456789').verify(token)).toBeUndefined();
  });

  it('give each session its own CSRF token, unrelated to the session token text', () => {
    const a = keys.issue(digest).token;
    const b = keys.issue(digest).token;
    expect(keys.csrfOf(a)).toMatch(/^[\w-]{43}$/);
    expect(keys.csrfOf(a)).toBe(keys.csrfOf(a));
    expect(keys.csrfOf(a)).not.toBe(keys.csrfOf(b));
    expect(a).not.toContain(keys.csrfOf(a));
  });
});

describe('session settings from the environment', () => {
  it('default to 8 hours and a random secret per process', () => {
    const a = sessionKeysFromEnv({});
    expect(a.ttlMs).toBe(8 * 3_600_000);
    const token = a.issue(digestOf('k')).token;
    expect(sessionKeysFromEnv({}).verify(token)).toBeUndefined();
  });

  it('take CROSSDOCK_CONSOLE_SECRET (shared: a token verifies in another process) and CROSSDOCK_CONSOLE_SESSION', () => {
    const env = { CROSSDOCK_CONSOLE_SECRET: SECRET, CROSSDOCK_CONSOLE_SESSION: '30m' };
    const token = sessionKeysFromEnv(env).issue(digestOf('k')).token;
    expect(sessionKeysFromEnv(env).verify(token)).toBeDefined();
    expect(sessionKeysFromEnv(env).ttlMs).toBe(1_800_000);
  });

  it('refuse a short secret or a malformed duration, naming the variable and never the value', () => {
    expect(() => sessionKeysFromEnv({ CROSSDOCK_CONSOLE_SECRET: 'short-secret-value' })).toThrow(/CROSSDOCK_CONSOLE_SECRET must be at least 32 characters/);
    try {
      sessionKeysFromEnv({ CROSSDOCK_CONSOLE_SECRET: 'short-secret-value' });
    } catch (err) {
      expect((err as Error).message).not.toContain('short-secret-value');
    }
    expect(() => sessionKeysFromEnv({ CROSSDOCK_CONSOLE_SESSION: 'eight hours' })).toThrow(/CROSSDOCK_CONSOLE_SESSION must be a duration/);
  });
});

describe('cookies, origins and CSRF', () => {
  it('reads the session cookie among others', () => {
    expect(sessionCookie(req({ cookie: 'a=1; crossdock_session=t.o.k.en; b=2' }))).toBe('t.o.k.en');
    expect(sessionCookie(req({ cookie: 'xcrossdock_session=1' }))).toBeUndefined();
    expect(sessionCookie(req({}))).toBeUndefined();
  });

  it('writes the cookie HttpOnly, SameSite=Strict, Path=/, Secure only when asked', () => {
    expect(sessionSetCookie('tok', 60, false)).toBe('crossdock_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionSetCookie('tok', 60, true)).toMatch(/; Secure$/);
  });

  it("works out the request's own origin, over TLS or behind a proxy", () => {
    expect(ownOrigin(req({ host: 'ops:8080' }))).toBe('http://ops:8080');
    expect(ownOrigin(req({ host: 'ops:8443' }, 'GET', true))).toBe('https://ops:8443');
    expect(ownOrigin(req({ host: 'internal:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'ops.example.com' }))).toBe('https://ops.example.com');
  });

  it('refuses a missing or wrong token and a foreign Origin; lets a same-origin request with the token through', () => {
    const ok = { host: 'ops:8080', 'x-csrf-token': 'expected-token' };
    expect(csrfRefusal(req(ok, 'POST'), 'expected-token')).toBeUndefined();
    expect(csrfRefusal(req({ ...ok, origin: 'http://ops:8080' }, 'POST'), 'expected-token')).toBeUndefined();
    expect(csrfRefusal(req({ host: 'ops:8080' }, 'POST'), 'expected-token')).toMatch(/X-CSRF-Token/);
    expect(csrfRefusal(req({ ...ok, 'x-csrf-token': 'expected-tokeN' }, 'POST'), 'expected-token')).toMatch(/X-CSRF-Token/);
    expect(csrfRefusal(req({ ...ok, origin: 'http://evil:8080' }, 'POST'), 'expected-token')).toMatch(/cross-origin/);
    expect(csrfRefusal(req({ ...ok, origin: 'null' }, 'POST'), 'expected-token')).toMatch(/cross-origin/);
  });
});

describe('Access with sessions', () => {
  const keys = new SessionKeys(SECRET);
  const access = new Access(parseApiKeys('operator:olga:op-key,viewer:vic:view-key'), keys);
  const cookieFor = (key: string): string => `crossdock_session=${keys.issue(digestOf(key)).token}`;

  it('takes the cookie on reads, with the role of its key', () => {
    expect(access.check(req({ cookie: cookieFor('view-key') }))).toMatchObject({ ok: true, principal: { name: 'vic', role: 'viewer' } });
    expect(access.check(req({ cookie: cookieFor('view-key') }, 'POST'), 'operator')).toMatchObject({ ok: false, status: 403 });
  });

  it('asks a cookie request that changes something for the CSRF token; a header key needs none', () => {
    const token = keys.issue(digestOf('op-key')).token;
    const cookie = `crossdock_session=${token}`;
    expect(access.check(req({ cookie, host: 'h' }, 'POST'), 'operator')).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/X-CSRF-Token/) });
    expect(access.check(req({ cookie, host: 'h', 'x-csrf-token': keys.csrfOf(token) }, 'DELETE'), 'operator')).toMatchObject({ ok: true, principal: { name: 'olga' } });
    expect(access.check(req({ cookie, 'x-api-key': 'op-key' }, 'POST'), 'operator')).toMatchObject({ ok: true });
  });

  it('ends the sessions of a key no longer listed', () => {
    const cookie = cookieFor('op-key');
    const without = new Access(parseApiKeys('viewer:vic:view-key'), keys);
    expect(without.check(req({ cookie }))).toMatchObject({ ok: false, status: 401 });
    expect(access.check(req({ cookie }))).toMatchObject({ ok: true });
  });
});
