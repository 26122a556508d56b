/** docs/cli.md is generated from the command specs and must match them (run `npx crossdock docs --write`). */
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../../runtime/cli/main.ts';
import { cliReference } from '../../runtime/cli/reference.ts';
import { CLI_PAGE } from '../../runtime/cli/commands/docs.ts';
import { INLINE_BUDGET_MS } from '../../runtime/expressions/jsonata.ts';
import { REPO } from '../support/project.ts';

const page = readFileSync(join(REPO, CLI_PAGE), 'utf8');

it('docs/cli.md is the reference generated from the command specs', () => {
  expect(page).toBe(cliReference(commands));
});

it('documents every command and every option of each', () => {
  for (const c of commands) {
    const section = page.slice(page.indexOf(`## crossdock ${c.name}\n`));
    expect(section.length).toBeLessThan(page.length);
    for (const name of Object.keys(c.options)) expect(section).toContain(`\`--${name}`);
  }
});

it('states the inline expression budget the sandbox uses (the help once said 20 ms while it was 10)', () => {
  expect(page).toContain(`past ${INLINE_BUDGET_MS} ms it runs in a worker thread`);
});
