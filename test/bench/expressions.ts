/**
 * JSONata expression engines side by side: the reference evaluator (awaiting its promise), the
 * compiled JavaScript, and the same logic written by hand in plain JavaScript; first every
 * mapping in mappings/ on the inputs its pipelines' fixture tests give it (hand-written
 * versions in handwritten/, proven equal by handwritten.test.ts), then typical integration
 * expressions over a Shopify order. The `expressions` section of the bench runner.
 *
 * Each engine runs in short alternating rounds (so machine noise hits all three alike) and the
 * best round counts. Before timing, the three results are checked to be the same.
 */
import jsonata from 'jsonata';
import { compileExpression } from '../../runtime/expressions/jsonata.ts';
import { handWritten } from './handwritten/index.ts';
import { mappingInputs } from './handwritten/inputs.ts';
import { fmt, table } from './stats.ts';

export interface ExpressionBenchRow {
  readonly name: string;
  readonly referenceOpsPerSec: number;
  readonly compiledOpsPerSec: number;
  readonly handWrittenOpsPerSec?: number;
  /** compiled ops/s ÷ reference ops/s (how many times faster the compiled code is). */
  readonly compiledVsReference: number;
  /** compiled ops/s ÷ hand-written ops/s (1 = as fast as hand-written code, 0.5 = half as fast). */
  readonly compiledVsHandWritten?: number;
  /** Lowest and highest compiled/hand-written ratio of single rounds (how noisy the figure is). */
  readonly compiledVsHandWrittenRange?: readonly [number, number];
}

type Obj = Record<string, unknown>;

function line(id: number, sku: string | null, title: string, quantity: number, price: string, vendor: string, ship: boolean): Obj {
  return {
    id,
    variant_id: id * 7,
    title,
    name: title,
    sku,
    vendor,
    quantity,
    fulfillable_quantity: ship ? quantity : 0,
    price,
    total_discount: '0.00',
    requires_shipping: ship,
    taxable: true,
    grams: 200,
    tax_lines: [{ title: 'State Tax', price: '1.25', rate: 0.06 }],
  };
}

const address = {
  name: 'Bob Norman',
  company: null,
  address1: 'Chestnut Street 92',
  address2: '',
  city: 'Louisville',
  province_code: 'KY',
  zip: '40202',
  country_code: 'US',
  phone: '555-625-1199',
};

/** A Shopify orders/create webhook body with several lines. */
export const shopifyOrder: Obj = {
  id: 450789469,
  name: '#1001',
  email: 'Bob.Norman@Hostmail.com',
  created_at: '2008-01-10T11:00:00-05:00',
  currency: 'USD',
  financial_status: 'authorized',
  total_price: '409.94',
  total_line_items_price: '398.00',
  total_discounts: '0.00',
  total_tax: '11.94',
  note: null,
  customer: { id: 207119551, first_name: 'Bob', last_name: 'Norman', email: 'bob.norman@hostmail.com' },
  billing_address: address,
  shipping_address: address,
  shipping_lines: [{ title: 'Standard', price: '5.00' }, { title: 'Handling', price: '2.50' }],
  line_items: [
    line(466157049, 'IPOD2008GREEN', 'IPod Nano - 8gb - green', 1, '199.00', 'Apple', true),
    line(518995019, 'IPOD2008RED', 'IPod Nano - 8gb - red', 2, '49.00', 'Apple', true),
    line(703073504, 'IPOD2008BLACK', 'IPod Nano - 8gb - black', 1, '49.00', 'Apple', false),
    line(703073505, 'CASE-01', 'Leather case', 3, '15.50', 'Acme', true),
    line(703073506, null, 'Gift wrap', 1, '4.50', 'Acme', false),
  ],
};

const orderMapping = `(
  $text := function($v) { $type($v) = 'string' and $length($v) > 0 ? $v };
  $money := function($v) { $type($v) = 'string' ? $number($v) };
  $ship := shipping_address;
  {
    "externalId": $string(id),
    "orderNumber": name,
    "channel": "shopify",
    "orderedAt": created_at,
    "currency": currency,
    "customer": {
      "externalId": $string(customer.id),
      "name": customer.first_name & ' ' & customer.last_name,
      "email": $lowercase(email)
    },
    "shipTo": {
      "line1": $ship.address1,
      "line2": $text($ship.address2),
      "city": $ship.city,
      "region": $ship.province_code,
      "postalCode": $ship.zip,
      "country": $ship.country_code
    },
    "lines": [$map(line_items, function($l, $i) {
      {
        "lineNumber": $i + 1,
        "externalLineId": $string($l.id),
        "sku": $l.sku,
        "description": $text($l.name),
        "quantity": $l.quantity,
        "unitPrice": $number($l.price)
      }
    })],
    "totals": {
      "lines": $money(total_line_items_price),
      "shipping": $sum(shipping_lines.$money(price)),
      "tax": $money(total_tax),
      "total": $number(total_price)
    }
  }
)`;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const money = (v: unknown): number | undefined => (typeof v === 'string' ? Number(v) : undefined);

