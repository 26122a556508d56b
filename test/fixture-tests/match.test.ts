/**
 * Fixture mismatches quote the values they compare. A value that holds a secret from the
 * environment is shown as `${NAME}` even where the quote is cut short: before, the cut came
 * first and left the secret's first part, which no longer matched, in plain text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exactDiff, subsetDiff } from '../../runtime/fixture-tests/match.ts';
import { forgetSecrets, rememberSecret } from '../../runtime/config/redact.ts';

const SECRET = 'canary-5f1e2d3c4b5a69788796a5b4c3d2e1f0-canary';

afterEach(() => forgetSecrets());

describe('fixture mismatch messages', () => {
  it('show a remembered secret as its variable when the quoted value is cut through it', () => {
    rememberSecret('ERP_TOKEN', SECRET);
    // The secret straddles the 80-character cut of the quoted value.
    const actual = { note: `${'x'.repeat(50)} ${SECRET} trailing text that makes it long` };
    const lines = [...exactDiff({ note: 'expected' }, actual), ...subsetDiff({ other: 1 }, { other: actual })];
    expect(lines.length).toBe(2);
    for (const line of lines) {
      expect(line).not.toContain(SECRET.slice(0, 12));
      expect(line).toContain('${ERP_TOKEN}');
    }
  });

  it('still cut long values to 80 characters', () => {
    const [line] = exactDiff('short', 'y'.repeat(200));
    expect(line).toBe(`(body): expected "short", got "${'y'.repeat(76)}...`);
  });
});
