/**
 * The console's work pages in a real browser (Debian's chromium through playwright-core) on a
 * real runner with the shipped pipelines and a real nats-server, after the demo day: the
 * Exceptions workbench lists the day's exceptions as the API does and filters them on the
 * server; an exception resolved in the browser with a note is resolved when the CLI reads it;
 * a dead letter replayed from the browser arrives on its subject; its body is shown as text
 * and a partner's credential header is not shown; a viewer sees no resolve or replay, and a
 * viewer's forged POST is refused with 403; axe-core finds no violation; no console errors.
 * Screenshots go to test-results/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { axeViolations, launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { signIn, startConsoleDay, type ConsoleDay } from '../support/console-day.ts';
import { runCli } from '../support/runner-process.ts';
import { waitFor } from '../support/nats.ts';

const OPERATOR_KEY = 'console-work-operator-key-5c1e';
const VIEWER_KEY = 'console-work-viewer-key-77d0';
const PARTNER_SECRET = 'pk_partner_secret_8812';

let day: ConsoleDay | undefined;
let browser: TestBrowser;
let base = '';
let page: Page;

interface Item {
  id: number;
  type: string;
  partner: string;
  state: string;
  resolutionNote?: string;
  resolvedBy?: string;
}

/** The API as the operator, by key (not through the browser). */
async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** The ids in the first column of the list table now shown. */
const listedIds = async (list: string): Promise<number[]> => (await page.locator(`#${list} tbody th button`).allTextContents()).map(Number);
const activeId = (): Promise<unknown> => page.evaluate('document.activeElement && document.activeElement.id');

beforeAll(async () => {
  day = await startConsoleDay(`operator:olga:${OPERATOR_KEY}, viewer:vera:${VIEWER_KEY}`, 'console-work');
  base = day.base;
  browser = await launchBrowser();
  page = await browser.page();
  await signIn(page, base, OPERATOR_KEY, '/console/exceptions');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await day?.close();
});

