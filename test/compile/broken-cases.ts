/**
 * Broken configurations and the exact diagnostics they must produce. Each case is a small
 * project: a valid base (streams, one pipeline, one mapping, one schema) with some files
 * replaced. The YAML is inline so the line and column in the expectation can be checked by eye.
 */
import { registry } from '../../runtime/components/registry.ts';

export const BASE: Readonly<Record<string, string>> = {
  'pipelines/streams.yaml': `streams:
  CHANNELS:
    subjects: [channel.>]
  ERP:
    subjects: [erp.>]
  DLQ:
    subjects: [dlq.>]
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
      subject: "'erp.orders'"
      id: "'order:' & id"
`,
  'mappings/orders/to-erp.jsonata': `{
  "id": $string(id),
  "total": $sum(lines.(qty * price))
}
`,
  'schemas/erp/order.schema.json': `{
  "type": "object",
  "required": ["id"]
}
`,
};

export interface BrokenCase {
  readonly name: string;
  readonly files: Readonly<Record<string, string | null>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly only?: readonly string[];
  /** Every error diagnostic, formatted `file:line:col: message`, sorted. */
  readonly expected: readonly string[];
}

const pipeline = (body: string): Record<string, string> => ({ 'pipelines/orders.yaml': body });
const P = 'pipelines/orders.yaml';

