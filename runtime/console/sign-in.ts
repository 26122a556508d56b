/**
 * Signing in and out of the console:
 *
 *   GET  /console/sign-in    the form (one field: an API key from CROSSDOCK_API_KEYS)
 *   POST /console/sign-in    form-encoded `key` → 303 to /console/ with the session cookie;
 *                            an unknown key → the form again, 401, the key never echoed
 *   POST /console/sign-out   removes the cookie → 303 to the sign-in page
 *   GET  /console/session    {name, role, csrf, expiresAt} of the cookie's session, or 401
 *
 * Both posts refuse a request whose Origin is another site (login CSRF: signing a victim in
 * as the attacker). Sessions are stateless (see http/session.ts): signing out removes the
 * cookie from this browser; the token itself stays valid until it expires.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Access } from '../http/access.ts';
import { sendJson, type HttpServer } from '../http/server.ts';
import { overTls, sameOrigin, sessionSetCookie } from '../http/session.ts';
import { escapeHtml, redirect, sendHtml, securityHeaders } from './headers.ts';

export const SIGN_IN_PATH = '/console/sign-in';
const MAX_FORM = 8 * 1024;

export function signInHtml(message?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Crossdock console</title>
<link rel="icon" href="/console/assets/icon.svg">
<link rel="stylesheet" href="/console/assets/console.css">
</head>
<body class="sign-in">
<main id="main">
<h1>Sign in to the Crossdock console</h1>
<form method="post" action="${SIGN_IN_PATH}">
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>\n` : ''}<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="muted">Use one of the runner's operations API keys (CROSSDOCK_API_KEYS). A viewer key reads; an operator key also acts.</p>
</main>
</body>
</html>
`;
}

export function registerSignIn(http: HttpServer, access: Access, logger: Logger): void {
  http.route('GET', SIGN_IN_PATH, (req, res) => {
    if (access.session(req)) return redirect(res, '/console/');
    sendHtml(res, 200, signInHtml());
  });

  http.route('POST', SIGN_IN_PATH, async (req, res) => {
    if (!sameOrigin(req)) return refuseCrossSite(req, res);
    const form = await formBody(req);
    const key = form?.get('key') ?? '';
    const who = key === '' ? undefined : access.principalOf(key);
    if (!who) {
      logger.warn({ from: req.socket.remoteAddress }, 'console sign-in refused: unknown API key');
      return sendHtml(res, 401, signInHtml(form ? 'That key is not one of this runner’s API keys.' : 'Send the form with an API key.'));
    }
    const now = Date.now();
    const { token, expiresAt } = access.sessions.issue(who.keyDigest, now);
    logger.info({ actor: who.name, role: who.role, expiresAt: new Date(expiresAt).toISOString() }, 'console sign-in');
    redirect(res, '/console/', { 'set-cookie': sessionSetCookie(token, (expiresAt - now) / 1000, overTls(req)) });
  });

  http.route('POST', '/console/sign-out', (req, res) => {
    req.resume();
    if (!sameOrigin(req)) return refuseCrossSite(req, res);
    const who = access.session(req);
    if (who) logger.info({ actor: who.principal.name }, 'console sign-out');
    redirect(res, SIGN_IN_PATH, { 'set-cookie': sessionSetCookie('', 0, overTls(req)) });
  });

  http.route('GET', '/console/session', (req, res) => {
    const s = access.session(req);
    const head = { 'cache-control': 'no-store', ...securityHeaders() };
    if (!s) return sendJson(res, 401, { error: 'not signed in: sign in at /console/sign-in' }, head);
    sendJson(res, 200, { name: s.principal.name, role: s.principal.role, csrf: access.sessions.csrfOf(s.token), expiresAt: new Date(s.expiresAt).toISOString() }, head);
  });
}

function refuseCrossSite(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  sendJson(res, 403, { error: 'cross-origin request refused: its Origin is not this server' }, securityHeaders());
}

/** The form's fields, or undefined when the body is not a small form (a larger one is read to its end and dropped). */
function formBody(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_FORM) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_FORM ? undefined : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', () => resolve(undefined));
  });
}
