/**
 * The console in a real browser (Debian's chromium through playwright-core) on a real runner
 * with the shipped pipelines and a real nats-server, after the demo day has played: sign in
 * with the keyboard, the Overview shows the day's KPIs, exceptions, dead letters and
 * throughput charts, live updates arrive over the event stream, no console errors (a CSP
 * violation is one), and axe-core finds no accessibility violation. Screenshots go to
 * test-results/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO } from '../support/project.ts';
import { axeViolations, launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { startConsoleDay, type ConsoleDay } from '../support/console-day.ts';

const OPERATOR_KEY = 'console-browser-operator-key-9f3a';

let day: ConsoleDay | undefined;
let nats: ConsoleDay['nats'];
let browser: TestBrowser;
let base = '';
let page: Page;

beforeAll(async () => {
  day = await startConsoleDay(`operator:olga:${OPERATOR_KEY}`, 'console');
  ({ nats, base } = day);
  browser = await launchBrowser();
  page = await browser.page();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await day?.close();
});

/** The text of every cell in the first column of the table captioned `caption` within `section`. */
async function firstColumn(section: string, caption: string): Promise<string[]> {
  return page.locator(`section.part-${section} table:has(caption:text-is("${caption}")) tbody th`).allTextContents();
}

describe('the console in a browser', () => {
  it('sends a visitor to the sign-in form, which passes axe-core', async () => {
    await page.goto(`${base}/console/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await axeViolations(page)).toEqual([]);
    // A wrong key: the form again, with the message announced, the key not kept.
    await page.fill('#key', 'not-a-key-4411');
    await page.keyboard.press('Enter');
    await page.waitForSelector('p.error[role="alert"]');
    expect(await page.inputValue('#key')).toBe('');
    expect(await page.content()).not.toContain('not-a-key-4411');
    await screenshot(page, 'sign-in');
  });

  it('signs in with the keyboard and shows the overview with the day in it', async () => {
    // The 401 answer to the wrong key above is logged by the browser as a failed resource load.
    browser.errors.length = 0;
    await page.focus('#key');
    await page.keyboard.type(OPERATOR_KEY);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/`);
    await expect.poll(() => page.textContent('#who')).toBe('olga (operator)');
    // KPIs: the eight cards, each with a value.
    await page.waitForSelector('section.part-kpis article.card >> nth=7');
    expect(await page.locator('section.part-kpis article.card h3').count()).toBe(8);
    expect(await page.locator('section.part-kpis article.card h3').first().textContent()).toBeTruthy();
    // The day raises exceptions and dead-letters some documents.
    await expect.poll(() => page.textContent('section.part-exceptions .total'), { timeout: 10_000 }).toMatch(/^[1-9][\d,]* not resolved$/);
    expect((await firstColumn('exceptions', 'By type')).length).toBeGreaterThan(0);
    expect((await firstColumn('exceptions', 'By partner')).length).toBeGreaterThan(0);
    await expect.poll(() => page.textContent('section.part-dead-letters .total'), { timeout: 10_000 }).toMatch(/^[1-9][\d,]* stored$/);
    await expect.poll(() => firstColumn('dead-letters', 'By pipeline'), { timeout: 10_000 }).not.toEqual([]);
    expect((await firstColumn('dead-letters', 'By reason')).length).toBeGreaterThan(0);
    // The day's traffic is in the rates history: charts for the flows that moved.
    await page.waitForSelector('section.part-throughput svg.chart polyline');
    const flows = await page.locator('section.part-throughput li.flow h3').allTextContents();
    expect(flows).toContain('shopify-orders');
    expect(await page.locator('section.part-throughput svg.chart').first().getAttribute('aria-label')).toMatch(/messages per second over the last 15 minutes/);
    // SLA breaches: the expectations table is there (the day's late ones, or none late).
    await page.waitForSelector('section.part-sla table:has(caption:text-is("Expectations"))');
    expect(await page.textContent('#status')).toBe('Live');
    await screenshot(page, 'overview');
  });

  it('updates live: a new dead letter shows in the count without a reload', async () => {
    const before = Number((await page.textContent('section.part-dead-letters .total'))!.replace(/\D/g, ''));
    await nats.js.publish('channel.shopify.orders.created', JSON.stringify({ id: 1, line_items: 'not a list' }));
    await expect.poll(async () => Number((await page.textContent('section.part-dead-letters .total'))!.replace(/\D/g, '')), { timeout: 15_000 }).toBe(before + 1);
  });

  it('is keyboard navigable: the skip link first, then the page links, with a visible focus', async () => {
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Overview');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/flows`);
    await page.waitForSelector('figure.flows svg.flow-graph');
    await page.goBack();
    await page.waitForSelector('section.part-kpis article.card >> nth=7');
  });

  it('Flows: the graph the runner laid out, with live rates on the edges of a pipeline that moves', async () => {
    await page.goto(`${base}/console/flows`);
    const graph = page.locator('figure.flows svg.flow-graph');
    await graph.waitFor();
    // The runner's drawing, every pipeline of the project in it, its own <style> left out (console.css carries its rules).
    const drawn = await (await fetch(`${base}/v1/graph?format=svg`, { headers: { 'x-api-key': OPERATOR_KEY } })).text();
    const pipelines = [...drawn.matchAll(/data-kind="pipeline" data-id="pipeline:([^"]+)"/g)].map((m) => m[1]).sort();
    expect(pipelines.length).toBeGreaterThan(10);
    expect((await page.locator('figure.flows g[data-kind="pipeline"]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')))).map((id) => id?.replace(/^pipeline:/, '')).sort()).toEqual(pipelines);
    expect(await page.locator('figure.flows svg style').count()).toBe(0);
    expect(await (await fetch(`${base}/console/assets/console.css`)).text()).toContain('.flow-graph .edge path{');
    // Orders arriving: shopify-orders' input edge says how many a second, as text.
    const into = page.locator('figure.flows g[data-edge$="->pipeline:shopify-orders"] text.rate');
    expect(await into.count()).toBeGreaterThan(0);
    const send = setInterval(() => void nats.js.publish('channel.shopify.orders.created', JSON.stringify({ id: 1, line_items: 'not a list' })), 100);
    try {
      await expect.poll(async () => (await into.allTextContents()).join(' '), { timeout: 15_000 }).toMatch(/\d.*\/s in/);
      // They are dead-lettered (not a list of lines): the band under the pipeline says so in words.
      await expect.poll(async () => (await page.locator('figure.flows g[data-edge^="pipeline:shopify-orders->"].trouble text.rate').allTextContents()).join(' '), { timeout: 15_000 }).toMatch(/dead-lettered/);
    } finally {
      clearInterval(send);
    }
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'flows');
    await page.goto(`${base}/console/`);
    await page.waitForSelector('section.part-kpis article.card >> nth=7');
  });

  it('passes axe-core on the overview, with no console error on any page', async () => {
    await page.waitForSelector('section.part-throughput svg.chart');
    expect(await axeViolations(page)).toEqual([]);
    expect(browser.errors).toEqual([]);
    expect(existsSync(join(REPO, 'test-results/console/overview.png'))).toBe(true);
  });
});
