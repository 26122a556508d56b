import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Access, parseApiKeys } from '../../runtime/http/access.ts';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('API keys with roles', () => {
  it('reads ROLE:NAME:KEY and bare keys (viewers named by a digest prefix, not the key)', () => {
    const entries = parseApiKeys(' operator:alice:s3cr:et , viewer:grafana:g1,bare-key ,');
    expect(entries.map((e) => [e.role, e.name, e.key])).toEqual([
      ['operator', 'alice', 's3cr:et'],
      ['viewer', 'grafana', 'g1'],
      ['viewer', expect.stringMatching(/^key-[0-9a-f]{8}$/), 'bare-key'],
    ]);
    expect(entries[2]?.name).not.toContain('bare');
  });

  it('refuses a malformed entry naming its position, never its key', () => {
    expect(() => parseApiKeys('viewer:a:k1,admin:bob:topsecret')).toThrow(/entry 2: role 'admin' is not one of viewer, operator/);
    try {
      parseApiKeys('operator:bad name:topsecret');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/entry 1: the name/);
      expect((err as Error).message).not.toContain('topsecret');
    }
    expect(() => parseApiKeys('operator:alice:')).toThrow(/entry 1: the key is empty/);
  });

  it('answers 401 for a missing or unknown key and 403 for a viewer asking to act', () => {
    const access = new Access(parseApiKeys('operator:alice:op-key,viewer:grafana:view-key'));
    expect(access.check(req({}))).toMatchObject({ ok: false, status: 401 });
    expect(access.check(req({ authorization: 'Bearer nope' }))).toMatchObject({ ok: false, status: 401, error: 'unknown API key' });
    expect(access.check(req({ 'x-api-key': 'view-key' }))).toMatchObject({ ok: true, principal: { name: 'grafana', role: 'viewer' } });
    const denied = access.check(req({ authorization: 'Bearer view-key' }), 'operator');
    expect(denied).toMatchObject({ ok: false, status: 403 });
    expect(JSON.stringify(denied)).not.toContain('view-key');
    expect(access.check(req({ authorization: 'Bearer op-key' }), 'operator')).toMatchObject({ ok: true, principal: { name: 'alice', role: 'operator' } });
  });

  it('keeps the strongest role of a key listed twice', () => {
    const access = new Access(parseApiKeys('viewer:a:same,operator:b:same'));
    expect(access.check(req({ 'x-api-key': 'same' }), 'operator')).toMatchObject({ ok: true, principal: { name: 'b' } });
  });
});
