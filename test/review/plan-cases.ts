/**
 * The project `crossdock plan` is tested on, and the changes it must flag. Two pipelines in a
 * row (web orders → ERP orders → ERP postings), a canonical and a partner schema, a mapping and
 * a fixture test; each case commits a change on top and names the findings it must produce.
 */
import type { Severity } from '../../runtime/review/plan-types.ts';

export const BASE: Readonly<Record<string, string>> = {
  'pipelines/streams.yaml': `streams:
  CHANNELS:
    subjects: [channel.>]
    maxAge: 30d
  ERP:
    subjects: [erp.>]
    maxAge: 30d
    duplicateWindow: 24h
  DLQ:
    subjects: [dlq.>]
external:
  - subject: channel.>
    direction: produced
    system: Web shop
    description: Orders from the web shop.
  - subject: erp.posted.>
    direction: consumed
    system: ERP adapter
    description: Reads the posting results.
`,
  'pipelines/orders.yaml': `pipeline: orders
description: Web orders become canonical orders for the ERP.
owner: channels-team
input:
  jetstream:
    stream: CHANNELS
    subject: channel.orders.*
    durable: orders
steps:
  - validate: partners/web/order.schema.json
  - map: web/order-to-order.jsonata
  - validate: canonical/order.schema.json
outputs:
  erp:
    jetstream:
      subject: "'erp.orders.' & channel"
      id: "'order:' & id"
`,
  'pipelines/post.yaml': `pipeline: post
description: Posts canonical orders to the ERP.
owner: erp-team
input:
  jetstream:
    stream: ERP
    subject: erp.orders.*
    durable: post
steps:
  - map:
      expr: '{ "id": id, "posted": true }'
outputs:
  posted:
    jetstream:
      subject: "'erp.posted.orders'"
      id: "'posted:' & id"
`,
  'pipelines/orders.test.yaml': `pipeline: orders
tests:
  - name: a paid web order
    input:
      file: ../test/fixtures/web-order.json
      subject: channel.orders.web
    expect:
      outputs:
        - subject: erp.orders.web
`,
  'test/fixtures/web-order.json': `{ "number": 1001, "status": "paid", "items": [{ "code": "A-1", "qty": 2, "price": 3.5 }, { "code": "B-2", "qty": 1, "price": 10 }] }
`,
  'mappings/web/order-to-order.jsonata': `{
  "id": $string(number),
  "channel": "web",
  "status": status,
  "lines": items.{ "sku": code, "quantity": qty },
  "total": $sum(items.(qty * price))
}
`,
  'schemas/partners/web/order.schema.json': `{
  "type": "object",
  "properties": {
    "number": { "type": "integer" },
    "status": { "type": "string" },
    "items": { "type": "array", "minItems": 1 }
  },
  "required": ["number", "items"]
}
`,
  'schemas/canonical/order.schema.json': `{
  "type": "object",
  "properties": {
    "id": { "type": "string" },
    "channel": { "type": "string" },
    "status": { "enum": ["new", "paid", "cancelled"] },
    "lines": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": { "sku": { "type": "string" }, "quantity": { "type": "number" } },
        "required": ["sku", "quantity"]
      }
    },
    "total": { "type": "number" }
  },
  "required": ["id", "lines"]
}
`,
};

export interface PlanCase {
  readonly name: string;
  readonly change: Readonly<Record<string, string | null>>;
  /** Every finding, as `severity kind about`, in report order (breaking first). */
  readonly findings: readonly string[];
  readonly exitCode: 0 | 1 | 2;
  /** Text the Markdown must contain. */
  readonly markdown?: readonly string[];
  /** Pipelines the report lists as added, removed, changed. */
  readonly pipelines?: { readonly added?: readonly string[]; readonly removed?: readonly string[]; readonly changed?: readonly string[] };
  /** Fixture statuses by pipeline › test. */
  readonly behaviour?: Readonly<Record<string, string>>;
}

const O = 'pipelines/orders.yaml';
const PO = 'pipelines/post.yaml';
const S = 'pipelines/streams.yaml';
const M = 'mappings/web/order-to-order.jsonata';
const C = 'schemas/canonical/order.schema.json';
const edit = (file: string, from: string, to: string): Record<string, string> => {
  const text = BASE[file] as string;
  if (!text.includes(from)) throw new Error(`${file} has no '${from}'`);
  return { [file]: text.replace(from, to) };
};
const f = (severity: Severity, kind: string, about: string): string => `${severity} ${kind} ${about}`;

