// @ts-check
/**
 * The shell's bootstrap, loaded by every console page (see runtime/console/shell.ts for the
 * page contract). It reads the session (who, role, CSRF token), opens the event stream, and
 * hands both to the page module `page-<id>.js` named by <body data-page>.
 */
import { createApi, signInAgain } from './api.js';
import { connectEvents } from './live.js';
import { el, replace } from './dom.js';

/**
 * @typedef {object} Session
 * @property {string} name
 * @property {'viewer' | 'operator'} role
 * @property {string} csrf
 * @property {string} expiresAt ISO time
 */

/**
 * What a page's `render(root, ctx)` gets.
 * @typedef {object} PageContext
 * @property {Session} session
 * @property {import('./api.js').Api} api
 * @property {import('./live.js').LiveEvents} events
 * @property {(text: string) => void} status shows a line in the footer's status region
 */

/** @param {string} text */
function status(text) {
  const s = document.getElementById('status');
  if (s) s.textContent = text;
}

async function start() {
  const res = await fetch('/console/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) return signInAgain();
  if (!res.ok) throw new Error(`GET /console/session: HTTP ${res.status}`);
  /** @type {Session} */
  const session = await res.json();
  const who = document.getElementById('who');
  if (who) replace(who, `${session.name} (${session.role})`);
  // The session ends at a fixed time: go to the form then rather than fail request by request.
  const left = Date.parse(session.expiresAt) - Date.now();
  if (left > 0 && left < 2 ** 31) setTimeout(signInAgain, left);
  const body = document.body;
  const root = document.getElementById('page');
  if (!root || body.dataset.built !== 'true') return;
  const events = connectEvents();
  events.onState((state) => {
    if (state === 'up') status('Live');
    else if (state === 'reconnecting') status('Live updates interrupted; reconnecting…');
    else void streamRefused();
  });
  /** @type {PageContext} */
  const ctx = { session, api: createApi(session.csrf), events, status };
  const mod = await import(`./page-${body.dataset.page}.js`);
  replace(root);
  await mod.render(root, ctx);
}

/** The event stream was refused: an ended session goes to the form, anything else is said. */
async function streamRefused() {
  const res = await fetch('/console/session', { credentials: 'same-origin', headers: { accept: 'application/json' } }).catch(() => undefined);
  if (res?.status === 401) return signInAgain();
  status('Live updates stopped (the runner refused the stream or is gone); reload the page to try again.');
}

start().catch((err) => {
  const root = document.getElementById('page');
  if (root) replace(root, el('p', { class: 'error', role: 'alert' }, `The page could not be shown: ${err instanceof Error ? err.message : String(err)}`));
});
