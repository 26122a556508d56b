/**
 * Who may call the runner's HTTP API, and as what. Keys come from CROSSDOCK_API_KEYS:
 *
 *   CROSSDOCK_API_KEYS="operator:alice:K1, viewer:grafana:K2, K3"
 *
 * Each entry is `ROLE:NAME:KEY` or a bare `KEY` (a viewer). A viewer reads; an operator also
 * acts (replays, acknowledges, resolves). The name is what audit entries and logs record; a
 * bare key is named by the first 8 hex digits of its SHA-256, never by its text. Keys are
 * kept and compared as SHA-256 digests and never logged.
 *
 * A request carries a key in a header or, from the console, a session cookie (session.ts)
 * that names a key by its digest; the header wins when both are there. The roles are the
 * same either way. A cookie-authenticated POST/PUT/PATCH/DELETE must also pass the CSRF
 * check (X-CSRF-Token and Origin), since a browser sends the cookie with any request.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './server.ts';
import { csrfRefusal, isUnsafeMethod, sessionCookie, SessionKeys } from './session.ts';

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

/** A valid console session: its principal, token and end. */
export interface Session {
  readonly principal: Principal;
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export type Verdict = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly status: 401 | 403; readonly error: string };

export class Access {
  private readonly byDigest = new Map<string, Principal>();
  /** Keys already proven valid, by their text: a map hit instead of a hash per request. */
  private readonly proven = new Map<string, Principal>();
  /** Signs and checks console sessions; a random secret unless the caller gives keys. */
  readonly sessions: SessionKeys;

  constructor(entries: readonly KeyEntry[], sessions?: SessionKeys) {
    this.sessions = sessions ?? new SessionKeys(randomBytes(32));
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

  /** The principal of a key's text (the console's sign-in form), or undefined. */
  principalOf(key: string): Principal | undefined {
    return this.proven.get(key) ?? this.byDigest.get(digest(key));
  }

  /** The request's console session, when its cookie holds a valid, unexpired token for a key still listed. */
  session(req: IncomingMessage, now: number = Date.now()): Session | undefined {
    const token = sessionCookie(req);
    if (!token) return undefined;
    const claims = this.sessions.verify(token, now);
    const principal = claims && this.byDigest.get(claims.keyDigest);
    return principal && claims ? { principal, token, expiresAt: claims.expiresAt } : undefined;
  }

  /** Whether the request's key (or else its session cookie) is known and its role covers `need`. */
  check(req: IncomingMessage, need: Role = 'viewer'): Verdict {
    const given = Access.keyOf(req);
    let p: Principal | undefined;
    if (given) {
      p = this.proven.get(given);
      if (!p) {
        p = this.byDigest.get(digest(given));
        if (!p) return { ok: false, status: 401, error: 'unknown API key' };
        this.proven.set(given, p);
      }
    } else {
      if (sessionCookie(req) === undefined) return { ok: false, status: 401, error: 'missing API key: send Authorization: Bearer KEY or X-API-Key: KEY' };
      const s = this.session(req);
      if (!s) return { ok: false, status: 401, error: 'the console session has ended or is not valid: sign in again' };
      if (isUnsafeMethod(req.method)) {
        const refused = csrfRefusal(req, this.sessions.csrfOf(s.token));
        if (refused) return { ok: false, status: 403, error: refused };
      }
      p = s.principal;
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