export const CASES: readonly PlanCase[] = [
  {
    name: 'nothing changed',
    change: {},
    findings: [],
    exitCode: 0,
    markdown: ['✅ **nothing breaking**', 'no pipeline changed'],
  },
  {
    name: 'durable consumer renamed: a new consumer replays the stream',
    change: edit(O, 'durable: orders', 'durable: orders-v2'),
    findings: [f('breaking', 'durable-renamed', 'orders')],
    exitCode: 2,
    markdown: ["orders: durable consumer renamed from 'orders' to 'orders-v2'", "it replays every message on 'channel.orders.*' still in CHANNELS (up to 30d of history)", '| `input.jetstream.durable` | `orders` | `orders-v2` |'],
    pipelines: { changed: ['orders'] },
  },
  {
    name: 'durable renamed with deliver new: a gap',
    change: edit(O, 'durable: orders', 'durable: orders-v2\n    deliver: new'),
    findings: [f('breaking', 'durable-renamed', 'orders')],
    exitCode: 2,
    markdown: ['messages published before it exists are never processed by it — a gap'],
  },
  {
    name: 'pipeline renamed in the same file: its default durable changes with it',
    change: { [PO]: (BASE[PO] as string).replace('pipeline: post', 'pipeline: post-orders').replace('    durable: post\n', '') },
    findings: [f('breaking', 'durable-renamed', 'post-orders')],
    exitCode: 2,
    pipelines: { added: ['post-orders'], removed: ['post'] },
  },
  {
    name: 'deliver policy changed on the same durable: no effect on the existing consumer',
    change: edit(O, 'durable: orders', 'durable: orders\n    deliver: new'),
    findings: [f('warning', 'deliver-changed', 'orders')],
    exitCode: 0,
    markdown: ["deliver policy changed from 'all' to 'new'", 'JetStream keeps the policy a consumer was created with'],
  },
  {
    name: 'filter subject narrowed',
    change: edit(O, 'subject: channel.orders.*', 'subject: channel.orders.web'),
    findings: [f('breaking', 'filter-narrowed', 'orders')],
    exitCode: 2,
    markdown: ["filter subject changed from 'channel.orders.*' to 'channel.orders.web'", 'On NATS 2.9 the change is refused'],
  },
  {
    name: 'filter subject widened',
    change: edit(O, 'subject: channel.orders.*', 'subject: channel.orders.>'),
    findings: [f('warning', 'filter-widened', 'orders')],
    exitCode: 0,
  },
  {
    name: "a stream's subjects shrink",
    change: edit(S, 'subjects: [channel.>]', 'subjects: [channel.orders.>]'),
    findings: [f('breaking', 'stream-subjects-shrunk', 'CHANNELS')],
    exitCode: 2,
    markdown: ['stream CHANNELS no longer captures channel.>', '| `subjects[0]` | `channel.>` | `channel.orders.>` |'],
  },
  {
    name: "a stream's retention changes",
    change: edit(S, '    maxAge: 30d\n    duplicateWindow: 24h', '    maxAge: 30d\n    duplicateWindow: 24h\n    retention: workqueue'),
    findings: [f('breaking', 'stream-retention-changed', 'ERP')],
    exitCode: 2,
    markdown: ['stream ERP: retention changed from limits to workqueue', 'cannot change a stream\'s retention in place'],
  },
  {
    name: "a stream's age limit shrinks",
    change: edit(S, '    subjects: [channel.>]\n    maxAge: 30d', '    subjects: [channel.>]\n    maxAge: 7d'),
    findings: [f('breaking', 'stream-limits-shrunk', 'CHANNELS')],
    exitCode: 2,
    markdown: ['stream CHANNELS: maxAge lowered from 30d to 7d'],
  },
  {
    name: "a stream's duplicate window shrinks",
    change: edit(S, 'duplicateWindow: 24h', 'duplicateWindow: 10m'),
    findings: [f('warning', 'stream-duplicate-window-shrunk', 'ERP')],
    exitCode: 0,
  },
  {
    name: 'an output subject loses its consumer',
    change: edit(O, `subject: "'erp.orders.' & channel"`, `subject: "'erp.salesorders.' & channel"`),
    findings: [f('breaking', 'output-unconsumed', 'orders')],
    exitCode: 2,
    markdown: ["orders: output erp publishes to 'erp.salesorders.*', which nothing consumes any more", 'Before, pipeline post read what this output published'],
    behaviour: { 'orders › a paid web order': 'changed' },
  },
  {
    name: 'a pipeline removed: its consumer stops, and the output it read loses its consumer',
    change: { [PO]: null },
    findings: [f('breaking', 'output-unconsumed', 'orders'), f('warning', 'consumer-removed', 'post')],
    exitCode: 2,
    pipelines: { removed: ['post'] },
  },
  {
    name: 'a pipeline added: its new consumer starts with the stream’s history',
    change: {
      'pipelines/audit.yaml': `pipeline: audit
description: Copies postings for the auditors.
owner: finance-team
input:
  jetstream:
    stream: ERP
    subject: erp.posted.>
outputs:
  copy:
    jetstream:
      subject: "'erp.posted.audit'"
`,
    },
    findings: [f('warning', 'new-consumer', 'audit')],
    exitCode: 0,
    pipelines: { added: ['audit'] },
  },
  {
    name: 'a required field added to a canonical schema',
    change: edit(C, '"required": ["id", "lines"]', '"required": ["id", "lines", "channel"]'),
    findings: [f('breaking', 'schema-breaking', 'canonical/order.schema.json')],
    exitCode: 2,
    markdown: ['| `canonical/order.schema.json` | `/channel` | newly required | ⛔ breaking |'],
    behaviour: { 'orders › a paid web order': 'same' },
  },
  {
    name: 'a field removed from a canonical schema',
    change: edit(C, '    "total": { "type": "number" }\n', '    "grandTotal": { "type": "number" }\n'),
    findings: [f('breaking', 'schema-breaking', 'canonical/order.schema.json')],
    exitCode: 2,
    markdown: ['| `canonical/order.schema.json` | `/total` | field removed | ⛔ breaking |', '| `canonical/order.schema.json` | `/grandTotal` | field added (optional) | compatible |'],
  },
  {
    name: 'a type narrowed in a canonical schema',
    change: edit(C, '"quantity": { "type": "number" }', '"quantity": { "type": "integer" }'),
    findings: [f('breaking', 'schema-breaking', 'canonical/order.schema.json')],
    exitCode: 2,
    markdown: ['| `canonical/order.schema.json` | `/lines/*/quantity` | type narrowed from number to integer | ⛔ breaking |'],
  },
  {
    name: 'an enum narrowed in a canonical schema',
    change: edit(C, '"enum": ["new", "paid", "cancelled"]', '"enum": ["new", "paid"]'),
    findings: [f('breaking', 'schema-breaking', 'canonical/order.schema.json')],
    exitCode: 2,
    markdown: ['enum narrowed: "cancelled" no longer allowed'],
  },
  {
    name: 'a partner schema widened: an enum value and an optional field added',
    change: edit('schemas/partners/web/order.schema.json', '"status": { "type": "string" }', '"status": { "type": "string" },\n    "note": { "type": "string" }'),
    findings: [],
    exitCode: 0,
    markdown: ['| `partners/web/order.schema.json` | `/note` | field added (optional) | compatible |'],
  },
  {
    name: 'a mapping change that drops a field from the ERP posting',
    change: edit(M, '"status": status,\n', ''),
    findings: [f('breaking', 'behaviour-changed', 'orders')],
    exitCode: 2,
    markdown: ['outputs[0]: body no longer has /status', '-         "status": "paid",'],
    pipelines: { changed: ['orders'] },
    behaviour: { 'orders › a paid web order': 'changed' },
  },
  {
    name: 'a mapping change that alters values only',
    change: edit(M, '"total": $sum(items.(qty * price))', '"total": $round($sum(items.(qty * price)) * 1.2, 2)'),
    findings: [],
    exitCode: 0,
    markdown: ['outputs[0]: body values changed', '-         "total": 17', '+         "total": 20.4'],
    behaviour: { 'orders › a paid web order': 'changed' },
  },
  {
    name: 'a mapping refactored with identical outputs',
    change: {
      [M]: `(
  $lines := items.{ "sku": code, "quantity": qty };
  {
    "id": $string(number),
    "channel": "web",
    "status": status,
    "lines": $lines,
    "total": $sum(items.(price * qty))
  }
)
`,
    },
    findings: [],
    exitCode: 0,
    pipelines: { changed: ['orders'] },
    behaviour: { 'orders › a paid web order': 'same' },
    markdown: ['changed files: `mappings/web/order-to-order.jsonata`', '- **`orders`**: 1 fixture(s), 1 unchanged\n'],
  },
  {
    name: 'a message id expression changed',
    change: edit(O, `id: "'order:' & id"`, `id: "'web-order:' & id"`),
    findings: [f('breaking', 'behaviour-changed', 'orders')],
    exitCode: 2,
    markdown: ["message id changed from 'order:1001' to 'web-order:1001'"],
  },
  {
    name: 'a mapping change that makes the order fail its schema',
    change: edit(M, '"id": $string(number)', '"id": number'),
    findings: [f('breaking', 'behaviour-changed', 'orders')],
    exitCode: 2,
    markdown: ['now dead-lettered at validate canonical/order.schema.json: does not match canonical/order.schema.json: /id: must be string'],
  },
  {
    name: 'a description-only change',
    change: edit(O, 'description: Web orders become canonical orders for the ERP.', 'description: Web shop orders become canonical orders for the ERP to post.'),
    findings: [],
    exitCode: 0,
    pipelines: { changed: ['orders'] },
    behaviour: { 'orders › a paid web order': 'same' },
    markdown: ['| `description` | `Web orders become canonical orders for the ERP.` | `Web shop orders become canonical orders for the ERP to post.` |'],
  },
  {
    name: 'a work tree that does not compile',
    change: edit(O, '  - map: web/order-to-order.jsonata', '  - mapp: web/order-to-order.jsonata'),
    findings: [f('warning', 'consumer-removed', 'orders')],
    exitCode: 1,
    markdown: ['### ❗ The new revision does not compile', "pipelines/orders.yaml:11:5: unknown step kind 'mapp' (did you mean 'map'?)"],
  },
];