export const CASES: readonly BrokenCase[] = [
  {
    name: 'YAML syntax error: a quote never closed',
    files: pipeline(`pipeline: orders
description: "Orders to the ERP.
owner: team
`),
    // The parser only notices at the end of the document.
    expected: [`${P}:4:1: YAML missing char: Missing closing "quote`],
  },
  {
    name: 'YAML duplicate key',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
owner: other-team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:4:1: YAML duplicate key: Map keys must be unique`],
  },
  {
    name: 'unknown step kind, with a suggestion',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - mapp: orders/to-erp.jsonata
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:6:5: unknown step kind 'mapp' (did you mean 'map'?); known kinds: ${[...registry.steps.keys()].join(', ')}`],
  },
  {
    name: 'unknown input kind',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input:
  kafka: { topic: orders }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:5:3: unknown input kind 'kafka'; known kinds: ${[...registry.inputs.keys()].join(', ')}`],
  },
  {
    name: 'misspelt top-level property',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
ouputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [
      `${P}:1:1: pipeline: missing required property 'outputs'`,
      `${P}:5:1: pipeline: unknown property 'ouputs' (did you mean 'outputs'?)`,
    ],
  },
  {
    name: 'missing owner',
    files: pipeline(`pipeline: orders
description: Orders.
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:1:1: pipeline: missing required property 'owner'`],
  },
  {
    name: 'pipeline name not in the allowed form',
    files: pipeline(`pipeline: Orders_EU
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:1:11: pipeline: 'pipeline' must match ^[a-z0-9][a-z0-9-]*$`],
  },
  {
    name: 'mapping file missing',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - map: orders/to-erp-v2.jsonata
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:6:10: mapping file not found: mappings/orders/to-erp-v2.jsonata`],
  },
  {
    name: 'JSONata syntax error inside a .jsonata file',
    files: {
      'mappings/orders/to-erp.jsonata': `{
  "id": $string(id),
  "total": $sum(lines.(qty * * price))
}
`,
    },
    expected: [`mappings/orders/to-erp.jsonata:3:32: JSONata S0202: Expected ")", got "price"`],
  },
  {
    name: 'JSONata syntax error in an inline filter',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - filter: "status = 'paid' and and total > 0"
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:6:38: JSONata S0201: Syntax error: "total"`],
  },
  {
    name: 'JSONata syntax error in a block scalar',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - map:
      expr: |
        {
          "id": id,
          "lines": lines.{ "sku": sku, }
        }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:10:40: JSONata S0211: The symbol "}" cannot be used as a unary operator`],
  },
  {
    name: 'JSONata syntax error in an output subject',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs:
  erp:
    jetstream:
      subject: "'erp.orders.' & (channel"
`),
    expected: [`${P}:8:41: JSONata S0203: Expected ")" before end of expression`],
  },
  {
    name: 'schema reference to a missing file',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - validate: erp/sales-order.schema.json
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:6:15: schema file not found: erp/sales-order.schema.json (looked in schemas; did you mean 'erp/order.schema.json'?)`],
  },
  {
    name: 'schema file that is not JSON',
    files: {
      'schemas/erp/order.schema.json': `{
  "type": "object",
  "required": ["id"],
}
`,
    },
    expected: [`schemas/erp/order.schema.json:4:1: schema is not valid JSON: Expected double-quoted property name`],
  },
  {
    name: 'schema that does not compile',
    files: { 'schemas/erp/order.schema.json': `{ "type": "strin" }\n` },
    expected: [`schemas/erp/order.schema.json:1:1: invalid schema: schema is invalid: data/type must be equal to one of the allowed values, data/type must be array, data/type must match a schema in anyOf`],
  },
  {
    name: 'two pipelines with the same name',
    files: {
      'pipelines/orders-copy.yaml': `pipeline: orders
description: A copy.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders.eu } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`,
    },
    expected: [`pipelines/orders.yaml:1:11: duplicate pipeline name 'orders' (also in pipelines/orders-copy.yaml:1)`],
  },
  {
    name: 'unset environment variable',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs:
  erp:
    jetstream:
      subject: "'erp.\${ERP_TENANT}.orders'"
`),
    expected: [`${P}:8:22: environment variable ERP_TENANT is not set (referenced as \${ERP_TENANT})`],
  },
  {
    name: 'route to an output that does not exist',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - route:
      - when: total > 10000
        to: review
      - to: erp
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:8:13: route target 'review' is not an output of this pipeline (outputs: erp)`],
  },
  {
    name: 'input stream not declared',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: ORDERS, subject: channel.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:4:31: stream 'ORDERS' is not declared in any streams file (declared: CHANNELS, ERP, DLQ)`],
  },
  {
    name: 'input subject outside its stream',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: erp.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:4:50: subject 'erp.orders' is not captured by stream CHANNELS (subjects: channel.>)`],
  },
  {
    name: 'two pipelines on one durable consumer',
    files: {
      'pipelines/returns.yaml': `pipeline: returns
description: Returns.
owner: team
input:
  jetstream: { stream: CHANNELS, subject: channel.returns, durable: orders }
outputs: { erp: { jetstream: { subject: "'erp.returns'" } } }
`,
    },
    expected: [`pipelines/returns.yaml:5:69: durable consumer 'orders' on CHANNELS is also used by pipeline 'orders'; they would take each other's messages`],
  },
  {
    name: 'dead-letter subject no stream captures',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
errors:
  deadLetter: failed.orders
`),
    expected: [`${P}:7:15: dead-letter subject 'failed.orders' is not captured by any stream; dead letters would be lost`],
  },
  {
    name: 'backoff written in words',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
errors:
  backoff: [1s, 10 seconds]
`),
    expected: [`${P}:7:17: pipeline: 'errors.backoff.1' must match ^\\d+(\\.\\d+)?(ms|s|m|h|d)$`],
  },
  {
    name: 'maxDeliver below one',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
errors:
  maxDeliver: 0
`),
    expected: [`${P}:7:15: pipeline: 'errors.maxDeliver' must be >= 1`],
  },
  {
    name: 'concurrency above maxAckPending',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input:
  jetstream:
    stream: CHANNELS
    subject: channel.orders
    maxAckPending: 100
    concurrency: 500
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:9:18: concurrency (500) cannot exceed maxAckPending (100)`],
  },
  {
    name: 'misspelt output option',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs:
  erp:
    jetstream:
      subjet: "'erp.orders'"
`),
    expected: [
      `${P}:7:5: output jetstream: missing required property 'subject'`,
      `${P}:8:7: output jetstream: unknown property 'subjet' (did you mean 'subject'?)`,
    ],
  },
  {
    name: 'a reserved header set by a step',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - headers:
      Nats-Msg-Id: id
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:7:20: header 'Nats-Msg-Id' is reserved (Nats-* and Crossdock-* are set by the runner)`],
  },
  {
    name: 'streams whose subjects overlap',
    files: {
      'pipelines/streams.yaml': `streams:
  CHANNELS:
    subjects: [channel.>]
  SHOPIFY:
    subjects: [channel.shopify.*]
  ERP:
    subjects: [erp.>]
  DLQ:
    subjects: [dlq.>]
`,
    },
    expected: [`pipelines/streams.yaml:5:16: subject 'channel.shopify.*' of stream SHOPIFY overlaps 'channel.>' of stream CHANNELS`],
  },
  {
    name: 'a YAML file that is neither a pipeline nor streams',
    files: { 'pipelines/notes.yaml': `todo:\n  - write the returns flow\n` },
    expected: [`pipelines/notes.yaml:1:1: not a Crossdock file: expected a top-level \`pipeline:\` or \`streams:\` key (fixture tests end in .test.yaml)`],
  },
  {
    name: 'a step given the wrong type of value',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - validate: 42
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:6:15: step validate: does not match any of the allowed forms`],
  },
  {
    // Issue 12: $headers holds a header under one spelling, so the other lookup would find nothing.
    name: 'one header spelled two ways in one pipeline (a step and a mapping file)',
    files: {
      [P]: (BASE[P] as string).replace('  - map: orders/to-erp.jsonata', `  - filter: "$headers.'X-WC-Webhook-Topic' = 'order.created'"\n  - map: orders/to-erp.jsonata`),
      'mappings/orders/to-erp.jsonata': '{\n  "id": $string(id),\n  "topic": $lookup($headers, "x-wc-webhook-topic")\n}\n',
    },
    expected: [
      `mappings/orders/to-erp.jsonata:3:30: header 'x-wc-webhook-topic' is written 'X-WC-Webhook-Topic' at ${P}:9:23; header names are case-insensitive and $headers holds each under one spelling, so this lookup would find nothing: write $headers.'X-WC-Webhook-Topic' here too`,
    ],
  },
  {
    name: 'the correlation id header spelled otherwise than the runner sets it',
    files: { [P]: (BASE[P] as string).replace(`id: "'order:' & id"`, `id: "'order:' & $headers.'x-correlation-id'"`) },
    expected: [
      `${P}:15:32: header 'x-correlation-id' is 'X-Correlation-Id' in every pipeline (the runner sets it); header names are case-insensitive and $headers holds each under one spelling, so this lookup would find nothing: write $headers.'X-Correlation-Id' here too`,
    ],
  },
  {
    name: '--only names a pipeline that does not exist',
    files: {},
    only: ['order'],
    expected: [`pipelines:1:1: no pipeline named 'order' (known: orders)`],
  },
];
