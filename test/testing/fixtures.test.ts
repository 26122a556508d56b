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
});
