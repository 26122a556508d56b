/**
 * JSONata expression engines side by side: the reference evaluator (awaiting its promise), the
 * compiled JavaScript, and the same logic written by hand in plain JavaScript, on typical
 * integration expressions over a Shopify order. Not wired to a CLI: the bench runner calls
 * `benchExpressions`.
 *
 * Each engine runs in short alternating rounds (so machine noise hits all three alike) and the
 * best round counts. Before timing, the three results are checked to be the same.
 */
import jsonata from 'jsonata';
import { compileExpression } from '../../runtime/expressions/jsonata.ts';

export interface ExpressionBenchRow {
  readonly name: string;
  readonly referenceOpsPerSec: number;
  readonly compiledOpsPerSec: number;
  readonly handWrittenOpsPerSec?: number;
  /** compiled ops/s ÷ reference ops/s (how many times faster the compiled code is). */
  readonly compiledVsReference: number;
  /** compiled ops/s ÷ hand-written ops/s (1 = as fast as hand-written code, 0.5 = half as fast). */
  readonly compiledVsHandWritten?: number;
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

async function measure(run: () => unknown, ms: number, isAsync: boolean): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    if (isAsync) {
      for (let i = 0; i < 20; i++) await run();
      ops += 20;
    } else {
      for (let i = 0; i < 200; i++) run();
      ops += 200;
    }
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

export async function benchExpressions(opts: { quick?: boolean }): Promise<ExpressionBenchRow[]> {
  const rounds = opts.quick ? 2 : 4;
  const slice = opts.quick ? 40 : 80;
  const rows: ExpressionBenchRow[] = [];
  for (const c of cases) {
    const reference = jsonata(c.expression);
    const compiled = compileExpression(c.expression, { strictCompile: true });
    const input = shopifyOrder;
    const expected = await reference.evaluate(input);
    const got = compiled.evaluate(input);
    if (!sameJson(expected, got)) throw new Error(`${c.name}: compiled result differs from the reference`);
    if (!sameJson(expected, c.handWritten(input))) throw new Error(`${c.name}: hand-written code does not compute the same result`);
    // Warm up first, so that what is timed is optimised code.
    await measure(() => reference.evaluate(input), slice, true);
    await measure(() => compiled.evaluate(input), slice, false);
    await measure(() => c.handWritten(input), slice, false);
    const best = { reference: 0, compiled: 0, hand: 0 };
    for (let r = 0; r < rounds; r++) {
      best.reference = Math.max(best.reference, await measure(() => reference.evaluate(input), slice, true));
      best.compiled = Math.max(best.compiled, await measure(() => compiled.evaluate(input), slice, false));
      best.hand = Math.max(best.hand, await measure(() => c.handWritten(input), slice, false));
    }
    rows.push({
      name: c.name,
      referenceOpsPerSec: Math.round(best.reference),
      compiledOpsPerSec: Math.round(best.compiled),
      handWrittenOpsPerSec: Math.round(best.hand),
      compiledVsReference: best.compiled / best.reference,
      compiledVsHandWritten: best.compiled / best.hand,
    });
  }
  return rows;
}
