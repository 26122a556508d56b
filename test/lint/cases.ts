/**
 * Lint cases: a clean base project (two streams of business messages, a dead-letter stream,
 * outside systems declared in `external:`, one pipeline with a mapping, a schema and a fixture
 * test), and for each rule the files that break it with the exact diagnostics expected. The
 * YAML and JSONata are inline so line and column can be checked by eye.
 */

export const BASE: Readonly<Record<string, string>> = {
  'pipelines/streams.yaml': `streams:
  CHANNELS:
    subjects: [channel.>]
  ERP:
    subjects: [erp.>]
  DLQ:
    subjects: [dlq.>]
external:
  - subject: channel.>
    direction: produced
    system: Web shop
    description: Orders from the web shop.
  - subject: erp.>
    direction: consumed
    system: ERP adapter
    description: Posts orders to the ERP.
`,
  'pipelines/orders.yaml': `pipeline: orders
description: Orders to the ERP.
owner: team
input:
  jetstream:
    stream: CHANNELS
    subject: channel.orders
steps:
  - map: orders/to-erp.jsonata
  - validate: erp/order.schema.json
outputs:
  erp:
    jetstream:
      subject: "'erp.orders.' & channel"
      id: "'order:' & id"
`,
  'pipelines/orders.test.yaml': `pipeline: orders
tests:
  - name: an order with two lines
    input:
      file: ../fixtures/order.json
    expect:
      outputs:
        - subject: erp.orders.web
`,
  'fixtures/order.json': `{ "id": 7, "channel": "web", "lines": [{ "sku": "A-1", "qty": 2, "price": 3 }, { "sku": "B-2", "qty": 1, "price": 4 }] }
`,
  'mappings/orders/to-erp.jsonata': `{
  "id": $string(id),
  "channel": channel,
  "lines": lines.{
    "sku": sku,
    "quantity": qty
  },
  "total": $sum(lines.(qty * price))
}
`,
  'schemas/erp/order.schema.json': `{
  "type": "object",
  "properties": {
    "id": { "type": "string" },
    "channel": { "type": "string" },
    "lines": { "type": "array", "items": { "$ref": "line.schema.json" } },
    "total": { "type": "number" }
  },
  "required": ["id", "lines"],
  "additionalProperties": false
}
`,
  'schemas/erp/line.schema.json': `{
  "type": "object",
  "properties": { "sku": { "type": "string" }, "quantity": { "type": "number" } },
  "required": ["sku", "quantity"],
  "additionalProperties": false
}
`,
};

export interface LintCase {
  readonly name: string;
  readonly rule: string;
  readonly files: Readonly<Record<string, string | null>>;
  /** Every diagnostic, formatted `file:line:col: [warning: ]message`, in report order. */
  readonly expected: readonly string[];
}

const P = 'pipelines/orders.yaml';
const T = 'pipelines/orders.test.yaml';
const withOutput = (output: string): Record<string, string> => ({ [P]: (BASE[P] as string).replace(/outputs:\n[\s\S]*$/, `outputs:\n${output}`) });

/** Expectations raise business exceptions, so their projects need a stream for them. */
const WITH_EXCEPTIONS = (BASE['pipelines/streams.yaml'] as string).replace('  DLQ:\n', '  EXCEPTIONS:\n    subjects: [exceptions.>]\n  DLQ:\n');

