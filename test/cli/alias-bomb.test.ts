/**
 * A pipeline file that is a YAML alias bomb ("billion laughs"): every command that loads the
 * project reports it as one diagnostic at the alias, exits 1, and prints no stack trace.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/runner-process.ts';
import { tempProject } from '../support/project.ts';
import { BASE } from '../compile/broken-cases.ts';

/** Nine levels, each nine aliases of the one before: 9^9 values if expanded. */
function bomb(): string {
  const names = 'abcdefghi';
  const lines = ['pipeline: laughs', 'description: An alias bomb.', 'owner: team', 'a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

const project = tempProject({ ...BASE, 'pipelines/laughs.yaml': bomb() }, { copyMappings: false, copySchemas: false });
// `d: &d [*c, ...]`: *c already stands for 10 × 10 values, so its first use crosses the limit of 100.
const AT = 'pipelines/laughs.yaml:7:8: YAML alias *c:';

describe('a YAML alias bomb in a pipeline file', () => {
  for (const command of [['lint'], ['test'], ['graph'], ['run', '--nats', 'nats://127.0.0.1:1']]) {
    it(`crossdock ${command[0]}: exits 1 with file:line:col at the alias, and no stack trace`, async () => {
      const r = await runCli(command, { cwd: project.root });
      const output = r.stdout + r.stderr;
      expect(r.code, output).toBe(1);
      expect(output).toContain(AT);
      expect(output).toContain('alias bomb');
      expect(output).not.toContain('    at ');
      expect(output).not.toContain('ReferenceError');
    });
  }
});
