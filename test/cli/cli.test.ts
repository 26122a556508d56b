/** The command line as people use it: exit codes, messages, help. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/runner-process.ts';
import { tempProject } from '../support/project.ts';
import { BASE } from '../compile/broken-cases.ts';

describe('crossdock CLI', () => {
  it('lint passes on the shipped project and says what it checked', async () => {
    const r = await runCli(['lint']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ pipeline\(s\), \d+ stream\(s\); \d+ expression\(s\), \d+ compiled; 0 error\(s\)/);
  });

  it('lint exits 1 and prints every mistake as file:line:col, and --format json for machines', async () => {
    const p = tempProject({ ...BASE, 'pipelines/orders.yaml': (BASE['pipelines/orders.yaml'] as string).replace('- map: orders/to-erp.jsonata', '- mapp: orders/to-erp.jsonata').replace("id: \"'order:' & id\"", "id: \"'order:' & (id\"") }, { copyMappings: false, copySchemas: false });
    const r = await runCli(['lint'], { cwd: p.root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("pipelines/orders.yaml:9:5: unknown step kind 'mapp' (did you mean 'map'?)");
    expect(r.stdout).toContain('pipelines/orders.yaml:15:26: JSONata S0203: Expected ")" before end of expression');
    const j = await runCli(['lint', '--format', 'json'], { cwd: p.root });
    expect(j.code).toBe(1);
    const report = JSON.parse(j.stdout) as { diagnostics: { file: string; line: number; col: number; code: string }[] };
    expect(report.diagnostics.map((d) => [d.line, d.col, d.code])).toEqual([[9, 5, 'unknown-kind'], [15, 26, 'jsonata-syntax']]);
  });

  it('test runs the fixture tests and ends with the counts', async () => {
    const r = await runCli(['test']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok {4}shopify-orders › a web order with three lines is reserved in full and becomes one SalesOrder for the ERP/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('test exits 1 and shows the difference when an expectation fails', async () => {
    const p = tempProject({
      ...BASE,
      'pipelines/orders.test.yaml': `pipeline: orders
tests:
  - name: totals are summed
    input: { body: { id: 7, lines: [{ qty: 2, price: 3 }] } }
    expect:
      outputs:
        - subject: erp.orders
          id: "order:7"
          body: { id: "7", total: 7 }
`,
    }, { copyMappings: false, copySchemas: false });
    const r = await runCli(['test'], { cwd: p.root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  orders › totals are summed  (pipelines/orders.test.yaml:3)');
    expect(r.stdout).toContain('outputs[0].body.total: expected 7, got 6');
    expect(r.stdout).toContain('0 passed, 1 failed');
  });

  it('run explains how to get nats-server when it is missing', async () => {
    const r = await runCli(['run', '--http', 'off', '--data', '/tmp/crossdock-cli-test'], { env: { CROSSDOCK_NATS_SERVER: '/nonexistent/nats-server', NATS_URL: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot start the embedded NATS server: '/nonexistent/nats-server' was not found");
    expect(r.stderr).toContain('sudo apt-get install nats-server');
    expect(r.stderr).toContain('--nats nats://HOST:4222');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('run refuses to start a broken project, naming the mistakes', async () => {
    const p = tempProject({ ...BASE, 'pipelines/orders.yaml': 'pipeline: orders\n' }, { copyMappings: false, copySchemas: false });
    const r = await runCli(['run', '--http', 'off'], { cwd: p.root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pipelines/orders.yaml:1:1: pipeline: missing required property 'description'");
    expect(r.stderr).toContain('nothing was started');
  });

  it('usage mistakes exit 2 with a pointer to --help; --help prints the options', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const bad = await runCli(['publish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('missing argument: crossdock publish SUBJECT');
    expect(bad.stderr).toContain('crossdock publish --help');
    const wild = await runCli(['publish', 'erp.>', '-'], { input: '{}' });
    expect(wild.code).toBe(2);
    expect(wild.stderr).toContain("cannot publish to 'erp.>'");
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--only NAME');
    expect(help.stdout).toContain('--nats URL');
  });

  it('run refuses a worker count that is not a whole number of processes, naming where it came from', async () => {
    const zero = await runCli(['run', '--workers', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe("crossdock run: --workers: expected a whole number of processes, 1 or more, not '0'\n");
    const env = await runCli(['run'], { env: { CROSSDOCK_WORKERS: 'two' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toBe("crossdock run: CROSSDOCK_WORKERS: expected a whole number of processes, 1 or more, not 'two'\n");
  });

  it('run refuses a CROSSDOCK_VIEWS name that is not a view before starting anything', async () => {
    const r = await runCli(['run'], { env: { CROSSDOCK_VIEWS: 'trace,audits' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crossdock run: CROSSDOCK_VIEWS: 'audits' is not a view (all, none, or a comma list of trace, audit, expectations, workbench)\n");
  });

  it('client commands without a NATS URL say where one comes from', async () => {
    const r = await runCli(['dlq', 'list', '--data', '/tmp/crossdock-no-runner'], { env: { NATS_URL: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no NATS server to talk to: pass --nats');
  });
});