/** What the order mapping does, written directly. */
function orderMappingByHand(o: Obj): Obj {
  const ship = o['shipping_address'] as Obj;
  const customer = o['customer'] as Obj;
  const lines = o['line_items'] as Obj[];
  const shipTo: Obj = { line1: ship['address1'] };
  const line2 = str(ship['address2']);
  if (line2 !== undefined) shipTo['line2'] = line2;
  shipTo['city'] = ship['city'];
  shipTo['region'] = ship['province_code'];
  shipTo['postalCode'] = ship['zip'];
  shipTo['country'] = ship['country_code'];
  let shipping = 0;
  for (const s of o['shipping_lines'] as Obj[]) shipping += money(s['price']) ?? 0;
  return {
    externalId: String(o['id']),
    orderNumber: o['name'],
    channel: 'shopify',
    orderedAt: o['created_at'],
    currency: o['currency'],
    customer: {
      externalId: String(customer['id']),
      name: `${String(customer['first_name'])} ${String(customer['last_name'])}`,
      email: (o['email'] as string).toLowerCase(),
    },
    shipTo,
    lines: lines.map((l, i) => {
      const out: Obj = { lineNumber: i + 1, externalLineId: String(l['id']) };
      if (l['sku'] !== undefined) out['sku'] = l['sku'];
      const description = str(l['name']);
      if (description !== undefined) out['description'] = description;
      out['quantity'] = l['quantity'];
      out['unitPrice'] = Number(l['price']);
      return out;
    }),
    totals: { lines: money(o['total_line_items_price']), shipping, tax: money(o['total_tax']), total: Number(o['total_price']) },
  };
}

interface Case {
  readonly name: string;
  readonly expression: string;
  readonly handWritten: (o: Obj) => unknown;
}

const cases: readonly Case[] = [
  { name: 'order-to-sales-order mapping', expression: orderMapping, handWritten: orderMappingByHand },
  {
    name: 'string building',
    expression: `customer.first_name & ' ' & customer.last_name & ' <' & $lowercase(email) & '>'`,
    handWritten: (o) => {
      const c = o['customer'] as Obj;
      return `${String(c['first_name'])} ${String(c['last_name'])} <${(o['email'] as string).toLowerCase()}>`;
    },
  },
  {
    name: '$sum over lines',
    expression: `$sum(line_items.(quantity * $number(price)))`,
    handWritten: (o) => {
      let total = 0;
      for (const l of o['line_items'] as Obj[]) total += (l['quantity'] as number) * Number(l['price']);
      return total;
    },
  },
  {
    name: 'filter predicate',
    expression: `line_items[requires_shipping and fulfillable_quantity > 0].sku`,
    handWritten: (o) => (o['line_items'] as Obj[]).filter((l) => l['requires_shipping'] && (l['fulfillable_quantity'] as number) > 0).map((l) => l['sku']),
  },
  {
    name: 'grouping',
    expression: `line_items{vendor: $sum(quantity)}`,
    handWritten: (o) => {
      const groups: Record<string, number> = {};
      for (const l of o['line_items'] as Obj[]) {
        const v = l['vendor'] as string;
        groups[v] = (groups[v] ?? 0) + (l['quantity'] as number);
      }
      return groups;
    },
  },
];

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Evaluations per second of `run`, which does `perRun` evaluations, over about `ms`. */
async function measure(run: () => unknown, ms: number, isAsync: boolean, perRun: number): Promise<number> {
  let runs = 0;
  const batch = Math.max(1, Math.round((isAsync ? 20 : 200) / perRun));
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    if (isAsync) {
      for (let i = 0; i < batch; i++) await run();
    } else {
      for (let i = 0; i < batch; i++) run();
    }
    runs += batch;
    now = performance.now();
  }
  return (runs * perRun * 1000) / (now - start);
}

interface Contestants {
  readonly name: string;
  /** How many evaluations one call of each function below makes. */
  readonly evaluations: number;
  readonly reference: () => Promise<unknown>;
  readonly compiled: () => unknown;
  readonly hand: () => unknown;
}

/**
 * Short alternating rounds (reference, compiled, hand-written, again and again), so that
 * machine noise hits all three alike; the best round of each counts, and the spread of the
 * per-round compiled/hand-written ratios says how noisy the figure is.
 */
async function race(c: Contestants, rounds: number, slice: number): Promise<ExpressionBenchRow> {
  // Warm up first, so that what is timed is optimised code.
  await measure(c.reference, slice, true, c.evaluations);
  await measure(c.compiled, slice, false, c.evaluations);
  await measure(c.hand, slice, false, c.evaluations);
  const best = { reference: 0, compiled: 0, hand: 0 };
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const reference = await measure(c.reference, slice, true, c.evaluations);
    const compiled = await measure(c.compiled, slice, false, c.evaluations);
    const hand = await measure(c.hand, slice, false, c.evaluations);
    best.reference = Math.max(best.reference, reference);
    best.compiled = Math.max(best.compiled, compiled);
    best.hand = Math.max(best.hand, hand);
    ratios.push(compiled / hand);
  }
  return {
    name: c.name,
    referenceOpsPerSec: Math.round(best.reference),
    compiledOpsPerSec: Math.round(best.compiled),
    handWrittenOpsPerSec: Math.round(best.hand),
    compiledVsReference: best.compiled / best.reference,
    compiledVsHandWritten: best.compiled / best.hand,
    compiledVsHandWrittenRange: [Math.min(...ratios), Math.max(...ratios)],
  };
}

