/**
 * More broken configurations (issue 12), in the format of broken-cases.ts: mistakes whose
 * message must say what is wrong in the reader's terms and how to fix it.
 */
import type { BrokenCase } from './broken-cases.ts';

const P = 'pipelines/orders.yaml';
const pipeline = (body: string): Record<string, string> => ({ [P]: body });

export const HINT_CASES: readonly BrokenCase[] = [
  {
    // The README's generated output examples once read like this; ajv said only
    // "'outputs.erp' must be object" and "'outputs.jetstream' must NOT have more than 1 properties".
    name: 'output kind written level with the output name',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs:
  erp:
  jetstream:
    subject: "'erp.orders'"
    id: "'order:' & id"
`),
    expected: [
      `${P}:6:3: pipeline: output 'erp' has no kind: 'jetstream:' is written level with 'erp:', so it reads as a second output; an output needs its kind under it — indent 'jetstream:' and its options one level under 'erp:' (erp: { jetstream: {...} })`,
    ],
  },
  {
    name: 'output with nothing under its name',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs:
  erp:
`),
    expected: [`${P}:6:3: pipeline: output 'erp' has no kind: an output needs its kind under it, e.g. erp: { jetstream: {...} } (kinds: jetstream, file)`],
  },
  {
    name: 'schema reference with a typo, with a suggestion',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - validate: erp/oder.schema.json
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:6:15: schema file not found: erp/oder.schema.json (looked in schemas; did you mean 'erp/order.schema.json'?)`],
  },
  {
    name: 'schema reference with a folder left out, with a suggestion',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - validate: order.schema.json
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:6:15: schema file not found: order.schema.json (looked in schemas; did you mean 'erp/order.schema.json'?)`],
  },
  {
    name: 'schema reference to nothing like an existing schema: no suggestion',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
steps:
  - validate: finance/supplier-invoice.schema.json
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
`),
    expected: [`${P}:6:15: schema file not found: finance/supplier-invoice.schema.json (looked in schemas)`],
  },
  {
    // The emptied value used to fail the schema too: 'errors.maxDeliver' must be integer.
    name: 'unset environment variable as a whole value, reported once',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs: { erp: { jetstream: { subject: "'erp.orders'" } } }
errors:
  maxDeliver: \${MAX_DELIVER}
`),
    expected: [`${P}:7:15: environment variable MAX_DELIVER is not set (referenced as \${MAX_DELIVER})`],
  },
  {
    // Used to add: output file: 'dir' must NOT have fewer than 1 characters.
    name: 'unset environment variable in a component option, reported once',
    files: pipeline(`pipeline: orders
description: Orders.
owner: team
input: { jetstream: { stream: CHANNELS, subject: channel.orders } }
outputs:
  erp:
    file:
      dir: \${OUTBOX}
      name: "'order.json'"
`),
    expected: [`${P}:8:12: environment variable OUTBOX is not set (referenced as \${OUTBOX})`],
  },
];