export const CASES: readonly LintCase[] = [
  {
    name: 'a fixture test names a pipeline that does not exist',
    rule: 'fixture-files',
    files: { [T]: (BASE[T] as string).replace('pipeline: orders', 'pipeline: orderz') },
    expected: [`${T}:1:11: no pipeline named 'orderz' (known: orders)`],
  },
  {
    name: "a fixture test's input file is missing",
    rule: 'fixture-files',
    files: { 'fixtures/order.json': null },
    expected: [`${T}:5:13: file not found: ../fixtures/order.json (relative to ${T})`],
  },
  {
    name: "a fixture test's expected body file is missing",
    rule: 'fixture-files',
    files: { [T]: (BASE[T] as string).replace('        - subject: erp.orders.web\n', '        - subject: erp.orders.web\n          bodyFile: ../fixtures/order.erp.json\n') },
    expected: [`${T}:9:21: file not found: ../fixtures/order.erp.json (relative to ${T})`],
  },
  {
    name: 'a fixture test with a misspelt key',
    rule: 'fixture-files',
    files: { [T]: (BASE[T] as string).replace('    expect:', '    expected:') },
    expected: [`${T}:3:5: fixture test: missing required property 'expect'`, `${T}:6:5: fixture test: unknown property 'expected' (did you mean 'expect'?)`],
  },
  {
    name: 'an unused mapping that does not parse: error inside the .jsonata file, and a warning',
    rule: 'mapping-files',
    files: { 'mappings/orders/old.jsonata': '{\n  "id": $string(id\n}\n' },
    expected: ['mappings/orders/old.jsonata:1:1: warning: mapping is not used by any pipeline', 'mappings/orders/old.jsonata:3:1: JSONata S0202: Expected ")", got "}"'],
  },
  {
    name: 'a mapping a pipeline uses that does not parse: line and column inside the .jsonata file',
    rule: 'mapping-files',
    files: { 'mappings/orders/to-erp.jsonata': (BASE['mappings/orders/to-erp.jsonata'] as string).replace('"quantity": qty', '"quantity": qty +') },
    expected: ['mappings/orders/to-erp.jsonata:7:3: JSONata S0211: The symbol "}" cannot be used as a unary operator'],
  },
  {
    name: 'a regex literal left of ?? or ?: that the reference evaluator would loop on forever',
    rule: 'expressions',
    files: {
      'mappings/orders/to-erp.jsonata': (BASE['mappings/orders/to-erp.jsonata'] as string).replace(
        '"channel": channel,',
        '"channel": id = 0 ? ($match(channel, /w/) ?? "web") :\n    id = 1 ? ($match(channel, /x/) ?: "none") : channel,',
      ),
    },
    expected: [
      'mappings/orders/to-erp.jsonata:3:45: the reference JSONata evaluator never finishes a regex literal left of `??` (jsonata 2.2.2): every message would be dead-lettered at the time limit; bind the regex first (`$re := /…/`) or write `$exists(x) ? x : y`',
      'mappings/orders/to-erp.jsonata:4:36: the reference JSONata evaluator never finishes a regex literal left of `?:` (jsonata 2.2.2): every message would be dead-lettered at the time limit; bind the regex first (`$re := /…/`) or write `$exists(x) ? x : y`',
    ],
  },
  {
    name: 'no unused warnings while a pipeline does not compile (it may be the user)',
    rule: 'mapping-files',
    files: { [P]: (BASE[P] as string).replace('  - map: orders/to-erp.jsonata\n  - validate: erp/order.schema.json', '  - map: { expr: "$" }\n  - validate: erp/orderz.schema.json') },
    expected: [`${P}:10:15: schema file not found: erp/orderz.schema.json (looked in schemas; did you mean 'erp/order.schema.json'?)`],
  },
  {
    name: 'an unused mapping',
    rule: 'mapping-files',
    files: { 'mappings/orders/spare.jsonata': '$' },
    expected: ['mappings/orders/spare.jsonata:1:1: warning: mapping is not used by any pipeline'],
  },
  {
    name: 'an unused schema that is not valid JSON: error at its position, and a warning',
    rule: 'schema-files',
    files: { 'schemas/erp/invoice.schema.json': '{\n  "type": "object"\n  "required": ["id"]\n}\n' },
    expected: ["schemas/erp/invoice.schema.json:1:1: warning: schema is not used by any pipeline (no validate step, no $ref from a used schema)", "schemas/erp/invoice.schema.json:3:3: schema is not valid JSON: Expected ',' or '}' after property value"],
  },
  {
    name: 'an unused schema that does not compile',
    rule: 'schema-files',
    files: { 'schemas/erp/invoice.schema.json': '{ "type": "objekt" }\n' },
    expected: ['schemas/erp/invoice.schema.json:1:1: invalid schema: schema is invalid: data/type must be equal to one of the allowed values, data/type must be array, data/type must match a schema in anyOf', 'schemas/erp/invoice.schema.json:1:1: warning: schema is not used by any pipeline (no validate step, no $ref from a used schema)'],
  },
  {
    name: "an id that comes down to its literal text for a fixture's input",
    rule: 'message-ids',
    files: withOutput(`  erp:\n    jetstream:\n      subject: "'erp.orders.' & channel"\n      id: "'order:' & orderId"\n`),
    expected: [
      `${P}:15:11: warning: output erp: id gives only its literal text "order:" for fixture 'an order with two lines'; such messages would all share one message id, so they are dead-lettered instead of published`,
    ],
  },
  {
    name: 'a webhook fixture without the header its id is made of',
    rule: 'message-ids',
    files: {
      'pipelines/hooks.yaml': `pipeline: hooks
description: Web shop webhooks in.
owner: team
input:
  http:
    path: /webhooks/shop
    auth: none
    deliveryId: X-Webhook-Id
outputs:
  channel:
    jetstream:
      subject: "'channel.orders'"
      id: "'webhook:' & $headers.'X-Webhook-Id'"
`,
      'pipelines/hooks.test.yaml': `pipeline: hooks
tests:
  - name: a webhook
    input:
      body: { id: 7 }
      headers: { X-Shop: web }
    expect:
      outputs:
        - subject: channel.orders
`,
    },
    expected: [
      `pipelines/hooks.yaml:13:11: warning: output channel: id gives only its literal text "webhook:" for fixture 'a webhook' (missing header X-Webhook-Id); such messages would all share one message id, so they are dead-lettered instead of published`,
    ],
  },
  {
    name: 'a fixture that expects the dead letter of an empty id is testing the guard',
    rule: 'message-ids',
    files: {
      ...withOutput(`  erp:\n    jetstream:\n      subject: "'erp.orders.' & channel"\n      id: orderId\n`),
      [T]: (BASE[T] as string).replace(/    expect:[\s\S]*$/, '    expect:\n      deadLetter: { reason: gave nothing }\n'),
    },
    expected: [],
  },
  {
    name: 'a literal output subject no stream captures',
    rule: 'subjects',
    files: withOutput(`  erp:\n    jetstream:\n      subject: "'ERP.orders'"\n`),
    expected: [
      `${P}:14:16: warning: output erp: nothing consumes 'ERP.orders' (no pipeline input, availability view or external: entry matches it)`,
      `${P}:14:16: output erp: subject 'ERP.orders' is not captured by any stream, so publishing would fail (streams capture: channel.>, erp.>, dlq.>)`,
    ],
  },
  {
    // Issue 12: unquoted, JSONata reads it as the path erp → orders → web in the body, which gives nothing.
    name: 'an unquoted literal output subject',
    rule: 'subjects',
    files: withOutput(`  erp:\n    jetstream:\n      subject: erp.orders.web\n      id: "'order:' & id"\n`),
    expected: [
      `${P}:14:16: output erp: subject erp.orders.web is read as a JSONata path (field web of orders of erp in the message, which gives nothing), not as text; quote it: subject: "'erp.orders.web'"`,
    ],
  },
  {
    name: 'an unquoted literal duplicate-report subject',
    rule: 'subjects',
    files: withOutput(`  erp:\n    jetstream:\n      subject: "'erp.orders.' & channel"\n      id: "'order:' & id"\n      duplicate: erp.duplicates\n`),
    expected: [
      `${P}:16:18: output erp (duplicate): subject erp.duplicates is read as a JSONata path (field duplicates of erp in the message, which gives nothing), not as text; quote it: duplicate: "'erp.duplicates'"`,
    ],
  },
  {
    name: 'a computed output subject no stream captures, seen in a fixture run',
    rule: 'subjects',
    files: withOutput(`  erp:\n    jetstream:\n      subject: "$lowercase(channel) & '-orders'"\n`),
    expected: [
      `${P}:14:16: warning: output erp: nothing consumes 'web-orders' (no pipeline input, availability view or external: entry matches it)`,
      `${P}:14:16: output erp: published to 'web-orders' in fixture 'an order with two lines', which no stream captures, so publishing would fail (streams capture: channel.>, erp.>, dlq.>)`,
    ],
  },
  {
    name: 'a duplicate-report subject no stream captures',
    rule: 'subjects',
    files: withOutput(`  erp:\n    jetstream:\n      subject: "'erp.orders.' & channel"\n      id: "'order:' & id"\n      duplicate: "'exceptions.duplicate-order.' & channel"\n`),
    expected: [
      `${P}:16:18: warning: output erp (duplicate): nothing consumes 'exceptions.duplicate-order.*' (no pipeline input, availability view or external: entry matches it)`,
      `${P}:16:18: output erp (duplicate): subject 'exceptions.duplicate-order.*' is not captured by any stream, so publishing would fail (streams capture: channel.>, erp.>, dlq.>)`,
    ],
  },
  {
    name: 'an output subject only partly captured',
    rule: 'subjects',
    files: {
      'pipelines/streams.yaml': (BASE['pipelines/streams.yaml'] as string).replace('subjects: [erp.>]', 'subjects: [erp.orders.web]'),
      [P]: (BASE[P] as string).replace("subject: \"'erp.orders.' & channel\"", "subject: \"'erp.orders.' & channel\""),
    },
    expected: [`${P}:14:16: warning: output erp: subject 'erp.orders.*' is only partly captured by the streams (channel.>, erp.orders.web, dlq.>)`],
  },
  {
    name: 'an output subject nothing consumes',
    rule: 'subjects',
    files: { 'pipelines/streams.yaml': (BASE['pipelines/streams.yaml'] as string).replace(/  - subject: erp\.>[\s\S]*$/, '') },
    expected: [`${P}:14:16: warning: output erp: nothing consumes 'erp.orders.*' (no pipeline input, availability view or external: entry matches it)`],
  },
  {
    name: 'an output subject consumed by another pipeline needs no external: entry',
    rule: 'subjects',
    files: {
      'pipelines/streams.yaml': (BASE['pipelines/streams.yaml'] as string).replace(/  - subject: erp\.>[\s\S]*$/, ''),
      'pipelines/post.yaml': `pipeline: post
description: Posts orders.
owner: team
input:
  jetstream:
    stream: ERP
    subject: erp.orders.*
outputs:
  done:
    jetstream:
      subject: "'channel.posted'"
`,
    },
    expected: [`pipelines/post.yaml:11:16: warning: output done: nothing consumes 'channel.posted' (no pipeline input, availability view or external: entry matches it)`],
  },
  {
    name: 'a pipeline input nothing produces',
    rule: 'subjects',
    files: { 'pipelines/streams.yaml': (BASE['pipelines/streams.yaml'] as string).replace(/  - subject: channel\.>[\s\S]*?(?=  - subject: erp)/, '') },
    expected: [`${P}:7:14: warning: nothing publishes to 'channel.orders': no pipeline output and no external: entry (direction produced or both) matches it`],
  },
  {
    name: 'two streams whose subjects overlap (checked when the project loads)',
    rule: 'streams',
    files: { 'pipelines/streams.yaml': (BASE['pipelines/streams.yaml'] as string).replace('  DLQ:\n', '  WEB:\n    subjects: [channel.web.*]\n  DLQ:\n') },
    expected: [`pipelines/streams.yaml:7:16: subject 'channel.web.*' of stream WEB overlaps 'channel.>' of stream CHANNELS`],
  },
  {
    name: 'a dead-letter subject no stream captures (checked when the project loads)',
    rule: 'streams',
    files: { [P]: `${BASE[P] as string}errors:\n  deadLetter: failed.orders\n` },
    expected: [`${P}:17:15: dead-letter subject 'failed.orders' is not captured by any stream; dead letters would be lost`],
  },
  {
    name: 'an external: entry with an unknown direction',
    rule: 'streams',
    files: { 'pipelines/streams.yaml': (BASE['pipelines/streams.yaml'] as string).replace('direction: consumed', 'direction: read') },
    // A streams file with a mistake declares nothing, so the input's stream is unknown too.
    expected: [`${P}:6:13: stream 'CHANNELS' is not declared in any streams file (declared: none)`, `pipelines/streams.yaml:14:16: streams: 'external.1.direction' must be one of: consumed, produced, both`],
  },
  {
    name: 'a mapping file that gives the wrong shape: the key in the mapping, with the JSON path',
    rule: 'typed-mappings',
    files: { 'mappings/orders/to-erp.jsonata': (BASE['mappings/orders/to-erp.jsonata'] as string).replace('"sku": sku', '"sku": sku_code') },
    expected: [`mappings/orders/to-erp.jsonata:5:5: map orders/to-erp.jsonata: result does not match erp/order.schema.json: /lines/0/sku: is required; /lines/1/sku: is required (fixture 'an order with two lines', ${T}:3)`],
  },
  {
    name: 'a mapping that writes a field the schema does not know',
    rule: 'typed-mappings',
    files: { 'mappings/orders/to-erp.jsonata': (BASE['mappings/orders/to-erp.jsonata'] as string).replace('"quantity": qty', '"qty": qty') },
    // The first bad field, /lines/0/quantity, is never written: the nearest key that is, "lines".
    expected: [`mappings/orders/to-erp.jsonata:4:3: map orders/to-erp.jsonata: result does not match erp/order.schema.json: /lines/0/quantity: is required; /lines/0/qty: is not allowed (unknown property); /lines/1/quantity: is required; /lines/1/qty: is not allowed (unknown property) (fixture 'an order with two lines', ${T}:3)`],
  },
  {
    name: 'an inline mapping that gives the wrong type: the key inside the YAML',
    rule: 'typed-mappings',
    files: {
      [P]: (BASE[P] as string).replace('  - map: orders/to-erp.jsonata\n', `  - map:
      expr: |
        {
          "id": id,
          "lines": lines.{ "sku": sku, "quantity": qty }
        }
`),
      'mappings/orders/to-erp.jsonata': null,
    },
    expected: [`${P}:12:11: map (inline): result does not match erp/order.schema.json: /id: must be string (fixture 'an order with two lines', ${T}:3)`],
  },
  {
    name: 'a fixture that expects the refusal is testing it: no lint error',
    rule: 'typed-mappings',
    files: {
      'mappings/orders/to-erp.jsonata': (BASE['mappings/orders/to-erp.jsonata'] as string).replace('"sku": sku', '"sku": sku_code'),
      [T]: `pipeline: orders
tests:
  - name: lines without SKUs are refused
    input:
      file: ../fixtures/order.json
    expect:
      deadLetter:
        step: validate erp/order.schema.json
        reason: "sku: is required"
`,
    },
    expected: [],
  },
  {
    name: 'a validate that refuses the unchanged input is the fixture’s business, not a mapping’s',
    rule: 'typed-mappings',
    files: {
      [P]: (BASE[P] as string).replace('steps:\n', 'steps:\n  - validate: erp/line.schema.json\n'),
    },
    expected: [],
  },
  {
    name: 'an expectation closing on a subject nothing publishes: a warning on that subject',
    rule: 'expectations',
    files: {
      'pipelines/streams.yaml': WITH_EXCEPTIONS,
      'pipelines/expectations.yaml': `expectations:
  erp-posting:
    when: { subject: channel.orders, key: id, partner: "'web'" }
    expect: { subject: erp.posted.orders, key: id }
    within: 15m
    raise: { type: late-posting }
`,
    },
    expected: ["pipelines/expectations.yaml:4:24: warning: expectation 'erp-posting': nothing publishes to 'erp.posted.orders' (no pipeline output and no external: entry producing it), so every one would be late"],
  },
  {
    name: 'an expectation on subjects a pipeline and an outside system publish: no warning',
    rule: 'expectations',
    files: {
      'pipelines/streams.yaml': WITH_EXCEPTIONS,
      'pipelines/expectations.yaml': `expectations:
  erp-handoff:
    when: { subject: channel.orders, key: id, partner: "'web'" }
    expect: { subject: erp.orders.*, key: id }
    within: 15m
    raise: { type: late-handoff }
`,
    },
    expected: [],
  },
];
