import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecrets, redactBody, redactHeader, redactExpressionError, redactSecrets, redactText, redactUrl, rememberSecret } from '../../runtime/config/redact.ts';
import { substituteEnv } from '../../runtime/config/env.ts';
import { Diagnostics } from '../../runtime/config/diagnostics.ts';

afterEach(() => forgetSecrets());

describe('redactUrl', () => {
  it('hides userinfo and credential query parameters, keeping host, path and other parameters', () => {
    expect(redactUrl('http://user:pa%40ss@erp.example.com:8443/api/orders?page=2&api_key=k123&Access_Token=t#frag')).toBe(
      'http://[redacted]@erp.example.com:8443/api/orders?page=2&api_key=[redacted]&Access_Token=[redacted]#frag',
    );
    expect(redactUrl('https://h/x?key=1&apiKey=2&x-amz-signature=3&sig=4&client_secret=5&password=6&monkey=7')).toBe(
      'https://h/x?key=[redacted]&apiKey=[redacted]&x-amz-signature=[redacted]&sig=[redacted]&client_secret=[redacted]&password=[redacted]&monkey=7',
    );
    expect(redactUrl('nats://svc:pw@nats-1:4222')).toBe('nats://[redacted]@nats-1:4222');
    expect(redactUrl('http://erp.example.com/path?q=1')).toBe('http://erp.example.com/path?q=1');
    expect(redactUrl('not a url')).toBe('not a url');
  });

  it('keeps a ${NAME} placeholder, which names the variable and holds no secret', () => {
    expect(redactUrl('https://h/x?api_key=${ERP_API_KEY}')).toBe('https://h/x?api_key=${ERP_API_KEY}');
  });
});

describe('redactText', () => {
  it('redacts URLs inside text and inside JSON log lines', () => {
    expect(redactText('POST http://u:p@h/api?token=abc failed: ECONNREFUSED')).toBe('POST http://[redacted]@h/api?token=[redacted] failed: ECONNREFUSED');
    const line = JSON.stringify({ msg: 'x', reason: 'GET https://h/?apikey=zzz answered 500' });
    expect(JSON.parse(redactText(line))).toEqual({ msg: 'x', reason: 'GET https://h/?apikey=[redacted] answered 500' });
  });

  it('redacts bearer tokens, credential JSON fields and form pairs', () => {
    expect(redactText('Authorization: Bearer eyJhbGciOi.abc-123')).toBe('Authorization: Bearer [redacted]');
    expect(redactText('{"error":"denied","access_token":"tk\\"1","clientSecret":"s","apiKey":"k","key":"ORDER-1"}')).toBe(
      '{"error":"denied","access_token":"[redacted]","clientSecret":"[redacted]","apiKey":"[redacted]","key":"ORDER-1"}',
    );
    expect(redactText('grant_type=x&client_secret=s3&api_key=k9; password=hunter2, tokens=5')).toBe('grant_type=x&client_secret=[redacted]&api_key=[redacted]; password=[redacted], tokens=5');
    expect(redactText('Authorization: Basic dXNlcjpwYXNz')).toBe('Authorization: Basic [redacted]');
    expect(redactText('Basic authentication is required')).toBe('Basic authentication is required');
  });

  it('redacts a JSON body quoted inside a JSON log line (escaped quotes)', () => {
    const body = '{"token":"abc\\"def","ok":1}';
    const line = JSON.stringify({ reason: `answered 401: ${body}` });
    const out = redactText(line);
    expect(out).not.toContain('abc');
    expect(out).not.toContain('def');
    expect(JSON.parse(out)).toEqual({ reason: 'answered 401: {"token":"[redacted]","ok":1}' });
  });

  it('shows remembered environment values as ${NAME}, also JSON-escaped and URL-encoded', () => {
    rememberSecret('ERP_TOKEN', 's3cr"et/value');
    expect(redactSecrets('sent s3cr"et/value')).toBe('sent ${ERP_TOKEN}');
    expect(redactText(JSON.stringify({ v: 'x s3cr"et/value y' }))).toBe('{"v":"x ${ERP_TOKEN} y"}');
    expect(redactText(`q=${encodeURIComponent('s3cr"et/value')}`)).toBe('q=${ERP_TOKEN}');
    // The placeholder survives the pattern pass: it tells the reader which variable it was.
    expect(redactText('Authorization: Bearer s3cr"et/value')).toBe('Authorization: Bearer ${ERP_TOKEN}');
  });

  it('replaces short values only as whole words and ignores trivial values', () => {
    rememberSecret('ENV', 'prod');
    rememberSecret('PORT', '8080');
    rememberSecret('ON', 'true');
    rememberSecret('X', 'abc');
    expect(redactSecrets('prod product 8080 true abc')).toBe('${ENV} product 8080 true abc');
  });

  it('prefers the longest value when one contains another', () => {
    rememberSecret('HOST', 'erp.example.com');
    rememberSecret('ERP_URL', 'https://erp.example.com/');
    expect(redactSecrets('GET https://erp.example.com/api and erp.example.com')).toBe('GET ${ERP_URL}api and ${HOST}');
  });
});

