import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../runtime/observability/logger.ts';
import { forgetSecrets, rememberSecret } from '../../runtime/config/redact.ts';

afterEach(() => forgetSecrets());

it('scrubs every finished log line: environment values, URL credentials, tokens in quoted bodies', () => {
  rememberSecret('ERP_TOKEN', 'log-canary-token-31');
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
  const child = logger.child({ pipeline: 'p' });
  child.warn(
    { reason: 'http erp: POST http://me:log-canary-pass@h/api?api_key=log-canary-key answered 500: {"detail":"Bearer log-canary-token-31 refused","token":"log-canary-issued"}' },
    'transient failure, will retry',
  );
  child.error({ err: new Error('sent log-canary-token-31') }, 'unexpected error');
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    expect(line).not.toMatch(/log-canary/);
    // Still one JSON object per line.
    expect(() => JSON.parse(line) as unknown).not.toThrow();
  }
  const first = JSON.parse(lines[0]!) as { reason: string };
  expect(first.reason).toBe('http erp: POST http://[redacted]@h/api?api_key=[redacted] answered 500: {"detail":"Bearer ${ERP_TOKEN} refused","token":"[redacted]"}');
});