/** Every mapping in mappings/, on the inputs its pipelines' fixture tests give it. */
async function mappingRows(rounds: number, slice: number): Promise<ExpressionBenchRow[]> {
  const rows: ExpressionBenchRow[] = [];
  for (const m of await mappingInputs()) {
    const byHand = handWritten.get(m.file);
    if (byHand === undefined) throw new Error(`${m.file}: no hand-written version (test/bench/handwritten/)`);
    const reference = jsonata(m.text);
    const compiled = compileExpression(m.text, { strictCompile: true });
    const inputs = m.inputs;
    for (const input of inputs) {
      const expected: unknown = await reference.evaluate(input.body, input.bindings);
      if (!sameJson(expected, compiled.evaluate(input.body, input.bindings))) throw new Error(`${m.file}: compiled result differs from the reference`);
      if (!sameJson(expected, byHand(input.body, input.bindings))) throw new Error(`${m.file}: hand-written code does not compute the same result`);
    }
    rows.push(
      await race(
        {
          name: m.file,
          evaluations: inputs.length,
          reference: async () => {
            for (const input of inputs) await reference.evaluate(input.body, input.bindings);
          },
          compiled: () => {
            for (const input of inputs) compiled.evaluate(input.body, input.bindings);
          },
          hand: () => {
            for (const input of inputs) byHand(input.body, input.bindings);
          },
        },
        rounds,
        slice,
      ),
    );
  }
  return rows;
}

async function typicalRows(rounds: number, slice: number): Promise<ExpressionBenchRow[]> {
  const rows: ExpressionBenchRow[] = [];
  const input = shopifyOrder;
  for (const c of cases) {
    const reference = jsonata(c.expression);
    const compiled = compileExpression(c.expression, { strictCompile: true });
    const expected: unknown = await reference.evaluate(input);
    if (!sameJson(expected, compiled.evaluate(input))) throw new Error(`${c.name}: compiled result differs from the reference`);
    if (!sameJson(expected, c.handWritten(input))) throw new Error(`${c.name}: hand-written code does not compute the same result`);
    const hand = c.handWritten;
    rows.push(
      await race(
        { name: c.name, evaluations: 1, reference: () => reference.evaluate(input), compiled: () => compiled.evaluate(input), hand: () => hand(input) },
        rounds,
        slice,
      ),
    );
  }
  return rows;
}

export interface ExpressionBench {
  /** One row per file in mappings/, evaluations per second over its captured inputs. */
  readonly mappings: readonly ExpressionBenchRow[];
  /** Typical integration expressions over one Shopify order. */
  readonly typical: readonly ExpressionBenchRow[];
}

export async function benchExpressions(opts: { quick?: boolean }): Promise<ExpressionBench> {
  const rounds = opts.quick ? 2 : 5;
  const slice = opts.quick ? 40 : 80;
  return { mappings: await mappingRows(rounds, slice), typical: await typicalRows(rounds, slice) };
}

function geomean(values: readonly number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

function rowsTable(rows: readonly ExpressionBenchRow[], head: string): string {
  return table(
    [head, 'reference/s', 'compiled/s', 'by hand/s', 'c/ref', 'c/hand', 'c/hand rounds'],
    rows.map((r) => [
      r.name,
      fmt(r.referenceOpsPerSec),
      fmt(r.compiledOpsPerSec),
      fmt(r.handWrittenOpsPerSec ?? NaN),
      `${r.compiledVsReference.toFixed(0)}×`,
      (r.compiledVsHandWritten ?? NaN).toFixed(2),
      r.compiledVsHandWrittenRange ? `${r.compiledVsHandWrittenRange[0].toFixed(2)}–${r.compiledVsHandWrittenRange[1].toFixed(2)}` : '-',
    ]),
  );
}

export function expressionsText(r: ExpressionBench): string {
  const m = r.mappings;
  const vsHand = m.map((row) => row.compiledVsHandWritten ?? NaN);
  const vsRef = m.map((row) => row.compiledVsReference);
  return [
    `JSONata mappings (mappings/**, inputs from the pipeline fixture tests): evaluations per second, best of alternating rounds`,
    rowsTable(m, 'mapping'),
    `ratios over ${m.length} mappings: compiled/reference min ${Math.min(...vsRef).toFixed(0)}×, geomean ${geomean(vsRef).toFixed(0)}×   ` +
      `compiled/hand-written min ${Math.min(...vsHand).toFixed(2)}, geomean ${geomean(vsHand).toFixed(2)}, max ${Math.max(...vsHand).toFixed(2)}`,
    '',
    'Typical expressions over a Shopify order',
    rowsTable(r.typical, 'expression'),
  ].join('\n');
}
