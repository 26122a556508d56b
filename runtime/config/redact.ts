/**
 * Keeping secrets out of everything Crossdock prints: log lines, dead-letter reasons,
 * diagnostics and CLI output. It lives in `spec` (the lowest layer) so that env resolution,
 * components, the engine, lint and the CLI can all use it without an import cycle.
 *
 * Two mechanisms, applied together by `redactText`:
 *  - a registry of the values `${NAME}` resolved to from the environment (filled by `env.ts`),
 *    each printed as `${NAME}` wherever it appears, so the output still says which variable
 *    was involved;
 *  - patterns for credentials that did not come from our environment (an ERP echoing a token,
 *    a URL built at run time): URL userinfo, sensitive query parameters, `Bearer` tokens,
 *    `"token": "…"` and `api_key=…` pairs, each replaced by `[redacted]`.
 */

export const REDACTED = '[redacted]';

/** Shorter values are too likely to be ordinary words ("prod") to be hunted everywhere. */
const MIN_SECRET_LENGTH = 4;
/** Values shorter than this are only replaced as whole words, so "prod" does not eat "product". */
const WHOLE_WORD_BELOW = 8;

// form -> variable name; forms are the value as written, JSON-escaped and URL-encoded, since
// log lines are JSON and URLs carry encoded values.
const known = new Map<string, string>();
let matcher: RegExp | undefined;

/**
 * Remembers that `${name}` resolved to `value`. Plain short numbers and booleans are skipped:
 * they are configuration (`maxDeliver: ${MAX_DELIVER}`), and replacing them inside a JSON log
 * line would make the line invalid JSON.
 */
export function rememberSecret(name: string, value: string): void {
  if (value.trim().length < MIN_SECRET_LENGTH) return;
  if (/^(true|false|null)$/.test(value)) return;
  if (/^-?\d+(\.\d+)?$/.test(value) && value.length < WHOLE_WORD_BELOW) return;
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  // The http step strips a trailing slash from its base URL before appending the path.
  const trimmed = value.replace(/\/+$/, '');
  if (trimmed.length >= MIN_SECRET_LENGTH) forms.add(trimmed);
  let added = false;
  for (const form of forms) {
    if (known.has(form)) continue;
    known.set(form, name);
    added = true;
  }
  if (added) matcher = undefined;
}

/** For tests: forget every remembered value. */
export function forgetSecrets(): void {
  known.clear();
  matcher = undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function secretMatcher(): RegExp | undefined {
  if (known.size === 0) return undefined;
  if (matcher) return matcher;
  // Longest first, so a value containing another is replaced whole.
  const alternatives = [...known.keys()]
    .sort((a, b) => b.length - a.length)
    .map((form) => (form.length < WHOLE_WORD_BELOW ? `(?<![A-Za-z0-9_])${escapeRegExp(form)}(?![A-Za-z0-9_])` : escapeRegExp(form)));
  matcher = new RegExp(alternatives.join('|'), 'g');
  return matcher;
}

/** Replaces every remembered environment value in `text` with `${NAME}`. */
export function redactSecrets(text: string): string {
  const re = secretMatcher();
  if (!re) return text;
  return text.replace(re, (form) => `\${${known.get(form) ?? 'SECRET'}}`);
}

/** What `redactSecrets` leaves in place of a value: it names the variable and is kept. */
const PLACEHOLDER = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

// Names of credential fields, matched case-insensitively as a whole name: anything ending in
// token, secret, password, signature, credential(s) or authorization (`access_token`,
// `clientSecret`), and keys with a prefix (`api_key`, `apiKey`, `x-api-key`). A bare `key` is
// too common a field name in bodies and messages; it counts only as a URL parameter.
const FIELD = String.raw`(?:[A-Za-z0-9_.-]*(?:token|secret|password|passwd|pwd|signature|credentials?|authorization|(?:api|access|secret|private|signing|client|subscription|master)[_.-]?key)|(?:[A-Za-z0-9]+[_.-])+key)`;
/** Query parameter names whose values are credentials. */
const SENSITIVE_PARAM = new RegExp(String.raw`^(?:${FIELD}|key|apikey|sig|auth|pass|session)$`, 'i');

/**
 * `scheme://authority/path?query#fragment`, the userinfo (everything up to the last `@` of the
 * authority) and credential parameters hidden. Remembered values go first, so a key from the
 * environment shows as `${NAME}` rather than as `[redacted]`.
 */
export function redactUrl(text: string): string {
  const url = redactSecrets(text);
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!m) return url;
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  const host = at >= 0 ? `${REDACTED}@${authority.slice(at + 1)}` : authority;
  const q = rest.indexOf('?');
  if (q < 0) return scheme + host + rest;
  const hash = rest.indexOf('#', q);
  const query = rest.slice(q + 1, hash < 0 ? undefined : hash);
  const cleaned = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name);
      } catch {
        // A malformed escape: judge the name as written.
      }
      return SENSITIVE_PARAM.test(name) && !PLACEHOLDER.test(pair.slice(eq + 1)) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return scheme + host + rest.slice(0, q + 1) + cleaned + (hash < 0 ? '' : rest.slice(hash));
}

