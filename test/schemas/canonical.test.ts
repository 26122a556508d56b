/**
 * The canonical business objects in schemas/canonical/: each compiles with the project's own
 * loader, accepts its valid examples, rejects each invalid example for the one reason it was
 * written for (field and message as a pipeline's dead letter would show them), and follows the
 * house conventions (title, versioned description, schemaVersion, closed objects).
 *
 * Examples live in test/fixtures/canonical/<object>/{valid,invalid}/, where <object> is the
 * schema's file name without `.schema.json`.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaCatalog } from '../../runtime/compile/schemas.ts';
import type { SchemaValidator, ValidationProblem } from '../../runtime/components/schema-validator.ts';
import { REPO } from '../support/project.ts';

const SCHEMAS = join(REPO, 'schemas');
const CANONICAL = join(SCHEMAS, 'canonical');
const FIXTURES = join(REPO, 'test', 'fixtures', 'canonical');

/** Objects that must have examples here (SalesOrder is covered by the Shopify pipeline's tests). */
const OBJECTS = ['item', 'purchase-order', 'purchase-order-ack', 'asn', 'shipment', 'invoice', 'return-authorization', 'warehouse-release'];

/** Schemas only ever `$ref`'d from objects, never a message of their own: no version, no schemaVersion. */
const FRAGMENTS = new Set(['address.schema.json']);

/** Definitions copied into several schemas (one file per object, no shared file): they must stay identical. */
const SHARED_DEFINITIONS = ['unit', 'party', 'weight', 'dimensions', 'terms', 'carrier'];

