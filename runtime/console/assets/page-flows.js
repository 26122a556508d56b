// @ts-check
/**
 * The Flows page: the project's graph of pipelines, streams and external systems as the runner
 * lays it out (GET /v1/graph, elkjs), with live rates over it from the `rates` events. The
 * runner counts per pipeline, not per output, so: a pipeline's input edges carry what it
 * received and what failed (handed back for a retry) per second, its output edges what it
 * published (all its outputs together), and its dead-letter band what it dead-lettered. An edge
 * with failures or dead letters says so in its text and is drawn thicker, not only in colour.
 * The graph itself comes as SVG the runner drew and escaped; it is parsed as SVG, never
 * written as HTML, and the page's CSP runs no script in it.
 */
import { el, replace, formatRate } from './dom.js';
import { signInAgain } from './api.js';

/** @typedef {import('./page-overview.js').RateSample} RateSample */

/**
 * @param {HTMLElement} root
 * @param {import('./app.js').PageContext} ctx
 */
export async function render(root, ctx) {
  const status = el('p', { class: 'muted', role: 'status' }, 'Laying out the graph…');
  // Scrolled inside the page: focusable, so a keyboard can scroll it too.
  const figure = el('figure', { class: 'flows', tabindex: 0 });
  const legend = el(
    'p',
    { class: 'muted' },
    'Rates are per pipeline, per second, over the last 2 s: on its input edges what it received (and what failed and waits for a retry), on its output edges what it published to all its outputs together, on its dead-letter band what it dead-lettered.',
  );
  replace(root, status, legend, figure);
  const res = await fetch('/v1/graph?format=svg', { credentials: 'same-origin', headers: { accept: 'image/svg+xml' } });
  if (res.status === 401) return signInAgain();
  if (!res.ok) {
    replace(status, `The graph could not be drawn: HTTP ${res.status}.`);
    return;
  }
  // The drawing's own <style> would be refused by the page's CSP (even in a parsed document,
  // which inherits it): it goes before parsing, and console.css carries the same rules.
  const text = (await res.text()).replace(/<style>[^<]*<\/style>/, '');
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const drawn = doc.documentElement;
  if (drawn.nodeName !== 'svg') {
    replace(status, 'The graph could not be read.');
    return;
  }
  const graph = /** @type {SVGSVGElement} */ (/** @type {unknown} */ (document.importNode(drawn, true)));
  graph.classList.add('flow-graph');
  figure.append(el('figcaption', {}, 'Pipelines, streams and the systems around them, with live rates.'), graph);
  const edges = edgesOf(graph);
  replace(status, `${edges.length} edges, live.`);
  ctx.events.on('rates-history', (/** @type {RateSample[]} */ history) => {
    const last = history[history.length - 1];
    if (last) paint(edges, last);
  });
  ctx.events.on('rates', (/** @type {RateSample} */ sample) => paint(edges, sample));
}

/**
 * @typedef {object} Edge
 * @property {SVGGElement} g
 * @property {SVGTextElement | null} slot
 * @property {string} pipeline
 * @property {'in' | 'out' | 'dead'} role
 */

/**
 * The edges a rate belongs on: those that end at a pipeline (in), leave it (out), or are its
 * dead-letter band.
 * @param {SVGSVGElement} graph
 * @returns {Edge[]}
 */
function edgesOf(graph) {
  /** @type {Edge[]} */
  const out = [];
  for (const g of /** @type {NodeListOf<SVGGElement>} */ (graph.querySelectorAll('g[data-edge]'))) {
    const [from = '', to = ''] = (g.dataset.edge ?? '').split('->');
    const slot = /** @type {SVGTextElement | null} */ (g.querySelector('text.rate'));
    if (to.startsWith('pipeline:')) out.push({ g, slot, pipeline: to.slice('pipeline:'.length), role: 'in' });
    else if (from.startsWith('pipeline:')) out.push({ g, slot, pipeline: from.slice('pipeline:'.length), role: g.classList.contains('band') || to.startsWith('dlq') || /dead/.test(to) ? 'dead' : 'out' });
  }
  return out;
}

/**
 * @param {Edge[]} edges
 * @param {RateSample} sample
 */
function paint(edges, sample) {
  for (const e of edges) {
    const r = sample.p[e.pipeline];
    const [inRate, outRate, dead, failed] = r ?? [0, 0, 0, 0];
    let text = '';
    let trouble = false;
    if (e.role === 'in') {
      text = inRate > 0 ? `${formatRate(inRate)} in` : '';
      if (failed > 0) {
        text += `${text ? ' · ' : ''}${formatRate(failed)} failed`;
        trouble = true;
      }
    } else if (e.role === 'out') text = outRate > 0 ? `${formatRate(outRate)} out` : '';
    else if (dead > 0) {
      text = `${formatRate(dead)} dead-lettered`;
      trouble = true;
    }
    if (e.slot) e.slot.textContent = text;
    e.g.classList.toggle('live', text !== '');
    e.g.classList.toggle('trouble', trouble);
  }
}
