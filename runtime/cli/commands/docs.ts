import type { CommandSpec } from '../command.ts';
import { flag } from '../command.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { registry } from '../../components/registry.ts';
import { BEGIN, END, componentReference } from '../../docs/reference.ts';

export const docsCommand: CommandSpec = {
  name: 'docs',
  summary: 'Print the component reference (Markdown), or update it in README.md',
  usage: 'crossdock docs [--write]',
  details: 'Generated from the component registry. --write replaces the block between the markers in README.md.',
  options: { write: { type: 'boolean', description: 'Update README.md in place' } },
  async run(args) {
    const text = componentReference(registry);
    if (!flag(args, 'write')) {
      process.stdout.write(text + '\n');
      return 0;
    }
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    if (start < 0 || end < 0) {
      process.stderr.write('crossdock docs: README.md has no generated-reference markers\n');
      return 1;
    }
    writeFileSync('README.md', readme.slice(0, start) + text + readme.slice(end + END.length));
    process.stdout.write('updated the component reference in README.md\n');
    return 0;
  },
};