describe('the Exceptions workbench in a browser', () => {
  it('lists the day\'s exceptions as the API does, and filters them on the server', async () => {
    const { items } = await api<{ items: Item[] }>('/v1/exceptions?limit=50');
    expect(items.length).toBeGreaterThan(0);
    await expect.poll(() => listedIds('exceptions-list'), { timeout: 10_000 }).toEqual(items.map((i) => i.id));
    await expect.poll(() => page.textContent('#exceptions-open'), { timeout: 10_000 }).toMatch(/^[1-9][\d,]* not resolved \(/);
    // Filter by the type of the oldest listed and by state, with the keyboard (Enter submits).
    const type = (items[items.length - 1] as Item).type;
    const want = (await api<{ items: Item[] }>(`/v1/exceptions?limit=50&type=${encodeURIComponent(type)}&state=open`)).items.map((i) => i.id);
    expect(want.length).toBeGreaterThan(0);
    await page.selectOption('#ex-state', 'open');
    await page.fill('#ex-type', type);
    await page.focus('#ex-type');
    await page.keyboard.press('Enter');
    await expect.poll(() => listedIds('exceptions-list'), { timeout: 10_000 }).toEqual(want);
    expect(new Set(await page.locator('#exceptions-list tbody tr td:nth-child(2)').allTextContents())).toEqual(new Set([type]));
    expect(new URL(page.url()).searchParams.get('type')).toBe(type);
    // A filter nothing matches says so.
    await page.fill('#ex-partner', 'no-such-partner');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#exceptions-list p:text("No exception matches these filters.")');
    await page.click('button:text-is("Clear")');
    await expect.poll(() => listedIds('exceptions-list'), { timeout: 10_000 }).toEqual(items.map((i) => i.id));
  });

  it('resolves an exception with a note; the CLI reads it resolved', async () => {
    const open = (await api<{ items: Item[] }>('/v1/exceptions?state=open&limit=1')).items[0] as Item;
    await page.fill('#ex-partner', open.partner);
    await page.selectOption('#ex-state', 'open');
    await page.click('button:text-is("Apply filters")');
    await page.click(`#exceptions-list button[data-focus-key="open-${open.id}"]`);
    await page.waitForSelector('#exception-title');
    expect(await activeId()).toBe('exception-title');
    expect(await page.textContent('#exception-title')).toContain(`Exception ${open.id}`);
    expect(await page.locator('#exception-detail table:has(caption:text-is("Actions, oldest first")), #exception-detail p:text("No action yet.")').count()).toBeGreaterThan(0);
    // Acknowledge, then assign: each says what the API answered, and takes the focus.
    await page.click('#exception-detail button:text-is("Acknowledge")');
    await expect.poll(() => page.textContent('#exception-result'), { timeout: 10_000 }).toBe(`Exception ${open.id} is acknowledged.`);
    expect(await activeId()).toBe('exception-result');
    await page.fill('#assign-to', 'pat');
    await page.press('#assign-to', 'Enter');
    await expect.poll(() => page.textContent('#exception-result'), { timeout: 10_000 }).toBe(`Exception ${open.id} is acknowledged, assigned to pat.`);
    expect(await page.textContent('#exception-detail [data-fact="Assigned to"]')).toBe('pat');
    await page.fill('#resolve-note', 'Checked with the partner in the console');
    await page.click('#exception-detail button:text-is("Resolve")');
    await expect.poll(() => page.textContent('#exception-result'), { timeout: 10_000 }).toBe(`Exception ${open.id} is resolved, assigned to pat.`);
    expect(await activeId()).toBe('exception-result');
    expect(await page.textContent('#exception-detail [data-fact="Resolution note"]')).toBe('Checked with the partner in the console');
    const cli = await runCli(['exceptions', 'show', String(open.id), '--json', '--nats', day!.nats.url]);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ id: open.id, state: 'resolved', assignee: 'pat', acknowledgedBy: 'olga', resolvedBy: 'olga', resolutionNote: 'Checked with the partner in the console' });
    expect(await page.locator('#exception-detail table:has(caption:text-is("Actions, oldest first")) tbody tr td:nth-child(2)').allTextContents()).toEqual(['ack', 'assign', 'resolve']);
  });

  it('shows the API\'s refusal when the exception changed under the page', async () => {
    const other = (await api<{ items: Item[] }>('/v1/exceptions?state=open&limit=1')).items[0] as Item;
    await page.click('button:text-is("Clear")');
    await page.click(`#exceptions-list button[data-focus-key="open-${other.id}"]`);
    await page.waitForSelector(`#exception-title:text("Exception ${other.id}")`);
    // The focus stays in the detail, so a live refresh leaves it as the operator saw it.
    await page.focus('#exception-detail button:text-is("Acknowledge")');
    const res = await fetch(`${base}/v1/exceptions/${other.id}/resolve`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ note: 'resolved elsewhere' }) });
    expect(res.status).toBe(200);
    const before = browser.errors.length;
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#exception-result'), { timeout: 10_000 }).toBe(`Refused: exception ${other.id} is resolved; reopen it first (HTTP 409)`);
    expect(await activeId()).toBe('exception-result');
    // The browser logs the refused request as a failed resource load: that one, nothing else.
    expect(browser.errors.slice(before)).toEqual([expect.stringContaining('409')]);
    browser.errors.splice(before);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'exceptions');
  });
  it('shows new exceptions live, pages through them 50 at a time, and opens one from the keyboard', async () => {
    await page.click('button:text-is("Clear")');
    const before = (await api<{ items: Item[] }>('/v1/exceptions?limit=50')).items.map((i) => i.id);
    await expect.poll(() => listedIds('exceptions-list'), { timeout: 10_000 }).toEqual(before);
    const seqs: number[] = [];
    for (let n = 1; n <= 51; n++) seqs.push((await day!.nats.js.publish('exceptions.console-paging.console-test', JSON.stringify({ reason: `paging test ${n}` }))).seq);
    // No reload: the `exceptions` event brings the newest 50 into the list.
    await expect.poll(() => listedIds('exceptions-list'), { timeout: 15_000 }).toEqual(seqs.slice(1).reverse());
    await expect.poll(() => page.textContent('#exceptions-open'), { timeout: 10_000 }).toMatch(/^[1-9][\d,]* not resolved/);
    await page.fill('#ex-type', 'console-paging');
    await page.keyboard.press('Enter');
    await expect.poll(() => listedIds('exceptions-list'), { timeout: 10_000 }).toEqual(seqs.slice(1).reverse());
    await page.click('button:text-is("Next page")');
    await expect.poll(() => listedIds('exceptions-list'), { timeout: 10_000 }).toEqual([seqs[0]]);
    expect(await page.isDisabled('button:text-is("Next page")')).toBe(true);
    await page.click('button:text-is("Previous page")');
    await expect.poll(() => listedIds('exceptions-list'), { timeout: 10_000 }).toEqual(seqs.slice(1).reverse());
    const newest = seqs[50] as number;
    await page.focus(`#exceptions-list button[data-focus-key="open-${newest}"]`);
    await page.keyboard.press('Enter');
    await expect.poll(activeId).toBe('exception-title');
    expect(await page.textContent('#exception-title')).toBe(`Exception ${newest}: console-paging, console-test`);
  });
});

