/**
 * The console's one HTML shell, served for /console/ and every /console/<page>.
 *
 * The contract for a page (how the remaining pages are added):
 *   - it is listed once in PAGES below (id, nav title), in nav order;
 *   - its code is runtime/console/assets/page-<id>.js, an ES module with `// @ts-check` that
 *     exports `render(root, ctx)` (see the PageContext typedef in assets/app.js): `root` is
 *     the empty element under the page's <h1>; `ctx` holds the signed-in session, `api` (GET
 *     and POST on /v1 with the CSRF header) and `events` (the shared /v1/events stream);
 *   - the shell loads it when the file exists, and shows "coming" when it does not, so a page
 *     goes live by adding its file (the runner reads the assets folder at start).
 * The shell itself carries no data: who is signed in and everything else come from the API.
 */
import { escapeHtml } from './headers.ts';

export interface PageEntry {
  readonly id: string;
  readonly title: string;
}

export const PAGES: readonly PageEntry[] = [
  { id: 'overview', title: 'Overview' },
  { id: 'flows', title: 'Flows' },
  { id: 'exceptions', title: 'Exceptions' },
  { id: 'dead-letters', title: 'Dead letters' },
  { id: 'trace', title: 'Trace' },
  { id: 'availability', title: 'Availability' },
];

/** The page a /console path names: `/console/` is the overview. */
export function pageOf(path: string): PageEntry | undefined {
  const m = /^\/console\/?([a-z-]*)\/?$/.exec(path);
  if (!m) return undefined;
  return PAGES.find((p) => p.id === (m[1] || 'overview'));
}

export const pageHref = (p: PageEntry): string => (p.id === 'overview' ? '/console/' : `/console/${p.id}`);

export function shellHtml(page: PageEntry, built: boolean): string {
  const nav = PAGES.map((p) => `<li><a href="${pageHref(p)}"${p.id === page.id ? ' aria-current="page"' : ''}>${escapeHtml(p.title)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Crossdock console</title>
<link rel="icon" href="/console/assets/icon.svg">
<link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/app.js"></script>
</head>
<body data-page="${escapeHtml(page.id)}" data-built="${built}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand">Crossdock</p>
<nav aria-label="Console pages"><ul>${nav}</ul></nav>
<div class="who"><span id="who"></span><form method="post" action="/console/sign-out"><button type="submit">Sign out</button></form></div>
</header>
<main id="main" tabindex="-1">
<h1>${escapeHtml(page.title)}</h1>
<div id="page">${built ? '<p class="muted">Loading…</p>' : '<p class="coming">This page is coming.</p>'}</div>
</main>
<footer><p id="status" role="status" class="muted"></p></footer>
</body>
</html>
`;
}