// A URL inside free text (or a JSON log line): it ends at whitespace, a quote, an angle bracket
// or a backslash (a JSON escape).
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>\\]+/gi;
// `"token": "…"` in a JSON body, its value ending at the first unescaped quote.
const JSON_PAIR = new RegExp(String.raw`"(${FIELD})"(\s*:\s*)"((?:[^"\\]|\\.)*)"`, 'gi');
// The same pair inside a JSON string (a body quoted in a JSON log line): quotes are `\"`, and a
// quote inside the value is `\\\"`.
const ESCAPED_JSON_PAIR = new RegExp(String.raw`\\"(${FIELD})\\"(\s*:\s*)\\"((?:[^"\\]|\\\\\\"|\\\\|\\[^"\\])*)\\"`, 'gi');
// `api_key=…`, `password=…` in form bodies and free text.
const FORM_PAIR = new RegExp(String.raw`(?<![A-Za-z0-9_])(${FIELD})=([^&\s"'\\,;]+)`, 'gi');
// `Bearer <token>`; a `${NAME}` left by redactSecrets has a `$` and stays readable.
const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/=-]{4,}/gi;
// `Authorization: Basic <base64>` in a header echoed as text.
const BASIC = /(authorization\\?"?\s*[:=]\s*\\?"?\s*basic)\s+[A-Za-z0-9+/]+=*/gi;

/** Remembered environment values as `${NAME}`, then credentials found by pattern as `[redacted]`. */
export function redactText(text: string): string {
  return redactSecrets(text)
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(JSON_PAIR, (m, name: string, colon: string, value: string) => (PLACEHOLDER.test(value) ? m : `"${name}"${colon}"${REDACTED}"`))
    .replace(ESCAPED_JSON_PAIR, (m, name: string, colon: string, value: string) => (PLACEHOLDER.test(value) ? m : `\\"${name}\\"${colon}\\"${REDACTED}\\"`))
    .replace(FORM_PAIR, (m, name: string, value: string) => (PLACEHOLDER.test(value) ? m : `${name}=${REDACTED}`))
    .replace(BEARER, (_m, word: string) => `${word} ${REDACTED}`)
    .replace(BASIC, (_m, head: string) => `${head} ${REDACTED}`);
}

// Header names whose whole value is a credential, whatever it looks like: the credential field
// names above, `Cookie`/`Set-Cookie`, `Auth` and session headers. Crossdock's own (`Crossdock-*`,
// `Nats-*`) name no credential (`Crossdock-Source-Key` is a message id).
const SENSITIVE_HEADER = new RegExp(String.raw`^(?:${FIELD}|(?:x-)?auth|(?:set-)?cookie|(?:x-)?session(?:[_-]?id)?)$`, 'i');
const OWN_HEADER = /^(?:crossdock|nats)-/i;

/**
 * A message header's value as shown to people (dead letters carry the partner's headers as
 * they arrived): the whole value hidden under a credential's name (`Authorization`,
 * `X-Api-Key`, `Cookie`), any other value through `redactText`.
 */
export function redactHeader(name: string, value: string): string {
  if (SENSITIVE_HEADER.test(name) && !OWN_HEADER.test(name) && !PLACEHOLDER.test(value)) return REDACTED;
  return redactText(value);
}

/** A response body quoted in a failure reason: redacted, then cut (a cut would hide a secret's end from the patterns). */
export function redactBody(text: string, max = 500): string {
  const clean = redactText(text);
  return clean.length > max ? clean.slice(0, max - 3) + '...' : clean;
}

/**
 * A JSONata syntax error quotes the offending token, which may be only a piece of an
 * environment value (`${ID}` = "abc def" fails at "def"), too short to be found by
 * `redactSecrets`. When the expression holds a remembered value containing the quoted token,
 * the token is shown as the variable instead.
 */
export function redactExpressionError(message: string, expressionText: string, token: string | undefined): string {
  let out = redactText(message);
  if (!token) return out;
  for (const [form, name] of known) {
    if (form.includes(token) && expressionText.includes(form)) {
      out = out.split(`"${token}"`).join(`"\${${name}}"`);
      break;
    }
  }
  return out;
}