describe('the Dead letters page in a browser', () => {
  let id = 0;
  const BIG_BODY = JSON.stringify({ id: 4343, note: 'x'.repeat(100_000) });
  const BODY = JSON.stringify({ id: 4242, note: '<img src=x onerror="document.title=1"> & more', line_items: 'not a list' });

  beforeAll(async () => {
    const h = natsHeaders();
    h.set('X-Partner', 'console-test');
    h.set('X-Api-Key', PARTNER_SECRET);
    await day!.nats.js.publish('channel.shopify.orders.created', BODY, { headers: h });
    const big = natsHeaders();
    big.set('X-Partner', 'console-big');
    await day!.nats.js.publish('channel.shopify.orders.created', BIG_BODY, { headers: big });
    await waitFor('the dead letter of partner console-test', async () => {
      id = (await api<{ items: { id: number }[] }>('/v1/dlq?partner=console-test')).items[0]?.id ?? 0;
      return id > 0;
    }, 20_000);
  });

  it('filters by partner on the server, shows the body as text and hides the credential header', async () => {
    await page.goto(`${base}/console/dead-letters`);
    await expect.poll(() => page.textContent('#dead-letters-total'), { timeout: 10_000 }).toMatch(/^[1-9][\d,]* stored$/);
    const first = (await api<{ items: { id: number }[] }>('/v1/dlq?limit=50')).items.map((d) => d.id);
    await expect.poll(() => listedIds('dead-letters-list'), { timeout: 10_000 }).toEqual(first);
    await page.fill('#dl-partner', 'console-test');
    await page.keyboard.press('Enter');
    await expect.poll(() => listedIds('dead-letters-list'), { timeout: 10_000 }).toEqual([id]);
    await page.click(`#dead-letters-list button[data-focus-key="open-${id}"]`);
    await page.waitForSelector('#dead-letter-detail pre.body');
    expect(await activeId()).toBe('dead-letter-title');
    expect(await page.textContent('#dead-letter-detail pre.body')).toBe(BODY);
    expect(await page.locator('#dead-letter-detail pre.body img').count()).toBe(0);
    expect(await page.content()).not.toContain(PARTNER_SECRET);
    expect(await page.locator('#dead-letter-detail tr:has(th:text-is("X-Api-Key")) td').textContent()).toBe('[redacted]');
    await screenshot(page, 'dead-letter');
    // A large body: the first 64 KiB, and a note saying so.
    await page.fill('#dl-partner', 'console-big');
    await page.keyboard.press('Enter');
    await expect.poll(() => listedIds('dead-letters-list'), { timeout: 10_000 }).toHaveLength(1);
    await page.click('#dead-letters-list tbody th button');
    await page.waitForSelector('#dead-letter-detail p.note');
    expect(await page.textContent('#dead-letter-detail p.note')).toBe(`A large body: the first 65,536 bytes of ${BIG_BODY.length.toLocaleString('en')} are shown.`);
    expect(await page.textContent('#dead-letter-detail pre.body')).toBe(BIG_BODY.slice(0, 65_536));
    // Replaying the open one: the question comes under it; Cancel gives the focus back.
    const bigId = (await listedIds('dead-letters-list'))[0] as number;
    await page.click(`#dead-letter-detail button:text-is("Replay dead letter ${bigId}")`);
    await page.waitForSelector('#dead-letter-detail #replay-confirm:not([hidden])');
    expect(await activeId()).toBe('replay-question');
    await page.click('#replay-confirm button:text-is("Cancel")');
    expect(await page.isHidden('#replay-confirm')).toBe(true);
    expect(await page.evaluate('document.activeElement.textContent')).toBe(`Replay dead letter ${bigId}`);
    await page.keyboard.press('Enter');
    await page.click(`#replay-confirm button:text-is("Replay dead letter ${bigId}")`);
    await expect.poll(() => page.textContent('#replay-result'), { timeout: 10_000 }).toBe(`Replayed 1: ${bigId}.`);
    expect(await activeId()).toBe('replay-result');
    expect(await page.isHidden('#dead-letter-detail')).toBe(true);
    await page.fill('#dl-partner', 'console-test');
    await page.keyboard.press('Enter');
    await expect.poll(() => listedIds('dead-letters-list'), { timeout: 10_000 }).toEqual([id]);
  });

  it('replays a selected dead letter after a confirmation; it arrives on its subject', async () => {
    const sub = day!.nats.nc.subscribe('channel.shopify.orders.created', { max: 1, timeout: 20_000 });
    await day!.nats.nc.flush();
    await page.check(`#dead-letters-list input[aria-label="Select dead letter ${id}"]`);
    expect(await page.textContent('#replay-selected')).toBe('Replay selected (1)');
    await page.click('#replay-selected');
    await page.waitForSelector('#replay-confirm:not([hidden])');
    expect(await activeId()).toBe('replay-question');
    await page.click(`#replay-confirm button:text-is("Replay dead letter ${id}")`);
    await expect.poll(() => page.textContent('#replay-result'), { timeout: 10_000 }).toBe(`Replayed 1: ${id}.`);
    expect(await activeId()).toBe('replay-result');
    for await (const m of sub) {
      expect(m.headers?.get('Crossdock-Replayed-From')).toBe(`DLQ:${id}`);
      expect(m.string()).toBe(BODY);
    }
    // Many at once: every row of a filtered page.
    await page.fill('#dl-partner', '');
    await page.fill('#dl-pipeline', 'shopify-orders');
    await page.keyboard.press('Enter');
    const shopify = (await api<{ items: { id: number }[] }>('/v1/dlq?pipeline=shopify-orders')).items.map((d) => d.id);
    expect(shopify.length).toBeGreaterThan(1);
    await expect.poll(() => listedIds('dead-letters-list'), { timeout: 10_000 }).toEqual(shopify);
    await page.click('button:text-is("Select this page")');
    expect(await page.textContent('#replay-selected')).toBe(`Replay selected (${shopify.length})`);
    await page.click('#replay-selected');
    await page.click(`#replay-confirm button:text-is("Replay ${shopify.length} dead letters")`);
    await expect.poll(() => page.textContent('#replay-result'), { timeout: 10_000 }).toBe(`Replayed ${shopify.length}: ${shopify.join(', ')}.`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'dead-letters');
  });
});