/** Why each invalid example must fail: the one problem the loader reports for it. */
const EXPECTED: Record<string, ValidationProblem> = {
  'item/missing-sku.json': { field: '/sku', message: 'is required' },
  'item/gtin-with-letters.json': { field: '/gtin', message: 'must match pattern "^([0-9]{8}|[0-9]{12,14})$"' },
  'item/pack-without-base-units.json': { field: '/packs/1/baseUnits', message: 'is required' },
  'item/unknown-status.json': { field: '/status', message: 'must be one of: "pending", "active", "discontinued", "inactive"' },
  'item/weight-in-pounds-spelled-out.json': { field: '/weight/unit', message: 'must be one of: "LB", "KG", "OZ", "GR"' },
  'item/price-on-the-item.json': { field: '/unitPrice', message: 'is not allowed (unknown property)' },

  'purchase-order/missing-po-number.json': { field: '/poNumber', message: 'is required' },
  'purchase-order/zero-quantity.json': { field: '/lines/2/quantity', message: 'must be > 0' },
  'purchase-order/lowercase-currency.json': { field: '/currency', message: 'must match pattern "^[A-Z]{3}$"' },
  'purchase-order/x12-date-not-iso.json': { field: '/orderDate', message: 'must match format "date"' },
  'purchase-order/no-lines.json': { field: '/lines', message: 'must NOT have fewer than 1 items' },
  'purchase-order/schema-version-2.json': { field: '/schemaVersion', message: 'must be 1' },
  'purchase-order/supplier-without-id.json': { field: '/supplier/id', message: 'is required' },
  'purchase-order/price-as-string.json': { field: '/lines/0/unitPrice', message: 'must be number' },

  'purchase-order-ack/missing-ack-type.json': { field: '/ackType', message: 'is required' },
  'purchase-order-ack/x12-code-as-ack-type.json': { field: '/ackType', message: 'must be one of: "accepted", "accepted-with-changes", "rejected"' },
  'purchase-order-ack/line-without-acknowledgments.json': { field: '/lines/0/acknowledgments', message: 'must NOT have fewer than 1 items' },
  'purchase-order-ack/unknown-disposition.json': {
    field: '/lines/0/acknowledgments/1/disposition',
    message: 'must be one of: "accepted", "changed", "backordered", "on-hold", "rejected"',
  },
  'purchase-order-ack/promised-date-with-time.json': { field: '/lines/2/acknowledgments/0/promisedDate', message: 'must match format "date"' },
  // No sku, supplierPartNumber or gtin: the loader names the first of the alternatives.
  'purchase-order-ack/line-without-item-id.json': { field: '/lines/1/sku', message: 'is required' },
  'purchase-order-ack/acknowledgment-without-unit.json': { field: '/lines/3/acknowledgments/0/unit', message: 'is required' },

  'asn/missing-ship-date.json': { field: '/shipDate', message: 'is required' },
  'asn/missing-ship-to.json': { field: '/shipTo', message: 'is required' },
  // MAN*GM as some senders write it, with the (00) application identifier: 20 digits, not 18.
  'asn/sscc-with-application-identifier.json': { field: '/orders/0/packs/2/sscc', message: 'must match pattern "^[0-9]{18}$"' },
  'asn/order-without-packs-or-items.json': { field: '/orders/0/packs', message: 'is required' },
  'asn/item-without-identifier.json': { field: '/orders/1/packs/0/items/0/sku', message: 'is required' },
  'asn/scac-in-lowercase.json': { field: '/carrier/scac', message: 'must match pattern "^[A-Z]{2,4}$"' },
  'asn/zero-quantity-shipped.json': { field: '/orders/0/packs/1/items/1/quantity', message: 'must be > 0' },

  'shipment/missing-shipped-at.json': { field: '/shippedAt', message: 'is required' },
  'shipment/shipped-at-without-time-zone.json': { field: '/shippedAt', message: 'must match format "date-time"' },
  'shipment/negative-backorder.json': { field: '/lines/1/quantityBackordered', message: 'must be >= 0' },
  'shipment/channel-in-capitals.json': { field: '/channel', message: 'must match pattern "^[a-z0-9-]+$"' },
  'shipment/tracking-number-not-a-list.json': { field: '/trackingNumbers', message: 'must be array' },
  'shipment/line-without-sku.json': { field: '/lines/2/sku', message: 'is required' },

  'invoice/missing-invoice-number.json': { field: '/invoiceNumber', message: 'is required' },
  'invoice/missing-currency.json': { field: '/currency', message: 'is required' },
  'invoice/charge-type-discount.json': { field: '/charges/0/type', message: 'must be one of: "charge", "allowance"' },
  'invoice/negative-allowance.json': { field: '/charges/0/amount', message: 'must be >= 0' },
  'invoice/total-as-string.json': { field: '/totals/total', message: 'must be number' },
  // X12 TDS01 is in cents; the canonical total is a decimal amount and there is no cents field.
  'invoice/total-in-cents-field.json': { field: '/totals/cents', message: 'is not allowed (unknown property)' },
  'invoice/line-without-amount.json': { field: '/lines/1/amount', message: 'is required' },

  'return-authorization/missing-rma-number.json': { field: '/rmaNumber', message: 'is required' },
  'return-authorization/original-order-without-number.json': { field: '/originalOrder/orderNumber', message: 'is required' },
  'return-authorization/unknown-disposition.json': { field: '/lines/0/disposition', message: 'must be one of: "restock", "scrap", "return-to-vendor"' },
  'return-authorization/refund-without-currency.json': { field: '', message: 'must have property currency when property requestedRefund is present' },
  'return-authorization/line-without-reason.json': { field: '/lines/1/reasonCode', message: 'is required' },
  'return-authorization/zero-quantity.json': { field: '/lines/0/quantity', message: 'must be > 0' },

  // Released before the ERP posted it: without its ERP number the release cannot be told apart.
  'warehouse-release/not-yet-posted.json': { field: '/erpOrderNumber', message: 'is required' },
  'warehouse-release/zero-quantity-released.json': { field: '/lines/1/quantity', message: 'must be > 0' },
  // The location is a subject token (erp.out.releases.<location>, wms.orders.<location>).
  'warehouse-release/location-with-space.json': { field: '/location', message: 'must match pattern "^[A-Za-z0-9][A-Za-z0-9_-]*$"' },
  'warehouse-release/released-at-without-time.json': { field: '/releasedAt', message: 'must match format "date-time"' },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaNode = Record<string, unknown>;

const catalog = new SchemaCatalog(SCHEMAS);

function validatorFor(object: string): SchemaValidator {
  const got = catalog.get(`canonical/${object}.schema.json`);
  if (!('validate' in got)) throw new Error(`canonical/${object}.schema.json: ${got.message}`);
  return got;
}

function examples(object: string, kind: 'valid' | 'invalid'): string[] {
  const dir = join(FIXTURES, object, kind);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
}

function readExample(object: string, kind: 'valid' | 'invalid', file: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, object, kind, file), 'utf8')) as Json;
}

function readSchema(file: string): SchemaNode {
  return JSON.parse(readFileSync(join(CANONICAL, file), 'utf8')) as SchemaNode;
}

const schemaFiles = readdirSync(CANONICAL).filter((f) => f.endsWith('.schema.json')).sort();
const objectSchemaFiles = schemaFiles.filter((f) => !FRAGMENTS.has(f));

