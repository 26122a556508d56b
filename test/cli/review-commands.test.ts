/** lint, plan, graph and map as people run them: exit codes, messages, files written. */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCli } from '../support/runner-process.ts';
import { removeProjects, writeProject } from '../lint/helpers.ts';
import { BASE as LINT_BASE } from '../lint/cases.ts';
import { BASE as PLAN_BASE } from '../review/plan-cases.ts';
import { commit, removeRepos, repoWith } from '../review/git-repo.ts';

afterAll(() => {
  removeProjects();
  removeRepos();
});

const MAPPING = `{
  "order": $string(number),
  "lines": [items.{ "sku": code, "quantity": qty }]
}
`;
const LINE_SCHEMA = `{ "type": "object", "properties": { "lines": { "type": "array", "items": { "type": "object", "properties": { "sku": { "type": "string" } }, "required": ["sku"] } } } }\n`;

/**
 * The command run in this process (the CLI's own dispatcher, output captured): most cases
 * need no child process, which keeps the suite quick on a small machine.
 */
async function cli(args: string[], options: { cwd: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../runtime/cli/main.ts');
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const errs = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  const cwd = process.cwd();
  process.chdir(options.cwd);
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    process.chdir(cwd);
    out.mockRestore();
    errs.mockRestore();
  }
}

function playground(): string {
  return writeProject({
    'pipelines/.keep': '',
    'mappings/web/order.jsonata': MAPPING,
    'schemas/erp/lines.schema.json': LINE_SCHEMA,
    'order.json': '{ "number": 7, "items": [{ "code": "A-1", "qty": 2 }] }\n',
  }, 'map');
}

describe('crossdock lint', () => {
  it('--format json carries the rule codes, exit 1 on an error', async () => {
    const root = writeProject({ ...LINT_BASE, 'mappings/orders/to-erp.jsonata': (LINT_BASE['mappings/orders/to-erp.jsonata'] as string).replace('"sku": sku', '"sku": sku_code') });
    const r = await cli(['lint', '--format', 'json'], { cwd: root });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { diagnostics: { file: string; line: number; col: number; code: string; severity: string }[]; fixtures: { run: number } };
    expect(report.diagnostics.map((d) => [d.file, d.line, d.col, d.code, d.severity])).toEqual([['mappings/orders/to-erp.jsonata', 5, 5, 'mapping-shape', 'error']]);
    expect(report.fixtures.run).toBe(1);
    const text = await cli(['lint'], { cwd: root });
    expect(text.stdout).toContain("mappings/orders/to-erp.jsonata:5:5: map orders/to-erp.jsonata: result does not match erp/order.schema.json: /lines/0/sku: is required");
    expect(text.stdout.trim().split('\n').at(-1)).toBe('1 pipeline(s), 3 stream(s); 3 expression(s), 3 compiled; 1 error(s), 0 warning(s); 1 fixture(s) run');
  });
});