describe('a viewer', () => {
  it('sees no resolve and no replay, and a forged POST with the viewer\'s session is refused', async () => {
    await page.click('button:text-is("Sign out")');
    await page.waitForURL(`${base}/console/sign-in`);
    await signIn(page, base, VIEWER_KEY, '/console/exceptions');
    await expect.poll(() => page.textContent('#who')).toBe('vera (viewer)');
    const open = (await api<{ items: Item[] }>('/v1/exceptions?state=open&limit=1')).items[0] as Item;
    await page.click(`#exceptions-list button[data-focus-key="open-${open.id}"]`);
    await page.waitForSelector('#exception-title');
    expect(await page.locator('#exception-detail button').count()).toBe(0);
    expect(await page.locator('#exception-detail textarea').count()).toBe(0);
    expect(await page.textContent('#exception-detail')).toContain('a viewer: acknowledging, assigning and resolving need an operator key');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'exceptions-viewer');

    await page.goto(`${base}/console/dead-letters`);
    await page.waitForSelector('#dead-letters-list tbody tr');
    expect(await page.locator('#dead-letters-list input[type="checkbox"]').count()).toBe(0);
    expect(await page.locator('button:has-text("Replay")').count()).toBe(0);
    const dl = Number(await page.locator('#dead-letters-list tbody th button').first().textContent());
    await page.click(`#dead-letters-list button[data-focus-key="open-${dl}"]`);
    await page.waitForSelector('#dead-letter-title');
    expect(await page.locator('#dead-letter-detail pre').count()).toBe(0);
    expect(await page.textContent('#dead-letter-detail')).toContain('the body is shown to operators only');
    expect(await axeViolations(page)).toEqual([]);

    const before = browser.errors.length;
    const statuses = await page.evaluate(`(async () => {
      const s = await (await fetch('/console/session')).json();
      const post = (path, body) => fetch(path, { method: 'POST', headers: { 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
      return [s.role, await post('/v1/exceptions/${open.id}/resolve', { note: 'forged' }), await post('/v1/dlq/replay', { ids: [${dl}] })];
    })()`);
    expect(statuses).toEqual(['viewer', 403, 403]);
    // The browser logs each refused request as a failed resource load: those two, nothing else.
    expect(browser.errors.slice(before).every((e) => e.includes('403'))).toBe(true);
    browser.errors.splice(before);
    expect((await api<Item>(`/v1/exceptions/${open.id}`)).state).toBe('open');
    expect((await api<{ items: { id: number }[] }>(`/v1/dlq?cursor=${dl}&limit=1`)).items[0]?.id).toBe(dl);
  });

  it('left no console error on any page', () => {
    expect(browser.errors).toEqual([]);
  });
});
