/**
 * The shipped project's picture as a browser draws it (Debian's Chromium, when installed):
 * fitted to a 1,440 px window, every box's text inside its box with the fonts the browser
 * really picks, every edge label clear of every box, and a PNG of it for people to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadProject } from '../../runtime/compile/project.ts';
import { buildFlow } from '../../runtime/graph/flow.ts';
import { buildGraph } from '../../runtime/graph/graph.ts';
import { layoutGraph } from '../../runtime/graph/layout.ts';
import { renderSvg } from '../../runtime/graph/svg.ts';
import { REPO } from '../support/project.ts';

const CHROMIUM = '/usr/bin/chromium';
const WINDOW = 1440;
/** Where the picture is left for people to look at. */
const PNG = join(tmpdir(), 'crossdock-graph', 'flow-1440.png');

interface Drawn {
  readonly scale: number;
  readonly overflowing: string[];
  readonly labelsOnBoxes: string[];
}

/**
 * Run in the page (this project's TypeScript has no DOM types, so it is plain JavaScript): each
 * box's texts against its rect, each edge label against every rect, in the SVG's own units.
 */
const MEASURE = `(() => {
  const svg = document.querySelector('svg');
  const inside = (a, b) => a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.width <= b.x + b.width + 0.5 && a.y + a.height <= b.y + b.height + 0.5;
  const apart = (a, b) => a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
  const overflowing = [];
  const rects = [];
  for (const g of document.querySelectorAll('g.node')) {
    const rect = g.querySelector('rect').getBBox();
    rects.push(rect);
    for (const t of g.querySelectorAll('text')) if (!inside(t.getBBox(), rect)) overflowing.push(g.getAttribute('data-id') + ": '" + t.textContent + "'");
  }
  const labelsOnBoxes = [];
  for (const t of document.querySelectorAll('text.lbl')) {
    const b = t.getBBox();
    if (rects.some((r) => !apart(b, r))) labelsOnBoxes.push(t.parentElement.getAttribute('data-edge') + ": '" + t.textContent + "'");
  }
  return { scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width, overflowing, labelsOnBoxes };
})()`;

describe.skipIf(!existsSync(CHROMIUM))('the shipped flow in Chromium', () => {
  let browser: Browser;
  let drawn: Drawn;
  const errors: string[] = [];

  beforeAll(async () => {
    const project = loadProject(join(REPO, 'pipelines'));
    const svg = renderSvg(await layoutGraph(buildGraph(buildFlow(project), project.streams)));
    browser = await chromium.launch({ executablePath: CHROMIUM });
    const page = await browser.newPage({ viewport: { width: WINDOW, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg.replace('<svg ', `<svg style="width:${WINDOW}px;height:auto;display:block" `)}</body></html>`);
    drawn = (await page.evaluate(MEASURE)) as Drawn;
    mkdirSync(join(PNG, '..'), { recursive: true });
    await page.screenshot({ path: PNG, fullPage: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it(`fits ${WINDOW} px at a scale of 0.8 or more, without errors`, () => {
    expect(drawn.scale).toBeGreaterThanOrEqual(0.8);
    expect(drawn.scale).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
    expect(existsSync(PNG)).toBe(true);
  });

  it("keeps every box's text inside its box and every edge label off the boxes", () => {
    expect(drawn.overflowing).toEqual([]);
    expect(drawn.labelsOnBoxes).toEqual([]);
  });
});
