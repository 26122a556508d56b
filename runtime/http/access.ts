/**
 * Who may call the runner's HTTP API, and as what. Keys come from CROSSDOCK_API_KEYS:
 *
 *   CROSSDOCK_API_KEYS="operator:alice:K1, viewer:grafana:K2, K3"
 *
 * Each entry is `ROLE:NAME:KEY` or a bare `KEY` (a viewer). A viewer reads; an operator also
 * acts (replays, acknowledges, resolves). The name is what audit entries and logs record; a
 * bare key is named by the first 8 hex digits of its SHA-256, never by its text. Keys are
 * kept and compared as SHA-256 digests and never logged.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './server.ts';

export type Role = 'viewer' | 'operator';

/** The caller behind a request: its key's name and role, never the key. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
  /** SHA-256 of the key, hex: a stable identity for rate limits. */
  readonly keyDigest: string;
}

export interface KeyEntry {
  readonly role: Role;
  readonly name: string;
  readonly key: string;
}

const ROLES: readonly Role[] = ['viewer', 'operator'];
const NAME_TEXT = /^[A-Za-z0-9_.@-]{1,64}$/;

const digest = (key: string): string => createHash('sha256').update(key).digest('hex');

/**
 * Parses the CROSSDOCK_API_KEYS text. A malformed entry is an error naming its position and
 * what is wrong, never the key itself.
 */
export function parseApiKeys(text: string): KeyEntry[] {
  const out: KeyEntry[] = [];
  const entries = text.split(',').map((e) => e.trim());
  entries.forEach((entry, i) => {
    if (entry === '') return;
    const parts = entry.split(':');
    if (parts.length === 1) {
      out.push({ role: 'viewer', name: `key-${digest(entry).slice(0, 8)}`, key: entry });
      return;
    }
    const [role, name, ...rest] = parts;
    const key = rest.join(':');
    if (!ROLES.includes(role as Role)) throw new Error(`CROSSDOCK_API_KEYS entry ${i + 1}: role '${role}' is not one of ${ROLES.join(', ')} (write ROLE:NAME:KEY or KEY)`);
    if (name === undefined || !NAME_TEXT.test(name)) throw new Error(`CROSSDOCK_API_KEYS entry ${i + 1}: the name must be 1-64 of A-Z a-z 0-9 _ . @ - (write ROLE:NAME:KEY)`);
    if (key === '') throw new Error(`CROSSDOCK_API_KEYS entry ${i + 1}: the key is empty (write ROLE:NAME:KEY)`);
    out.push({ role: role as Role, name, key });
  });
  return out;
}

/** CROSSDOCK_API_KEYS from the environment. */
export function apiKeysFromEnv(env: NodeJS.ProcessEnv = process.env): KeyEntry[] {
  return parseApiKeys(env.CROSSDOCK_API_KEYS ?? '');
}

export type Verdict = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly status: 401 | 403; readonly error: string };

export class Access {
  private readonly byDigest = new Map<string, Principal>();
  /** Keys already proven valid, by their text: a map hit instead of a hash per request. */
  private readonly proven = new Map<string, Principal>();

  constructor(entries: readonly KeyEntry[]) {
    for (const e of entries) {
      const d = digest(e.key);
      const before = this.byDigest.get(d);
      // The same key listed twice keeps its strongest role.
      if (!before || (before.role === 'viewer' && e.role === 'operator')) this.byDigest.set(d, { name: e.name, role: e.role, keyDigest: d });
    }
  }

  get size(): number {
    return this.byDigest.size;
  }

  /** The key a request carries: `Authorization: Bearer KEY` or `X-API-Key: KEY`. */
  static keyOf(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
    const h = req.headers['x-api-key'];
    return typeof h === 'string' && h !== '' ? h : undefined;
  }

  /** Whether the request's key is known and its role covers `need`. */
  check(req: IncomingMessage, need: Role = 'viewer'): Verdict {
    const given = Access.keyOf(req);
    if (!given) return { ok: false, status: 401, error: 'missing API key: send Authorization: Bearer KEY or X-API-Key: KEY' };
    let p = this.proven.get(given);
    if (!p) {
      p = this.byDigest.get(digest(given));
      if (!p) return { ok: false, status: 401, error: 'unknown API key' };
      this.proven.set(given, p);
    }
    if (need === 'operator' && p.role !== 'operator') return { ok: false, status: 403, error: `this action needs the operator role; key '${p.name}' is a ${p.role}` };
    return { ok: true, principal: p };
  }

  /** The principal, or undefined after answering 401/403 (the request body is drained). */
  require(req: IncomingMessage, res: ServerResponse, need: Role = 'viewer'): Principal | undefined {
    const v = this.check(req, need);
    if (v.ok) return v.principal;
    req.resume();
    sendJson(res, v.status, { error: v.error }, v.status === 401 ? { 'www-authenticate': 'Bearer' } : undefined);
    return undefined;
  }
}
