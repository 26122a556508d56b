/** The component reference (docs/components.md) is generated from the registry and must match it; the README points to it. */
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry } from '../../runtime/components/registry.ts';
import { COMPONENTS_PAGE, componentReference } from '../../runtime/docs/reference.ts';
import { REPO } from '../support/project.ts';

it('docs/components.md is the current component reference (run `npx crossdock docs --write`), and the README links it', () => {
  const page = readFileSync(join(REPO, COMPONENTS_PAGE), 'utf8');
  expect(page).toBe(componentReference(registry));
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const pointer = readme.slice(readme.indexOf('### Component reference'), readme.indexOf('\n## ', readme.indexOf('### Component reference')));
  expect(pointer).toContain(`[\`${COMPONENTS_PAGE}\`](${COMPONENTS_PAGE})`);
  for (const kind of [...registry.inputs.keys(), ...registry.steps.keys(), ...registry.outputs.keys()]) {
    expect(page).toContain(`\`${kind}\``);
  }
});

it('README.md names the two set-up commands and the test command CI runs', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toContain('npm ci && npm test');
  const ci = readFileSync(join(REPO, '.ci/run'), 'utf8');
  expect(ci).toMatch(/^npm test$/m);
});

it('the component reference documents nested options (the http input HMAC header, secret and encoding)', () => {
  const reference = componentReference(registry);
  for (const row of ['| `auth.hmac.header` | string | required |', '| `auth.hmac.secret` | string | required |', '| `auth.hmac.encoding` | `base64` \\| `hex` | `"base64"` |', '| `auth.apiKey.keys` |', '| `sender.id` |']) {
    expect(reference).toContain(row);
  }
  // A oneOf form's key is the form's name, not a required field.
  expect(reference).toContain('| `auth.hmac` | `{ header, secret, encoding }` |  |');
});

it('the reference does not say fixture tests cannot run atp (they do, on an in-memory view)', () => {
  // pipelines/orders/shopify-orders.test.yaml runs its atp and reserve steps offline.
  expect(componentReference(registry)).not.toMatch(/fixture tests cannot/);
  expect(componentReference(registry)).toContain('fixture tests run it offline on an in-memory view');
});
