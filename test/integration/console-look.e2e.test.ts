/**
 * The console's lookup pages, Trace and Availability, in a real browser (Debian's chromium
 * through playwright-core) on a real runner with the shipped pipelines and a real
 * nats-server, after the demo day has played, signed in with a viewer's key: the journey of
 * the day's B2B order hop by hop with the times between, a shared ?key= link, the back
 * button, a dead letter and an exception standing out and linking to their documents, a SKU's
 * figures per channel and region as GET /v1/atp gives them, an explain opened with the
 * keyboard, the messages for unknown and refused keys, no console errors, and axe-core's
 * checks. Screenshots go to test-results/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { startConsoleDay, type ConsoleDay } from '../support/console-day.ts';

const VIEWER_KEY = 'console-look-viewer-key-5c21';
const ORDER = 'ACME-PO-55120';
const SKU = 'IPOD2008GREEN';

interface Hop {
  stream: string;
  seq: number;
  subject: string;
  outcome: string;
  sincePreviousMs: number;
  pipeline?: string;
  correlationId?: string;
  deadLetterId?: number;
  exceptionId?: number;
}
interface Journey {
  key: string;
  hops: Hop[];
}

let day: ConsoleDay | undefined;
let browser: TestBrowser;
let base = '';
let page: Page;

/** GET on the API with the viewer's key, as the test's own check of what the page shows. */
async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const r = await fetch(`${base}${path}`, { headers: { 'x-api-key': VIEWER_KEY } });
  return { status: r.status, body: (await r.json()) as T };
}

/** The journey once the trace index (a thread of its own) has folded all of it: the same answer twice in a row. */
async function settledJourney(key: string): Promise<Journey> {
  let last = '';
  for (let i = 0; i < 120; i++) {
    const r = await api<Journey>(`/v1/trace/${encodeURIComponent(key)}`);
    const now = r.status === 200 ? JSON.stringify(r.body) : '';
    if (now !== '' && now === last) return r.body;
    last = now;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`the journey of ${key} did not settle`);
}

