/**
 * Console sessions as stateless signed tokens, so any worker of `crossdock run --workers N`
 * can check a cookie another worker issued without shared state:
 *
 *   token = base64url(keyDigest) "." expiresAt (epoch seconds) "." nonce "." HMAC-SHA256
 *
 * The token names the API key by its SHA-256 digest (Principal.keyDigest), never by its text;
 * Access looks the digest up on every request, so a key removed from CROSSDOCK_API_KEYS ends
 * its sessions at the next restart that reads the list. Expiry is absolute (no sliding).
 * The signing secret is CROSSDOCK_CONSOLE_SECRET, or random per process (the supervisor of a
 * group passes its own to the workers): then a restart signs everyone out.
 *
 * CSRF: a cookie-authenticated request that changes something carries X-CSRF-Token, an HMAC
 * of its session token that only a page of this origin can read (GET /console/session), and
 * an Origin header, when it has one, equal to the request's own origin.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parseDuration } from '../config/durations.ts';

export const SESSION_COOKIE = 'crossdock_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SECRET_ENV = 'CROSSDOCK_CONSOLE_SECRET';
export const SESSION_ENV = 'CROSSDOCK_CONSOLE_SESSION';
/** A shift's length: long enough for a working day, short enough that a left-open browser ends. */
export const DEFAULT_SESSION_MS = 8 * 3_600_000;
const MIN_SECRET = 32;
const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SessionClaims {
  /** SHA-256 of the API key, hex. */
  readonly keyDigest: string;
  /** Epoch milliseconds (whole seconds). */
  readonly expiresAt: number;
}

const b64 = (b: Buffer): string => b.toString('base64url');

export class SessionKeys {
  private readonly secret: Buffer;
  readonly ttlMs: number;

  constructor(secret: Buffer | string, ttlMs: number = DEFAULT_SESSION_MS) {
    this.secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (this.secret.length < MIN_SECRET) throw new Error(`${SECRET_ENV} must be at least ${MIN_SECRET} characters (e.g. the output of: openssl rand -hex 32)`);
    if (!(ttlMs > 0)) throw new Error(`${SESSION_ENV} must be longer than 0`);
    this.ttlMs = ttlMs;
  }

  /** A token for the key with this digest, valid until now + ttl. */
  issue(keyDigest: string, now: number = Date.now()): { token: string; expiresAt: number } {
    const expiresAt = Math.floor((now + this.ttlMs) / 1000) * 1000;
    const payload = `${b64(Buffer.from(keyDigest, 'hex'))}.${expiresAt / 1000}.${b64(randomBytes(16))}`;
    return { token: `${payload}.${this.mac('session', payload)}`, expiresAt };
  }

  /** The claims of a token this secret signed and that has not expired; undefined otherwise. */
  verify(token: string, now: number = Date.now()): SessionClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 4) return undefined;
    const [digest, exp, , mac] = parts as [string, string, string, string];
    if (!equal(mac, this.mac('session', parts.slice(0, 3).join('.')))) return undefined;
    if (!/^\d{1,12}$/.test(exp)) return undefined;
    const expiresAt = Number(exp) * 1000;
    if (now >= expiresAt) return undefined;
    const keyDigest = Buffer.from(digest, 'base64url').toString('hex');
    return keyDigest.length === 64 ? { keyDigest, expiresAt } : undefined;
  }

  /** The CSRF token of a session token. */
  csrfOf(token: string): string {
    return this.mac('csrf', token);
  }

  private mac(purpose: string, text: string): string {
    return b64(createHmac('sha256', this.secret).update(`${purpose}\0${text}`).digest());
  }
}

/**
 * The secret and session length from the environment: CROSSDOCK_CONSOLE_SECRET (or 32 random
 * bytes, per process) and CROSSDOCK_CONSOLE_SESSION (a duration, default 8h). A malformed
 * value is an error naming the variable, never its value.
 */
export function sessionKeysFromEnv(env: NodeJS.ProcessEnv = process.env): SessionKeys {
  const text = env[SESSION_ENV];
  let ttl = DEFAULT_SESSION_MS;
  if (text !== undefined && text !== '') {
    try {
      ttl = parseDuration(text);
    } catch {
      throw new Error(`${SESSION_ENV} must be a duration such as 8h, 30m or 1d`);
    }
  }
  const secret = env[SECRET_ENV];
  return new SessionKeys(secret === undefined || secret === '' ? randomBytes(32) : secret, ttl);
}

/** A random secret for a group's workers to share (the supervisor makes one when none is set). */
export function newSessionSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The session token in the request's Cookie header. */
export function sessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** Whether the request came over TLS, directly or through a proxy that says so. */
export function overTls(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket).encrypted === true || firstValue(req.headers['x-forwarded-proto']) === 'https';
}

/** The origin the browser sees for this server: scheme and host (a proxy's X-Forwarded-Host first). */
export function ownOrigin(req: IncomingMessage): string {
  const host = firstValue(req.headers['x-forwarded-host']) ?? req.headers.host ?? '';
  return `${overTls(req) ? 'https' : 'http'}://${host}`;
}

/** True unless the request names another origin than its own (no Origin header: not a cross-site browser request). */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === ownOrigin(req);
}

export function isUnsafeMethod(method: string | undefined): boolean {
  return UNSAFE_METHODS.has(method ?? 'GET');
}

/** Why a cookie-authenticated request that changes something is refused, or undefined when it may go on. */
export function csrfRefusal(req: IncomingMessage, expected: string): string | undefined {
  if (!sameOrigin(req)) return 'cross-origin request refused: its Origin is not this server';
  const given = firstValue(req.headers[CSRF_HEADER]);
  if (given === undefined || !equal(given, expected)) return 'missing or wrong X-CSRF-Token: send the csrf value of GET /console/session';
  return undefined;
}

/** The Set-Cookie value carrying a session (or, with an empty token and maxAge 0, removing it). */
export function sessionSetCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? '; Secure' : ''}`;
}

function firstValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined ? undefined : s.split(',')[0]?.trim();
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
