/**
 * Secrets never printed: canary values planted in every place a pipeline takes one from the
 * environment (an http URL with userinfo, an `api_key` in a URL, an Authorization header, an
 * inline mapping, a broken expression), an ERP stand-in that echoes what it was sent in its 500
 * answer, and then everything Crossdock prints is searched for them: the live runner's log
 * lines, the dead letters' headers, `dlq list`/`dlq show`, `lint`, `test`, and `run` refusing a
 * broken project.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tempProject } from '../support/project.ts';
import { hdrs, readStream, startTestNats, streamCount, tempDir, waitFor, type TestNats } from '../support/nats.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

// Every canary holds "canary" except the piece of STATUS_SECRET a JSONata error quotes alone.
const CANARY = /canary|zq81xv/i;
const ISSUED_BY_ERP = 'canary-erp-issued-K2v9';
const env: Record<string, string> = {
  ERP_TOKEN: 'canary-tok-5Rz81Q',
  ERP_API_KEY: 'canary-key-77Wm3p',
  PARTNER_SECRET: 'canary-partner-Q4t7',
  STATUS_SECRET: 'canarystatus zq81xv',
  BROKEN_TOKEN: 'canaryBrk7Zq',
};

const STREAMS = `streams:
  IN: { subjects: [in.>] }
  OUT: { subjects: [out.>] }
  DLQ: { subjects: [dlq.>] }
`;
const pipeline = (name: string, subject: string, steps: string): string => `pipeline: ${name}
description: secrets test
owner: test
input: { jetstream: { stream: IN, subject: ${subject} } }
steps:
${steps}
outputs:
  out: { jetstream: { subject: "'out.${name}'" } }
errors: { maxDeliver: 2, backoff: [100ms], deadLetter: dlq.${name} }
`;

const live = tempProject(
  {
    'pipelines/streams.yaml': STREAMS,
    'pipelines/erp-echo.yaml': pipeline('erp-echo', 'in.echo', `  - http:
      name: erp
      url: \${ERP_URL}/api/orders?api_key=\${ERP_API_KEY}
      headers:
        Authorization: Bearer \${ERP_TOKEN}
`),
    'pipelines/erp-creds.yaml': pipeline('erp-creds', 'in.creds', `  - http:
      name: erp
      url: \${ERP_URL_CREDS}
      path: "'/api/orders'"
`),
    'pipelines/partner.yaml': pipeline('partner', 'in.partner', `  - map: |
      orderNumber = 'poison'
        ? $error('partner \${PARTNER_SECRET} refused ' & orderNumber)
        : { "orderNumber": orderNumber, "partner": "\${PARTNER_SECRET}" }
`),
    // Both tests fail, and their problems quote what the pipeline produced.
    'pipelines/partner.test.yaml': `pipeline: partner
tests:
  - name: stamps the partner
    input: { body: { orderNumber: A1 } }
    expect: { outputs: [{ body: { partner: someone-else } }] }
  - name: passes the poison order
    input: { body: { orderNumber: poison } }
    expect: { outputs: [{ body: { orderNumber: poison } }] }
`,
    'pipelines/erp-echo.test.yaml': `pipeline: erp-echo
tests:
  - name: posts the order
    http: { erp: { status: 500, body: { error: token rejected } } }
    input: { body: { orderNumber: A1 } }
    expect: { outputs: [{ body: { orderNumber: A1 } }] }
`,
  },
  { copyMappings: false, copySchemas: false },
);

const broken = tempProject(
  {
    'pipelines/streams.yaml': STREAMS,
    'pipelines/broken.yaml': pipeline('broken', 'in.broken', `  - filter: status = \${STATUS_SECRET}
  - filter: "'Bearer' \${BROKEN_TOKEN}"
`),
  },
  { copyMappings: false, copySchemas: false },
);

let nats: TestNats;
let erp: Server;
let runner: RunnerProcess;
const erpSaw: { auth: string | undefined; url: string | undefined }[] = [];

beforeAll(async () => {
  erp = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      erpSaw.push({ auth: req.headers.authorization, url: req.url });
      // An ERP that quotes the credentials it refuses, and hands out one of its own.
      res.writeHead(500, { 'content-type': 'application/json' }).end(
        JSON.stringify({ error: 'token rejected', detail: `Authorization: ${req.headers.authorization ?? ''} is not valid for ${req.url ?? ''}`, access_token: ISSUED_BY_ERP }),
      );
    });
  });
  await new Promise<void>((r) => erp.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(erp.address() as AddressInfo).port}`;
  env.ERP_URL = base;
  // fetch refuses a URL with credentials, and its error message quotes the URL whole.
  env.ERP_URL_CREDS = base.replace('http://', 'http://canaryuser:canary-pass-Xy93@');
  nats = await startTestNats();
  Object.assign(process.env, env);
  try {
    runner = startRunnerProcess(live.pipelinesDir, nats.url);
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
  }
  await runner.ready;
});

afterAll(async () => {
  if (runner.child.exitCode === null) runner.child.kill('SIGTERM');
  await runner.exited;
  await nats.close();
  erp.close();
});

it('no canary reaches a log line, a dead-letter header, dlq list/show, lint, test or run', async () => {
  const order = new TextEncoder().encode(JSON.stringify({ orderNumber: 'poison' }));
  for (const subject of ['in.echo', 'in.creds', 'in.partner']) await nats.js.publish(subject, order, { headers: hdrs({ 'X-Correlation-Id': `corr-${subject}` }) });
  await waitFor('three dead letters', async () => (await streamCount(nats.jsm, 'DLQ')) === 3, 30_000);
  // The canaries really were used: the ERP got the token and the key.
  expect(erpSaw.length).toBe(2);
  expect(erpSaw[0]).toEqual({ auth: `Bearer ${env.ERP_TOKEN}`, url: `/api/orders?api_key=${env.ERP_API_KEY}` });

  const printed: Record<string, string> = {};
  const dead = await readStream(nats.jsm, 'DLQ');
  const reasons = Object.fromEntries(dead.map((d) => [d.subject, d.headers['Crossdock-Reason'] ?? '']));
  printed['dead-letter headers'] = JSON.stringify(dead.map((d) => d.headers));
  // Each failure is still explained, with the variable named where its value was.
  expect(reasons['dlq.erp-echo']).toContain('POST ${ERP_URL}/api/orders?api_key=${ERP_API_KEY} answered 500');
  expect(reasons['dlq.erp-echo']).toContain('Bearer ${ERP_TOKEN} is not valid');
  expect(reasons['dlq.erp-echo']).toContain('"access_token":"[redacted]"');
  expect(reasons['dlq.erp-creds']).toContain('POST ${ERP_URL_CREDS}/api/orders failed');
  expect(reasons['dlq.partner']).toContain('partner ${PARTNER_SECRET} refused poison');

  const cli = async (label: string, args: string[], cwd?: string): Promise<{ code: number | null; out: string }> => {
    const r = await runCli(args, { env, ...(cwd ? { cwd } : {}) });
    printed[label] = r.stdout + r.stderr;
    return { code: r.code, out: r.stdout + r.stderr };
  };
  expect((await cli('dlq list', ['dlq', 'list', '--nats', nats.url])).code).toBe(0);
  await cli('dlq list --json', ['dlq', 'list', '--json', '--nats', nats.url]);
  for (const d of dead) await cli(`dlq show ${d.seq}`, ['dlq', 'show', String(d.seq), '--nats', nats.url]);
  await cli('dlq show --json', ['dlq', 'show', String(dead[0]?.seq), '--json', '--nats', nats.url]);
  const fixtures = await cli('test', ['test', '--pipelines', 'pipelines'], live.root);
  expect(fixtures.out).toMatch(/0 passed, 3 failed/);
  expect(fixtures.out).toContain('got "${PARTNER_SECRET}"');
  await cli('lint', ['lint', '--pipelines', 'pipelines'], live.root);
  await cli('lint --format json', ['lint', '--format', 'json', '--pipelines', 'pipelines'], live.root);
  const lintBroken = await cli('lint broken', ['lint', '--pipelines', 'pipelines'], broken.root);
  expect(lintBroken.code).toBe(1);
  expect(lintBroken.out).toContain('Syntax error: "${STATUS_SECRET}"');
  expect(lintBroken.out).toContain('Syntax error: "${BROKEN_TOKEN}"');
  await cli('lint broken --format json', ['lint', '--format', 'json', '--pipelines', 'pipelines'], broken.root);
  const refused = await cli('run broken', ['run', '--pipelines', 'pipelines', '--nats', nats.url, '--data', tempDir('secrets-run'), '--http', 'off'], broken.root);
  expect(refused.code).toBe(1);
  expect(refused.out).toMatch(/nothing was started/);

  runner.child.kill('SIGTERM');
  await runner.exited;
  printed['runner log'] = runner.output();
  expect(printed['runner log']).toMatch(/transient failure, will retry/);
  expect(printed['runner log']).toMatch(/message dead-lettered/);

  const leaks = Object.entries(printed).filter(([, text]) => CANARY.test(text)).map(([label, text]) => `${label}: ${text.split('\n').filter((l) => CANARY.test(l)).join('\n')}`);
  expect(leaks).toEqual([]);
});