/** Types into a search field with the keyboard and submits with Enter. */
async function search(field: string, text: string): Promise<void> {
  await page.focus(field);
  await page.fill(field, '');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Waits until the results region's heading reads `text`. */
const heading = (results: string, text: string): Promise<void> => page.locator(`${results} h2`, { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor();

const subjects = (): Promise<string[]> => page.locator('ol.timeline > li h3 .subject').allTextContents();

/** The browser logs each 4xx answer to a fetch as a console error; only those expected are taken out. */
function takeExpectedErrors(status: number, count: number): void {
  const expected = browser.errors.filter((e) => e.includes(`the server responded with a status of ${status}`));
  expect(expected).toHaveLength(count);
  for (const e of expected) browser.errors.splice(browser.errors.indexOf(e), 1);
}

beforeAll(async () => {
  day = await startConsoleDay(`viewer:vera:${VIEWER_KEY}`, 'console-look');
  base = day.base;
  browser = await launchBrowser();
  page = await browser.page();
  await page.goto(`${base}/console/sign-in`);
  await page.fill('#key', VIEWER_KEY);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/console/`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await day?.close();
});

describe('the Trace page', () => {
  it(`finds the day's B2B order ${ORDER} and shows its hops in order, with the times between them`, async () => {
    const journey = await settledJourney(ORDER);
    expect(journey.hops.length).toBeGreaterThanOrEqual(6);
    await page.goto(`${base}/console/trace`);
    await page.waitForSelector('#trace-key');
    expect(await page.textContent('label[for="trace-key"]')).toBe('Find a journey');
    await search('#trace-key', ORDER);
    await page.waitForSelector('ol.timeline > li');
    expect(new URL(page.url()).searchParams.get('key')).toBe(ORDER);
    // Focus moved to the results, where a keyboard or screen-reader user continues.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('trace-key-results');
    expect(await page.textContent('#trace-key-results h2')).toBe(`Journey of ${ORDER}`);
    // Every hop, in the API's order: portal, ERP posting, release to the warehouse, shipment, ERP and CRM.
    expect(await subjects()).toEqual(journey.hops.map((h) => h.subject));
    expect((await subjects()).slice(0, 6)).toEqual(['channel.b2b.orders.created', 'erp.salesorders.b2b-portal', 'erp.posted.salesorders.b2b-portal', 'erp.out.releases.DC-EAST', 'wms.orders.DC-EAST', 'wms.shipments.DC-EAST']);
    expect(await page.locator('ol.timeline > li dl.facts').allTextContents()).toEqual(journey.hops.map((h) => expect.stringContaining(`Stream:seq${h.stream}:${h.seq}`)));
    // The time between hops: the API's, in human units, machine-readable on <time datetime>.
    const gaps = page.locator('ol.timeline > li > p.gap');
    expect(await gaps.first().textContent()).toBe('First hop');
    const durations = await page.locator('ol.timeline > li > p.gap time').evaluateAll((ts) => ts.map((t) => [t.getAttribute('datetime'), t.textContent]));
    expect(durations.map(([iso]) => Number(/^PT([\d.]+)S$/.exec(iso ?? '')?.[1]))).toEqual(journey.hops.slice(1).map((h) => Math.round(h.sincePreviousMs) / 1000));
    for (const [, text] of durations) expect(text).toMatch(/^(\d+(\.\d)? (ms|s|min|h|d)|under 1 ms)$/);
    // Each gap in the unit its size calls for: milliseconds under a second, seconds or minutes above.
    for (let i = 1; i < journey.hops.length; i++) {
      const unit = journey.hops[i]!.sincePreviousMs >= 1000 ? '(s|min)' : '(ms|under 1 ms)';
      expect((await gaps.nth(i).textContent())!).toMatch(new RegExp(`^([\\d.]+ )?${unit} after the previous hop$`));
    }
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'trace');
  });

  it('opens a shared ?key= link straight on the journey, and the back button returns to the search before', async () => {
    const shared = await browser.page();
    await shared.goto(`${base}/console/trace?key=${encodeURIComponent(ORDER)}`);
    await shared.waitForSelector('ol.timeline > li');
    expect(await shared.inputValue('#trace-key')).toBe(ORDER);
    expect(await shared.locator('ol.timeline > li h3 .subject').allTextContents()).toEqual(await subjects());
    await shared.close();

    const shopifyOrder = '#8002';
    await search('#trace-key', shopifyOrder);
    await heading('#trace-key-results', `Journey of ${shopifyOrder}`);
    expect(new URL(page.url()).searchParams.get('key')).toBe(shopifyOrder);
    await page.goBack();
    await heading('#trace-key-results', `Journey of ${ORDER}`);
    expect(new URL(page.url()).searchParams.get('key')).toBe(ORDER);
    expect(await page.inputValue('#trace-key')).toBe(ORDER);
    await page.goForward();
    await heading('#trace-key-results', `Journey of ${shopifyOrder}`);
  });

  it('marks a dead-lettered hop in words and links it to its dead letter; an exception hop links to its exception', async () => {
    // A dead letter of the day, and its document's journey by correlation id.
    const dead = await api<{ items: { id: number; pipeline: string; headers: Record<string, string> }[] }>('/v1/dlq?limit=50');
    const letter = dead.body.items.find((d) => d.headers['X-Correlation-Id']);
    expect(letter).toBeDefined();
    const correlationId = letter!.headers['X-Correlation-Id']!;
    const journey = await settledJourney(correlationId);
    expect(journey.hops.some((h) => h.deadLetterId === letter!.id)).toBe(true);
    await search('#trace-key', correlationId);
    const hop = page.locator('ol.timeline > li.dead-lettered').first();
    await hop.waitFor();
    // Said in words, not by colour alone.
    expect(await hop.locator('h3 .outcome').textContent()).toContain('Dead-lettered');
    const link = hop.locator('p.links a');
    expect(await link.textContent()).toBe(`Dead letter ${letter!.id} on the Dead letters page`);
    const href = new URL((await link.getAttribute('href'))!, base);
    expect([href.pathname, href.searchParams.get('id'), href.searchParams.get('pipeline')]).toEqual(['/console/dead-letters', String(letter!.id), letter!.pipeline]);

    // The Shopify order placed twice: its duplicate is raised as an exception, which the hop links to.
    await search('#trace-key', '#8002');
    await heading('#trace-key-results', 'Journey of #8002');
    const exceptionLink = page.locator('ol.timeline > li p.links a[href^="/console/exceptions?"]').first();
    const id = new URL((await exceptionLink.getAttribute('href'))!, base).searchParams.get('id');
    const item = await api<{ id: number; subject: string }>(`/v1/exceptions/${id}`);
    expect(item.status).toBe(200);
    expect(item.body.subject).toBe('exceptions.duplicate-order.shopify');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('says when nothing is found under a key, and shows the API refusal of a bad one', async () => {
    await search('#trace-key', 'NO-SUCH-ORDER-4471');
    await page.waitForSelector('#trace-key-results p[role="alert"]');
    expect(await page.textContent('#trace-key-results h2')).toBe('Not found');
    expect(await page.textContent('#trace-key-results p[role="alert"]')).toContain("no hop is indexed under 'NO-SUCH-ORDER-4471'");
    const tooLong = 'x'.repeat(201);
    const refusal = await api<{ error: string }>(`/v1/trace/${tooLong}`);
    expect(refusal.status).toBe(400);
    await search('#trace-key', tooLong);
    await heading('#trace-key-results', 'Key refused');
    expect(await page.textContent('#trace-key-results p[role="alert"]')).toBe(refusal.body.error);
    // An empty field is not sent at all.
    await search('#trace-key', '');
    expect(await page.textContent('#trace-key-results p[role="alert"]')).toMatch(/^Type an order/);
    expect(await axeViolations(page)).toEqual([]);
    takeExpectedErrors(404, 1);
    takeExpectedErrors(400, 1);
  });
});

describe('the Availability page', () => {
  interface Figure {
    channel: string;
    region?: string;
    available: number;
    promiseDate: string | null;
    shipDate: string | null;
  }
  const cells = (caption: string): Promise<string[][]> =>
    page.locator(`#sku-results table:has(caption:text-is("${caption}")) tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));

  it(`shows ${SKU}'s figures per channel and region as GET /v1/atp gives them, and opens an explain with the keyboard`, async () => {
    const answer = (await api<{ known: boolean; channels: Figure[]; regions: Record<string, string[]> }>(`/v1/atp/${SKU}?explain=true`)).body;
    expect(answer.known).toBe(true);
    await page.goto(`${base}/console/availability`);
    await search('#sku', SKU);
    await page.waitForSelector('#sku-results table');
    expect(new URL(page.url()).searchParams.get('sku')).toBe(SKU);
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('sku-results');
    const perChannel = await cells('What each channel may promise now, from its default locations (dates for 1 unit)');
    const day = (d: string | null) => d ?? 'beyond the inbound horizon';
    expect(perChannel.map((r) => r.slice(0, 4))).toEqual(answer.channels.map((c) => [c.channel, c.available.toLocaleString('en'), day(c.promiseDate), day(c.shipDate)]));
    expect(answer.channels.some((c) => c.available > 0)).toBe(true);
    // Per region: each region a channel names, as the one-channel answer for it.
    const asked = Object.entries(answer.regions).flatMap(([channel, regions]) => regions.map((region) => ({ channel, region })));
    expect(asked.map((a) => `${a.channel}/${a.region}`)).toEqual(['shopify/US', 'shopify/CA', 'shopify/EU']);
    const perRegion = await Promise.all(asked.map(async (a) => (await api<Figure>(`/v1/atp/${SKU}?channel=${a.channel}&region=${a.region}`)).body));
    expect(await cells('Channels with locations of their own for a region')).toEqual(perRegion.map((f) => [f.channel, f.region, f.available.toLocaleString('en'), day(f.promiseDate), day(f.shipDate)]));

    // A location's explain, opened from the keyboard: its components and the events behind them.
    const summary = page.locator('#explain-location-DC-EAST > summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#explain-location-DC-EAST').getAttribute('open')).toBe('');
    const components = await cells('DC-EAST: the components');
    expect(components[0]).toEqual(['on hand', expect.stringMatching(/^[\d,]+$/)]);
    expect(components.map((r) => r[0])).toContain('safety stock');
    const sources = await cells('DC-EAST: the events behind the figure');
    expect(sources.map((r) => r[0])).toContain('position');
    // A channel's explain: the rules applied, stage by stage.
    await page.locator('#explain-channel-amazon > summary').click();
    const stages = await cells('How amazon’s figure is made, stage by stage');
    expect(stages.map((r) => r[0])).toEqual(['pool', 'ring-fenced for other channels', 'after ring-fences', 'share', 'cap', 'buffer', 'available']);
    expect(stages[3]![1]).toBe('80 %, rounded down');
    expect(stages[6]![2]).toBe(answer.channels.find((c) => c.channel === 'amazon')!.available.toLocaleString('en'));
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'availability');

    // Refresh reads again and keeps what was open, with the focus on the button.
    await page.focus('#sku-refresh');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('sku-refresh');
    expect(await page.locator('#explain-location-DC-EAST').getAttribute('open')).toBe('');
  });

  it('opens a shared ?sku= link on the figures, says an unknown SKU has none, and shows the refusal of a bad one', async () => {
    await page.goto(`${base}/console/availability?sku=${SKU}`);
    await page.waitForSelector('#sku-results table');
    expect(await page.inputValue('#sku')).toBe(SKU);

    await search('#sku', 'NO-SUCH-SKU-9');
    await page.waitForSelector('#sku-results p[role="alert"]');
    expect(await page.textContent('#sku-results p[role="alert"]')).toContain("No stock, demand or supply is known for 'NO-SUCH-SKU-9'");
    expect(await page.locator('#sku-results table').count()).toBe(0);

    const refusal = await api<{ error: string; field: string }>('/v1/atp/%01');
    expect([refusal.status, refusal.body.field]).toEqual([400, 'sku']);
    await page.goto(`${base}/console/availability?sku=%01`);
    await heading('#sku-results', 'SKU refused');
    expect(await page.textContent('#sku-results p[role="alert"]')).toBe(refusal.body.error);
    expect(await axeViolations(page)).toEqual([]);
    takeExpectedErrors(400, 1);
  });

  it('left no console error on any page', () => {
    expect(browser.errors).toEqual([]);
  });
});
