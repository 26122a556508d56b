// @ts-check
/**
 * Building DOM without HTML strings: every text goes in as a text node (textContent), so data
 * from the API can never become markup. Attributes are set one by one with setAttribute.
 */

/** @typedef {string | number | Node | null | undefined | false} Child */

/**
 * An HTML element with attributes and children (strings and numbers become text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * An SVG element.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}, ...children) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

/**
 * @param {Element} node
 * @param {Record<string, string | number | boolean | undefined>} attrs
 */
function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
}

/**
 * @param {Node} node
 * @param {(Child | Child[])[]} children
 */
function append(node, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/**
 * Replaces a node's children.
 * @param {Element} node
 * @param {...(Child | Child[])} children
 */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/**
 * A table with a caption, column headers and rows of cells.
 * @param {string} caption
 * @param {string[]} headers
 * @param {(Child)[][]} rows
 * @param {{ numeric?: number[], empty?: string }} [o] columns to align right; text when there are no rows
 */
export function table(caption, headers, rows, o = {}) {
  const numeric = new Set(o.numeric ?? []);
  if (rows.length === 0) return el('p', { class: 'muted' }, o.empty ?? 'None.');
  return el(
    'table',
    {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { scope: 'col', class: numeric.has(i) ? 'num' : undefined }, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', { class: numeric.has(i) ? 'num' : undefined }, c)))))),
  );
}

/** @param {number} n */
export function formatCount(n) {
  return new Intl.NumberFormat('en').format(n);
}

/** @param {number} n a rate per second */
export function formatRate(n) {
  return `${n >= 10 ? Math.round(n) : Math.round(n * 10) / 10}/s`;
}

/** @param {number} ratio 0..1 */
export function formatPercent(ratio) {
  return `${Math.round(ratio * 1000) / 10} %`;
}

/** @param {number} seconds */
export function formatSeconds(seconds) {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

/** @param {string} iso */
export function formatTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' });
}
