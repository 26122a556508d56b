/**
 * Issue 12: `crossdock plan` sees a producer → consumer link that a change cuts, whatever broad
 * `external:` entries (`erp.>`, `channel.>`) say: they describe outside systems, not the
 * pipeline that stops getting the messages. The base mirrors the shipped streams file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planProject } from '../../runtime/review/plan.ts';
import { runCli } from '../support/runner-process.ts';
import { commit, removeRepos, repoWith } from './git-repo.ts';

afterAll(removeRepos);

const env = (): string | undefined => undefined;

const BASE: Readonly<Record<string, string>> = {
  'pipelines/streams.yaml': `streams:
  CHANNELS:
    subjects: [channel.>]
  ERP:
    subjects: [erp.>]
  DLQ:
    subjects: [dlq.>]
external:
  - subject: erp.>
    direction: consumed
    system: ERP adapter
    description: Posts ERP-bound documents.
  - subject: channel.>
    direction: both
    system: Channel adapters
    description: Marketplaces publish orders; updates go back to each channel.
`,
  'pipelines/woo-webhooks.yaml': `pipeline: woo-webhooks
description: WooCommerce webhooks in.
owner: channels-team
input:
  http:
    path: /webhooks/woo
    auth: none
outputs:
  channel:
    jetstream:
      subject: "'channel.woo.orders.created'"
`,
  'pipelines/salesorders.yaml': `pipeline: salesorders
description: Channel orders become ERP sales orders.
owner: channels-team
input:
  jetstream:
    stream: CHANNELS
    subject: channel.*.orders.created
    durable: salesorders
steps:
  - map:
      expr: '{ "id": $string(id), "channel": "woo" }'
outputs:
  erp:
    jetstream:
      subject: "'erp.salesorders.' & channel"
      id: "'salesorder:' & id"
`,
  'pipelines/erp-post-salesorders.yaml': `pipeline: erp-post-salesorders
description: Posts sales orders to the ERP.
owner: erp-team
input:
  jetstream:
    stream: ERP
    subject: erp.salesorders.*
    durable: erp-post-salesorders
outputs:
  posted:
    jetstream:
      subject: "'erp.posted.salesorders'"
      id: "'posted:' & id"
`,
};

const edit = (file: string, from: string, to: string): Record<string, string> => {
  const text = BASE[file] as string;
  if (!text.includes(from)) throw new Error(`${file} has no '${from}'`);
  return { [file]: text.replace(from, to) };
};

async function planOf(change: Readonly<Record<string, string | null>>): Promise<{ findings: string[]; exitCode: number; markdown: string }> {
  const root = repoWith(BASE);
  commit(root, change);
  const r = await planProject({ cwd: root, pipelines: 'pipelines', base: 'HEAD~1', env });
  return { findings: r.report.findings.map((x) => `${x.severity} ${x.kind} ${x.about}`), exitCode: r.exitCode, markdown: r.markdown };
}

describe('crossdock plan: links between pipelines', () => {
  it('an output subject changed so that the pipeline reading it no longer matches is breaking, though erp.> is external', async () => {
    const r = await planOf(edit('pipelines/salesorders.yaml', `'erp.salesorders.' & channel`, `'erp.orders.' & channel`));
    expect(r.findings).toEqual(['breaking output-link-cut salesorders']);
    expect(r.exitCode).toBe(2);
    expect(r.markdown).toContain('salesorders: output erp no longer reaches pipeline erp-post-salesorders');
    expect(r.markdown).toContain("now 'erp.orders.*', which erp-post-salesorders (erp.salesorders.*) does not read");
  });

  it("a consumer's input subject changed so that it no longer reads its producer is breaking", async () => {
    const r = await planOf(edit('pipelines/erp-post-salesorders.yaml', 'subject: erp.salesorders.*', 'subject: erp.sales-orders.*'));
    expect(r.findings).toContain('breaking output-link-cut salesorders');
    expect(r.exitCode).toBe(2);
  });

  it('an edge whose subject no pipeline reads any more is breaking, though channel.> is external', async () => {
    const r = await planOf(edit('pipelines/woo-webhooks.yaml', `'channel.woo.orders.created'`, `'channel.woo.order.created'`));
    expect(r.findings).toEqual(['breaking output-link-cut woo-webhooks']);
    expect(r.exitCode).toBe(2);
  });

  it('a new edge publishing to a subject no pipeline reads is breaking', async () => {
    const shop = (BASE['pipelines/woo-webhooks.yaml'] as string).replace('woo-webhooks', 'shop-webhooks').replace('/webhooks/woo', '/webhooks/shop').replace('channel.woo.orders.created', 'channel.shop.order.new');
    const r = await planOf({ 'pipelines/shop-webhooks.yaml': shop });
    expect(r.findings).toEqual(['breaking edge-output-unread shop-webhooks']);
    expect(r.exitCode).toBe(2);
    expect(r.markdown).toContain("shop-webhooks: output channel publishes to 'channel.shop.order.new', which no pipeline reads");
  });

  it('a change that keeps every link is not breaking', async () => {
    const r = await planOf(edit('pipelines/salesorders.yaml', `'erp.salesorders.' & channel`, `'erp.salesorders.' & $lowercase(channel)`));
    expect(r.exitCode).toBe(0);
  });

  it('plan --base with an unknown revision prints one clear line and exits 1', async () => {
    const root = repoWith(BASE);
    const r = await runCli(['plan', '--base', 'nosuchref'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining("no revision 'nosuchref' in this repository")]);
  });
});
