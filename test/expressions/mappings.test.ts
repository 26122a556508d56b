/**
 * The project's own mappings through both engines: each either compiles or says why not, and
 * the Shopify order mapping gives the reference's result on the Shopify fixtures.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../runtime/expressions/jsonata.ts';
import { sameValue } from './same-value.ts';

const root = new URL('../../', import.meta.url).pathname;

function jsonataFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...jsonataFiles(path));
    else if (name.endsWith('.jsonata')) out.push(path);
  }
  return out;
}

describe('project mappings', () => {
  const files = jsonataFiles(join(root, 'mappings'));

  it.each(files.map((f) => [f.slice(root.length)]))('%s compiles, or says why not', (file) => {
    const expression = compileExpression(readFileSync(join(root, file), 'utf8'));
    if (expression.engine === 'reference') expect(expression.fallbackReason).toBeTruthy();
  });

  it('Shopify order to sales order: same result as the reference on the fixture orders', async () => {
    const source = readFileSync(join(root, 'mappings/shopify/order-to-sales-order.jsonata'), 'utf8');
    const compiled = compileExpression(source, { strictCompile: true });
    const fixtures = [join(root, 'test/fixtures/shopify/order.json'), join(root, 'test/fixtures/shopify/orders.json')];
    for (const fixture of fixtures) {
      const data = JSON.parse(readFileSync(fixture, 'utf8')) as { orders?: unknown[] };
      const inputs = Array.isArray(data.orders) ? data.orders : [data];
      for (const input of inputs) {
        const expected = await jsonata(source).evaluate(structuredClone(input));
        expect(sameValue(compiled.evaluate(structuredClone(input)), expected, true)).toBe(true);
      }
    }
  });
});