describe('redactHeader', () => {
  it('hides the whole value of a header named like a credential, whatever the value looks like', () => {
    for (const name of ['Authorization', 'proxy-authorization', 'X-Api-Key', 'x-auth-token', 'Cookie', 'Set-Cookie', 'X-Auth', 'X-Session-Id', 'X-Client-Secret', 'X-Shopify-Access-Token']) {
      expect(redactHeader(name, 'plainvalue123')).toBe('[redacted]');
    }
  });

  it('passes other headers through redactText, and keeps Crossdock\'s own and ${NAME} placeholders', () => {
    expect(redactHeader('X-Partner', 'acme')).toBe('acme');
    expect(redactHeader('Crossdock-Reason', 'GET https://h/?token=abc answered 500')).toBe('GET https://h/?token=[redacted] answered 500');
    expect(redactHeader('Crossdock-Source-Key', 'order:1001')).toBe('order:1001');
    expect(redactHeader('Idempotency-Key', '${IDEM}')).toBe('${IDEM}');
  });
});

describe('redactBody', () => {
  it('redacts before cutting, so a credential at the cut is not half shown', () => {
    const body = 'x'.repeat(490) + ' Bearer abcdefghijklmnopqrstuvwxyz';
    const out = redactBody(body, 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out).not.toMatch(/abcdefgh/);
    expect(redactBody('short')).toBe('short');
  });
});

describe('env and diagnostics', () => {
  it('remembers every value substituted from the environment, but not defaults', () => {
    substituteEnv('${A_TOKEN}/${B:-default-value}', (n) => (n === 'A_TOKEN' ? 'token-from-env' : undefined));
    expect(redactSecrets('token-from-env default-value')).toBe('${A_TOKEN} default-value');
  });

  it('diagnostics never carry a remembered value', () => {
    substituteEnv('${PARTNER_ID}', () => 'partner-id-value');
    const diags = new Diagnostics();
    diags.error('p.yaml', { line: 1, col: 1 }, 'x', "unknown subject 'in.partner-id-value.orders'");
    expect(diags.items[0]?.message).toBe("unknown subject 'in.${PARTNER_ID}.orders'");
  });

  it('a JSONata error quoting only a piece of a value shows the variable instead', () => {
    rememberSecret('STATUS', 'shipped zq81xv');
    expect(redactExpressionError('JSONata S0201: Syntax error: "zq81xv"', 'status = shipped zq81xv', 'zq81xv')).toBe('JSONata S0201: Syntax error: "${STATUS}"');
    // The same token in an expression that holds no remembered value is the user's own text.
    expect(redactExpressionError('JSONata S0201: Syntax error: "zq81xv"', 'status = zq81xv', 'zq81xv')).toBe('JSONata S0201: Syntax error: "zq81xv"');
  });
});
