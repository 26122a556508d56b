import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { KPIS } from '../../../runtime/operations/kpi/definitions.ts';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/operations.md'), 'utf8');

it('docs/operations.md defines every KPI with its breakdown and gauge, and nothing else', () => {
  const section = doc.slice(doc.indexOf('## KPIs'), doc.indexOf('## Exceptions workbench'));
  const rows = [...section.matchAll(/^\| ([^|]+) \| ([a-z]+) \| [^|]+ \| `([a-z_]+)` \|$/gm)].map((m) => [m[1], m[2], m[3]]);
  expect(rows).toEqual(KPIS.map((k) => [k.title, k.by, k.metric]));
});
