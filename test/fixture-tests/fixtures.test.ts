/** `crossdock test` output for a failing fixture: says what failed once, where to look. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/runner-process.ts';
import { tempProject } from '../support/project.ts';
import { BASE } from '../compile/broken-cases.ts';

describe('crossdock test', () => {
  it('names a failing output once, not as "output erp: output erp: …" (issue 12)', async () => {
    const p = tempProject({
      ...BASE,
      'pipelines/orders.yaml': (BASE['pipelines/orders.yaml'] as string).replace(`subject: "'erp.orders'"`, 'subject: erp.orders'),
      'pipelines/orders.test.yaml': `pipeline: orders
tests:
  - name: an order
    input: { body: { id: 7, lines: [{ qty: 2, price: 3 }] } }
    expect:
      outputs:
        - subject: erp.orders
`,
    }, { copyMappings: false, copySchemas: false });
    const r = await runCli(['test'], { cwd: p.root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`expected outputs, got a dead letter (output erp: subject expression gave nothing, not a valid subject (a literal subject needs quotes: 'erp.orders'))`);
    expect(r.stdout).not.toContain('output erp: output erp');
  });

  it('runs at the README\'s fixed moment, so a mapping stamping $now() compares whole', async () => {
    const p = tempProject({
      ...BASE,
      'mappings/orders/to-erp.jsonata': `{ "id": $string(id), "stampedAt": $now() }\n`,
      'pipelines/orders.test.yaml': `pipeline: orders
tests:
  - name: an order is stamped with the fixture moment
    input: { body: { id: 7 } }
    expect:
      outputs:
        - subject: erp.orders
          body: { id: "7", stampedAt: "2026-03-02T09:30:00.000Z" }
`,
    }, { copyMappings: false, copySchemas: false });
    const r = await runCli(['test'], { cwd: p.root });
    expect(r.stdout).toContain('1 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('gives lint and test one verdict on a fixture that names no subject for a wildcard input', async () => {
    const p = tempProject({
      ...BASE,
      'pipelines/orders.yaml': (BASE['pipelines/orders.yaml'] as string).replace('subject: channel.orders', 'subject: channel.orders.*'),
      'pipelines/streams.yaml': BASE['pipelines/streams.yaml'] as string,
      'pipelines/orders.test.yaml': `pipeline: orders
tests:
  - name: an order
    input: { body: { id: 7 } }
    expect:
      outputs:
        - subject: erp.orders
`,
    }, { copyMappings: false, copySchemas: false });
    const tested = await runCli(['test'], { cwd: p.root });
    expect(tested.code).toBe(1);
    expect(tested.stdout).toContain('input: give a subject (the pipeline listens on a wildcard)');
    // Lint used to run it on an empty subject and check its outputs as if it had passed.
    const linted = await runCli(['lint'], { cwd: p.root });
    expect(linted.stdout + linted.stderr).toContain("fixture 'an order' cannot be run offline, so its outputs are not checked: input: give a subject (the pipeline listens on a wildcard)");
  });
});
