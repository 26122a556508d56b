/**
 * `crossdock demo` plays a day the runtime owns: its default script and every payload it sends
 * lie under runtime/ (the runtime never reads test/), and the script loads without a problem.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { demoCommand } from '../../runtime/cli/commands/demo.ts';
import { loadDemoScript } from '../../runtime/demo/script.ts';
import { Diagnostics, formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { REPO } from '../support/project.ts';

describe('the demo day', () => {
  const option = demoCommand.options?.script;
  const script = resolve(REPO, String(option && 'default' in option ? option.default : ''));

  it('is read from runtime/, never from test/', () => {
    expect(relative(REPO, script)).toMatch(/^runtime\//);
  });

  it('loads, and every payload it plays lies beside it under runtime/', () => {
    const diags = new Diagnostics();
    const day = loadDemoScript(script, diags);
    expect(diags.sorted().map(formatDiagnostic)).toEqual([]);
    const payloads = (day?.events ?? []).map((e) => ('webhook' in e ? e.webhook.body : 'publish' in e ? e.publish.body : e.file.from));
    expect(payloads.length).toBeGreaterThan(10);
    for (const p of payloads) {
      const abs = join(dirname(script), p);
      expect(relative(REPO, abs), p).toMatch(/^runtime\//);
      expect(existsSync(abs), p).toBe(true);
    }
  });
});
