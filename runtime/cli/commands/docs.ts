import type { CommandSpec } from '../command.ts';
import { flag } from '../command.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { registry } from '../../components/registry.ts';
import { COMPONENTS_PAGE, componentReference } from '../../docs/reference.ts';
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
    summary: 'Print the component reference (Markdown), or rewrite the generated reference pages',
    usage: 'crossdock docs [--write]',
    details: `Generated from the component registry and the command specs. --write rewrites ${COMPONENTS_PAGE} and ${CLI_PAGE} (run it from the repository root; a test fails when they drift).`,
    options: { write: { type: 'boolean', description: `Rewrite ${COMPONENTS_PAGE} and ${CLI_PAGE}` } },
    async run(args) {
      const pages: [string, string][] = [
        [COMPONENTS_PAGE, componentReference(registry)],
        [CLI_PAGE, cliReference(commands())],
      ];
      if (!flag(args, 'write')) {
        process.stdout.write(pages[0]![1]);
        return 0;
      }
      for (const [file, text] of pages) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      process.stdout.write(`wrote ${pages.map(([f]) => f).join(' and ')}\n`);
      return 0;
    },
  };
}
