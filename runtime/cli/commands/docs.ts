import type { CommandSpec } from '../command.ts';
import { flag } from '../command.ts';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { registry } from '../../components/registry.ts';
import { BEGIN, END, componentReference } from '../../docs/reference.ts';
import { cliReference } from '../reference.ts';

/** The generated command-line page; `crossdock docs --write` keeps it equal to the command specs. */
export const CLI_PAGE = 'docs/cli.md';

/**
 * `commands` is every command the CLI has, this one included: main.ts hands the list in, so
 * this module does not import the modules that list it.
 */
export function docsCommand(commands: () => readonly CommandSpec[]): CommandSpec {
  return {
    name: 'docs',
    summary: 'Print the component reference (Markdown), or update the generated reference pages',
    usage: 'crossdock docs [--write]',
    details: `Generated from the component registry and the command specs. --write replaces the component reference between the markers in README.md and rewrites ${CLI_PAGE}.`,
    options: { write: { type: 'boolean', description: `Update README.md and ${CLI_PAGE} in place` } },
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
      mkdirSync('docs', { recursive: true });
      writeFileSync(CLI_PAGE, cliReference(commands()));
      process.stdout.write(`updated the component reference in README.md and ${CLI_PAGE}\n`);
      return 0;
    },
  };
}