describe('crossdock plan', () => {
  it('prints the Markdown and exits 2 on a breaking change, 0 otherwise', async () => {
    const root = repoWith(PLAN_BASE);
    commit(root, { 'pipelines/orders.yaml': (PLAN_BASE['pipelines/orders.yaml'] as string).replace('durable: orders', 'durable: orders-v2') });
    const r = await runCli(['plan', '--base', 'HEAD~1'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^## Crossdock plan: `[0-9a-f]+` → working tree\n\n⛔ \*\*1 breaking change\*\*/);
    const same = await cli(['plan', '--base', 'HEAD'], { cwd: root });
    expect(same.code).toBe(0);
    const json = await cli(['plan', '--base', 'HEAD~1', '--format', 'json'], { cwd: root });
    expect((JSON.parse(json.stdout) as { findings: { kind: string }[] }).findings.map((f) => f.kind)).toEqual(['durable-renamed']);
  });

  it('an unknown base is an error (exit 1), named', async () => {
    const root = repoWith(PLAN_BASE);
    const r = await cli(['plan', '--base', 'nope'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("crossdock plan: no revision 'nope' in this repository: give a branch, tag or commit id that exists (git branch -a lists branches)\n");
  });

  it('a command-line mistake exits 1, never 2 (which a CI job reads as "breaking")', async () => {
    const root = repoWith(PLAN_BASE);
    const r = await cli(['plan', '--format', 'yaml', '--nonsense'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^crossdock plan: .*nonsense.*\nRun `crossdock plan --help` for usage\.\n$/s);
    const lint = await cli(['lint', '--nonsense'], { cwd: root });
    expect(lint.code).toBe(2);
  });
});

describe('crossdock graph', () => {
  it('writes Mermaid, SVG and HTML; --only names an unknown pipeline as an error', async () => {
    const root = writeProject(LINT_BASE);
    const m = await cli(['graph'], { cwd: root });
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('[["orders"]]:::pipeline');
    const md = await cli(['graph', '--format', 'markdown'], { cwd: root });
    expect(md.stdout.startsWith('```mermaid\nflowchart LR\n')).toBe(true);
    const html = await cli(['graph', '--format', 'html', '--out', 'flow.html'], { cwd: root });
    expect(html.code).toBe(0);
    expect(html.stderr).toMatch(/^wrote flow\.html \(\d+ nodes, \d+ edges\)/);
    expect(readFileSync(join(root, 'flow.html'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(root, 'flow.html'), 'utf8')).toContain('data-pipeline="orders"');
    const svg = await cli(['graph', '--format', 'svg'], { cwd: root });
    expect(svg.code).toBe(0);
    expect(svg.stdout.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.stdout.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.stdout).toMatch(/<g class="node" data-kind="pipeline" data-id="pipeline:orders" data-pipeline="orders">/);
    expect(svg.stdout).toMatch(/<g class="edge" data-edge="subject:channel\.orders-&gt;pipeline:orders" data-pipeline="orders" data-subject="channel\.orders">/);
    const bad = await cli(['graph', '--only', 'nope'], { cwd: root });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("no compiled pipeline named 'nope' (known: orders)");
  });
});

describe('crossdock map', () => {
  it('evaluates a mapping named as a pipeline names it, on a JSON file', async () => {
    const root = playground();
    const r = await cli(['map', 'web/order.jsonata', 'order.json'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ order: '7', lines: [{ sku: 'A-1', quantity: 2 }] });
  });

  it('places a mapping mistake inside the .jsonata file, and an input mistake inside the JSON file', async () => {
    const root = playground();
    writeFileSync(join(root, 'mappings/web/order.jsonata'), MAPPING.replace('"quantity": qty', '"quantity": qty *'));
    const syntax = await cli(['map', 'mappings/web/order.jsonata', 'order.json'], { cwd: root });
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toBe('mappings/web/order.jsonata:3:52: JSONata S0211: The symbol "}" cannot be used as a unary operator\n');
    writeFileSync(join(root, 'mappings/web/order.jsonata'), MAPPING.replace('$string(number)', '$number(code)').replace('"order"', '"n"').replace('items.', '$substring(items, 1).'));
    const runtime = await cli(['map', 'web/order.jsonata', 'order.json'], { cwd: root });
    expect(runtime.code).toBe(1);
    expect(runtime.stderr).toMatch(/^mappings\/web\/order\.jsonata:3:\d+: JSONata T0410: /);
    writeFileSync(join(root, 'bad.json'), '{\n  "number": 7,\n  "items": [{ "code": "A-1", }]\n}\n');
    const input = await cli(['map', 'web/order.jsonata', 'bad.json'], { cwd: root });
    expect(input.code).toBe(1);
    expect(input.stderr).toBe('bad.json:3:28: input is not JSON: a comma before } (trailing commas are not allowed)\n');
  });

  it('--schema checks the result as a validate step would, pointing at the key that builds the bad field', async () => {
    const root = playground();
    writeFileSync(join(root, 'mappings/web/order.jsonata'), MAPPING.replace('"sku": code', '"sku": sku'));
    const r = await cli(['map', 'web/order.jsonata', 'order.json', '--schema', 'erp/lines.schema.json'], { cwd: root });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ order: '7', lines: [{ quantity: 2 }] });
    expect(r.stderr).toBe('mappings/web/order.jsonata:3:21: the result does not match erp/lines.schema.json: /lines/0/sku: is required\n');
  });

  it('--watch runs again when the mapping is saved, until Ctrl-C', async () => {
    const root = playground();
    const child = spawn(process.execPath, [BIN, 'map', 'web/order.jsonata', 'order.json', '--watch'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const until = async (test: () => boolean): Promise<void> => {
      while (!test()) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      await until(() => err.includes('watching'));
      expect(JSON.parse(out)).toEqual({ order: '7', lines: [{ sku: 'A-1', quantity: 2 }] });
      writeFileSync(join(root, 'mappings/web/order.jsonata'), '{ "n": number + 1 }\n');
      await until(() => out.includes('"n": 8'));
      expect(err).toContain('mappings/web/order.jsonata changed');
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
