// @ts-check
/**
 * The Trace page: a document's journey (GET /v1/trace/{key}) found by any business key (order,
 * PO, ASN, invoice number…), correlation id or message id, drawn as a timeline, oldest hop
 * first, with the time each hop took after the one before. A hop that is a dead letter or an
 * exception says so in words and a symbol (not by colour alone) and links to its page; the
 * business keys of a hop link to their own journeys. The key is in the URL (?key=…).
 */
import { el, replace, formatSeconds } from './dom.js';
import { ApiError } from './api.js';
import { searchForm } from './search.js';

/**
 * A hop as GET /v1/trace/{key} gives it (runtime/operations/trace/journey.ts and http.ts).
 * @typedef {object} Hop
 * @property {string} stream
 * @property {number} seq
 * @property {string} subject
 * @property {string} time ISO time the stream stored it
 * @property {string} [pipeline] absent for messages from outside Crossdock
 * @property {'delivered' | 'dead-lettered' | 'exception' | 'duplicate'} outcome
 * @property {number} sincePreviousMs
 * @property {string} [source]
 * @property {string} [duplicateOf]
 * @property {string} [correlationId]
 * @property {string} [msgId]
 * @property {Record<string, string>} keys
 * @property {string} [step]
 * @property {string} [reason]
 * @property {number} [deadLetterId]
 * @property {number} [exceptionId]
 *
 * @typedef {{ key: string, matchedAs: string[], hops: Hop[], spanMs: number, truncated: boolean }} Journey
 */

/** What each outcome is called, with a symbol so it does not rest on colour. */
const OUTCOMES = {
  delivered: { mark: '✓', text: 'Delivered' },
  'dead-lettered': { mark: '✕', text: 'Dead-lettered' },
  exception: { mark: '!', text: 'Exception raised' },
  duplicate: { mark: '≡', text: 'Duplicate' },
};

/**
 * @param {HTMLElement} root
 * @param {import('./app.js').PageContext} ctx
 */
export async function render(root, ctx) {
  searchForm(root, {
    id: 'trace-key',
    param: 'key',
    label: 'Find a journey',
    hint: 'An order, PO, ASN or invoice number, another business key, or a correlation or message id.',
    empty: 'Type an order, PO, ASN or invoice number, or a correlation id, to find its journey.',
    button: 'Find',
    resultsTitle: 'Journey',
    show: (key, results) => showJourney(key, results, ctx),
  });
}

/**
 * @param {string} key
 * @param {HTMLElement} results
 * @param {import('./app.js').PageContext} ctx
 */