describe('canonical examples', () => {
  it('has a fixture folder for every object and a schema for every fixture folder', () => {
    const folders = readdirSync(FIXTURES).sort();
    expect(folders).toEqual(expect.arrayContaining(OBJECTS));
    for (const folder of folders) expect(schemaFiles, `test/fixtures/canonical/${folder}`).toContain(`${folder}.schema.json`);
  });

  it('has an expectation for every invalid example, and an example for every expectation', () => {
    const files = readdirSync(FIXTURES).flatMap((object) => examples(object, 'invalid').map((f) => `${object}/${f}`));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const object of OBJECTS) {
    describe(object, () => {
      it(`compiles with SchemaCatalog and has at least two valid and three invalid examples`, () => {
        expect(validatorFor(object).file).toBe(`canonical/${object}.schema.json`);
        expect(examples(object, 'valid').length).toBeGreaterThanOrEqual(2);
        expect(examples(object, 'invalid').length).toBeGreaterThanOrEqual(3);
      });

      for (const file of examples(object, 'valid')) {
        it(`accepts valid/${file}`, () => {
          const doc = readExample(object, 'valid', file);
          expect(validatorFor(object).validate(doc)).toBeUndefined();
          expect((doc as Record<string, Json>).schemaVersion).toBe(1);
        });
      }

      for (const file of examples(object, 'invalid')) {
        const expected = EXPECTED[`${object}/${file}`];
        it(`rejects invalid/${file}: ${expected ? `${expected.field || '(document)'} ${expected.message}` : 'no expectation written'}`, () => {
          expect(expected, `write the expected field and message for ${object}/${file} in EXPECTED`).toBeDefined();
          // Exactly one problem: each invalid example is broken in one way only.
          expect(validatorFor(object).validate(readExample(object, 'invalid', file))).toEqual([expected]);
        });
      }

      it('uses every field it declares in at least one valid example', () => {
        const schema = readSchema(`${object}.schema.json`);
        const declared = declaredFields(schema);
        const used = new Set<string>();
        for (const file of examples(object, 'valid')) usedFields(schema, schema, readExample(object, 'valid', file), '#', '', used);
        expect([...declared].filter((f) => !used.has(f))).toEqual([]);
      });
    });
  }
});

describe('canonical schema conventions', () => {
  for (const file of objectSchemaFiles) {
    it(`${file} declares a title, a versioned description, schemaVersion and a closed top level`, () => {
      const schema = readSchema(file);
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(typeof schema.title === 'string' && schema.title.length > 0, `${file}: title`).toBe(true);
      expect(schema.type).toBe('object');
      const version = /Version (\d+)\.$/.exec(String(schema.description))?.[1];
      expect(version, `${file}: the description must end with "Version N."`).toBeDefined();
      const properties = schema.properties as Record<string, SchemaNode>;
      expect(properties.schemaVersion?.const).toBe(Number(version));
      expect(schema.required).toContain('schemaVersion');
      expect(schema.additionalProperties).toBe(false);
    });
  }

  for (const file of schemaFiles) {
    it(`${file} closes every object it describes (additionalProperties: false) and compiles`, () => {
      const open: string[] = [];
      walkSchema(readSchema(file), '', (node, at) => {
        if (node.properties && node.additionalProperties !== false) open.push(at || '(top)');
      });
      expect(open).toEqual([]);
      expect('validate' in catalog.get(`canonical/${file}`)).toBe(true);
    });
  }

  it('keeps each definition that several schemas copy identical in all of them', () => {
    for (const name of SHARED_DEFINITIONS) {
      const copies = schemaFiles
        .map((file) => [file, (readSchema(file).definitions as Record<string, unknown> | undefined)?.[name]] as const)
        .filter(([, definition]) => definition !== undefined);
      expect(copies.length, `definitions/${name}`).toBeGreaterThan(1);
      const [firstFile, first] = copies[0]!;
      for (const [other, definition] of copies.slice(1)) expect(definition, `definitions/${name} in ${other} differs from ${firstFile}`).toEqual(first);
    }
  });

  it('lists every object with its version in schemas/canonical/README.md', () => {
    const readme = readFileSync(join(CANONICAL, 'README.md'), 'utf8');
    for (const file of ['sales-order.schema.json', ...OBJECTS.map((o) => `${o}.schema.json`)]) {
      const schema = readSchema(file);
      const version = /Version (\d+)\.$/.exec(String(schema.description))?.[1];
      const row = readme.split('\n').find((line) => line.startsWith('|') && line.includes(`(${file})`));
      expect(row, `README row for ${file}`).toBeDefined();
      expect(row!.split('|')[2]?.trim(), `README version of ${file}`).toBe(version);
      expect(row).toContain(String(schema.title));
    }
  });
});

describe('valid examples add up (the schema cannot check sums; the three-way match does)', () => {
  const cents = (n: number): number => Math.round(n * 100);

  for (const file of examples('invoice', 'valid')) {
    it(`invoice ${file}: line amounts and totals`, () => {
      const doc = readExample('invoice', 'valid', file) as {
        lines: { quantity: number; unitPrice: number; amount: number }[];
        charges?: { type: string; amount: number }[];
        totals: { lines?: number; charges?: number; allowances?: number; tax?: number; total: number };
      };
      for (const line of doc.lines) expect(cents(line.amount)).toBe(cents(line.quantity * line.unitPrice));
      const lines = doc.lines.reduce((s, l) => s + cents(l.amount), 0);
      const charges = (doc.charges ?? []).filter((c) => c.type === 'charge').reduce((s, c) => s + cents(c.amount), 0);
      const allowances = (doc.charges ?? []).filter((c) => c.type === 'allowance').reduce((s, c) => s + cents(c.amount), 0);
      expect(cents(doc.totals.lines ?? 0)).toBe(lines);
      expect(cents(doc.totals.charges ?? 0)).toBe(charges);
      expect(cents(doc.totals.allowances ?? 0)).toBe(allowances);
      expect(cents(doc.totals.total)).toBe(lines + charges - allowances + cents(doc.totals.tax ?? 0));
    });
  }

  for (const file of examples('purchase-order', 'valid')) {
    it(`purchase order ${file}: totals`, () => {
      const doc = readExample('purchase-order', 'valid', file) as { lines: { quantity: number; unitPrice: number }[]; totals?: { lines?: number } };
      const lines = doc.lines.reduce((s, l) => s + cents(l.quantity * l.unitPrice), 0);
      expect(cents(doc.totals?.lines ?? 0)).toBe(lines);
    });
  }
});

// --- schema walking ---------------------------------------------------------------------------

/** Calls `visit` for every subschema, with a readable location. */
function walkSchema(node: unknown, at: string, visit: (node: SchemaNode, at: string) => void): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    node.forEach((n, i) => walkSchema(n, `${at}/${i}`, visit));
    return;
  }
  const schema = node as SchemaNode;
  visit(schema, at);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' || key === 'definitions') {
      for (const [name, sub] of Object.entries(value as Record<string, unknown>)) walkSchema(sub, `${at}/${key}/${name}`, visit);
    } else if (key === 'items' || key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'not' || key === 'if' || key === 'then' || key === 'else') {
      walkSchema(value, `${at}/${key}`, visit);
    }
  }
}

