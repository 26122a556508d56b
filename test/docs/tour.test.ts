/**
 * The README's five-minute tour, run as written: its `crossdock publish` lines (read from the
 * README) go to a real runner of the Shopify order flow over a real nats-server, and what the
 * tour's comments say happens is checked: the first order leaves for the ERP, the order
 * without line items is dead-lettered whole at the partner schema, for that reason alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastShopifyProject, REPO } from '../support/project.ts';
import { readStream, startTestNats, streamCount, waitFor, type TestNats } from '../support/nats.ts';
import { runCli, startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

interface TourPublish {
  /** The comment lines just above the command, as one line. */
  readonly says: string;
  readonly args: string[];
}

/** The `npx crossdock publish …` commands of the tour's second terminal, with the comment above each. */
function tourPublishes(): TourPublish[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const tour = readme.slice(readme.indexOf('## A five-minute tour'), readme.indexOf('\n## ', readme.indexOf('## A five-minute tour') + 1));
  const block = /In another[^\n]*\n```sh\n([\s\S]*?)```/.exec(tour)?.[1] ?? '';
  const lines = block.replace(/\\\n\s*/g, '').split('\n');
  const out: TourPublish[] = [];
  let says: string[] = [];
  for (const line of lines) {
    const m = /^npx crossdock publish (.+)$/.exec(line.trim());
    if (m) out.push({ says: says.join(' '), args: (m[1] as string).trim().split(/\s+/) });
    if (line.startsWith('#')) says.push(line.replace(/^#\s*/, ''));
    else says = [];
  }
  return out;
}

let nats: TestNats;
let runner: RunnerProcess;

beforeAll(async () => {
  nats = await startTestNats();
  runner = startRunnerProcess(fastShopifyProject().pipelinesDir, nats.url);
  await runner.ready;
});

afterAll(async () => {
  runner.child.kill('SIGTERM');
  await runner.exited;
  await nats.close();
});

describe('the five-minute tour', () => {
  it('publishes an order that reaches the ERP stream, and an order without line items that is dead-lettered whole', async () => {
    const publishes = tourPublishes();
    expect(publishes.map((p) => p.says)).toEqual([
      'a Shopify orders/create webhook body arrives on the channel stream',
      expect.stringMatching(/an order without line items/),
    ]);
    const [order, noLines] = publishes as [TourPublish, TourPublish];

    const first = await runCli(['publish', ...order.args, '--nats', nats.url]);
    expect(first.code, first.stderr).toBe(0);
    await waitFor('the SalesOrder on the ERP stream', async () => (await streamCount(nats.jsm, 'ERP')) === 1);

    const file = noLines.args[1] as string;
    const body = JSON.parse(readFileSync(join(REPO, file), 'utf8')) as Record<string, unknown>;
    // One Shopify order, not a list wrapper: it has its own id and no line items.
    expect(typeof body.id).toBe('number');
    expect(body).not.toHaveProperty('orders');
    expect(body).not.toHaveProperty('line_items');

    const second = await runCli(['publish', ...noLines.args, '--nats', nats.url]);
    expect(second.code, second.stderr).toBe(0);
    await waitFor('the dead letter', async () => (await streamCount(nats.jsm, 'DLQ')) === 1);
    const [dead] = await readStream(nats.jsm, 'DLQ');
    expect(dead?.body).toBe(readFileSync(join(REPO, file), 'utf8'));
    expect(dead?.headers['Crossdock-Step']).toBe('1: validate partners/shopify/order.schema.json');
    // Everything else the partner schema requires is there: the line items are the reason.
    expect(dead?.headers['Crossdock-Reason']).toBe('does not match partners/shopify/order.schema.json: /line_items: is required');
    expect(await streamCount(nats.jsm, 'ERP')).toBe(1);

    const list = await runCli(['dlq', 'list', '--nats', nats.url]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('shopify-orders');
  });
});