async function showJourney(key, results, ctx) {
  /** @type {Journey} */
  let j;
  try {
    j = await ctx.api.get(`/v1/trace/${encodeURIComponent(key)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return replace(results, el('h2', {}, 'Not found'), el('p', { class: 'error', role: 'alert' }, `Nothing has passed under '${key}': ${err.message}. Check the number, or try the correlation id.`));
    if (err instanceof ApiError && err.status === 400) return replace(results, el('h2', {}, 'Key refused'), el('p', { class: 'error', role: 'alert' }, err.message));
    return replace(results, el('h2', {}, 'The journey could not be read'), el('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
  }
  const dead = j.hops.filter((h) => h.outcome === 'dead-lettered').length;
  const exceptions = j.hops.filter((h) => h.exceptionId !== undefined).length;
  replace(
    results,
    el('h2', {}, `Journey of ${j.key}`),
    el(
      'p',
      { class: 'summary' },
      `${j.hops.length === 1 ? 'One hop' : `${j.hops.length} hops over ${formatSeconds(j.spanMs / 1000)}`}; found as ${j.matchedAs.join(', ') || 'a key'}.`,
      dead > 0 ? ` ${dead} dead-lettered.` : '',
      exceptions > 0 ? ` ${exceptions} ${exceptions === 1 ? 'exception' : 'exceptions'}.` : '',
    ),
    j.truncated ? el('p', { class: 'error' }, 'The journey has more hops than shown: the walk stopped at its limit.') : null,
    el('ol', { class: 'timeline', 'aria-label': `Hops of ${j.key}, oldest first` }, j.hops.map((h, i) => hopItem(h, i))),
  );
}

/**
 * @param {Hop} h
 * @param {number} i
 */
function hopItem(h, i) {
  const outcome = OUTCOMES[h.outcome] ?? { mark: '?', text: h.outcome };
  const headingId = `hop-${i}`;
  const failed = h.outcome === 'dead-lettered' || h.outcome === 'exception';
  return el(
    'li',
    { class: `hop ${h.outcome}`, 'aria-labelledby': headingId },
    el('p', { class: 'gap' }, i === 0 ? 'First hop' : [el('time', { datetime: isoDuration(h.sincePreviousMs) }, gap(h.sincePreviousMs)), ' after the previous hop']),
    el('h3', { id: headingId }, el('span', { class: `outcome ${failed ? 'bad' : ''}` }, el('span', { 'aria-hidden': 'true' }, `${outcome.mark} `), outcome.text), ' ', el('span', { class: 'subject' }, h.subject)),
    el(
      'dl',
      { class: 'facts' },
      fact('Time', el('time', { datetime: h.time }, clock(h.time))),
      fact('Pipeline', h.pipeline ?? 'from outside Crossdock'),
      fact('Stream:seq', `${h.stream}:${h.seq}`),
      h.step ? fact('Failed step', h.step) : null,
      h.reason ? fact('Reason', h.reason) : null,
      h.duplicateOf ? fact('Repeats', h.duplicateOf) : null,
      h.correlationId ? fact('Correlation id', traceLink(h.correlationId)) : null,
      Object.keys(h.keys).length > 0 ? fact('Keys', Object.entries(h.keys).flatMap(([k, v], n) => [n > 0 ? ', ' : '', `${k} `, traceLink(v)])) : null,
    ),
    documentLinks(h),
  );
}

/**
 * Links to the pages that hold the hop as a document of their own.
 * @param {Hop} h
 */
function documentLinks(h) {
  /** @type {HTMLElement[]} */
  const links = [];
  if (h.deadLetterId !== undefined) {
    const q = new URLSearchParams({ ...(h.pipeline ? { pipeline: h.pipeline } : {}), id: String(h.deadLetterId) });
    links.push(el('a', { href: `/console/dead-letters?${q}` }, `Dead letter ${h.deadLetterId} on the Dead letters page`));
  }
  if (h.exceptionId !== undefined) links.push(el('a', { href: `/console/exceptions?${new URLSearchParams({ id: String(h.exceptionId) })}` }, `Exception ${h.exceptionId} on the Exceptions page`));
  return links.length > 0 ? el('p', { class: 'links' }, links) : null;
}

/**
 * @param {string} term
 * @param {import('./dom.js').Child | import('./dom.js').Child[]} value
 */
function fact(term, value) {
  return el('div', {}, el('dt', {}, term), el('dd', {}, value));
}

/** @param {string} value a key: a link to its own journey */
function traceLink(value) {
  return el('a', { href: `/console/trace?${new URLSearchParams({ key: value })}` }, value);
}

/**
 * A stored time to the millisecond, in the browser's time zone: hops of one pipeline run are
 * milliseconds apart.
 * @param {string} iso
 */
function clock(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });
}

/**
 * The time between two hops in human units; hops one pipeline publishes together are often
 * less than a millisecond apart, which "0 ms" would misstate.
 * @param {number} ms
 */
function gap(ms) {
  return ms > 0 && ms < 0.5 ? 'under 1 ms' : formatSeconds(ms / 1000);
}

/**
 * An HTML duration string (`PT1.5S`) for a <time> element's datetime.
 * @param {number} ms
 */
function isoDuration(ms) {
  return `PT${Math.round(ms) / 1000}S`;
}
