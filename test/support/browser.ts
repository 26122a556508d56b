/**
 * A real browser for the console tests: Debian's /usr/bin/chromium (apt install chromium;
 * `.ci/run` installs it when missing) driven by playwright-core, with a fresh profile per
 * launch, no network of its own beyond the pages it is sent to, and axe-core injected to
 * check pages. Every console message of type error and every uncaught page error is kept, so
 * a test can assert there were none. Screenshots go under test-results/console/ (git-ignored).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from './project.ts';
import { tempDir } from './nats.ts';

export const CHROMIUM = process.env.CROSSDOCK_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(REPO, 'test-results', 'console');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface TestBrowser {
  /** A new tab whose errors land in `errors`. */
  page(): Promise<Page>;
  /** Console errors and uncaught exceptions of every page, as `where: text`. */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = tempDir('chromium');
  const context: BrowserContext = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  return {
    errors,
    async page() {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${page.url()}: console: ${m.text()}`);
      });
      page.on('pageerror', (err) => errors.push(`${page.url()}: uncaught: ${err.message}`));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

const AXE_SOURCE = (): string => readFileSync(join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.x A and AA checks (and its best practices) on the page as it is now. The
 * script goes in through the DevTools protocol, not a <script> tag, so the page's own
 * Content-Security-Policy stays in force.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate('typeof window.axe');
  if (loaded === 'undefined') await page.evaluate(AXE_SOURCE());
  // A string, run in the page: the test sources are type-checked without the DOM library.
  return page.evaluate(`(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  })()`) as Promise<AxeViolation[]>;
}

/** Writes a full-page screenshot to test-results/console/<name>.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