function localRef(node: SchemaNode): string | undefined {
  return typeof node.$ref === 'string' && node.$ref.startsWith('#/definitions/') ? node.$ref : undefined;
}

function resolve(root: SchemaNode, ref: string): SchemaNode {
  return (root.definitions as Record<string, SchemaNode>)[ref.slice('#/definitions/'.length)] as SchemaNode;
}

/**
 * Every field a schema declares, as `<where>/<path>`: `#` for the top level, or the definition a
 * field belongs to (so a definition used in two places counts once). Other files (address) are
 * theirs to test.
 */
function declaredFields(root: SchemaNode): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (node: SchemaNode, base: string, path: string): void => {
    const ref = localRef(node);
    if (ref) {
      if (!seen.has(ref)) {
        seen.add(ref);
        walk(resolve(root, ref), ref, '');
      }
      return;
    }
    if (typeof node.$ref === 'string') return;
    for (const [key, sub] of Object.entries((node.properties as Record<string, SchemaNode> | undefined) ?? {})) {
      out.add(`${base}${path}/${key}`);
      walk(sub, base, `${path}/${key}`);
    }
    if (node.items) walk(node.items as SchemaNode, base, `${path}/*`);
  };
  walk(root, '#', '');
  return out;
}

/** The fields of `value` that `node` declares, named as in declaredFields. */
function usedFields(root: SchemaNode, node: SchemaNode, value: Json, base: string, path: string, out: Set<string>): void {
  const ref = localRef(node);
  if (ref) return usedFields(root, resolve(root, ref), value, ref, '', out);
  if (typeof node.$ref === 'string' || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (node.items) for (const v of value) usedFields(root, node.items as SchemaNode, v, base, `${path}/*`, out);
    return;
  }
  const properties = (node.properties as Record<string, SchemaNode> | undefined) ?? {};
  for (const [key, v] of Object.entries(value)) {
    const sub = properties[key];
    if (!sub) continue;
    out.add(`${base}${path}/${key}`);
    usedFields(root, sub, v, base, `${path}/${key}`, out);
  }
}
