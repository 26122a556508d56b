// @ts-check
/**
 * What the two work pages (Exceptions, Dead letters) share: a filter form whose values go to
 * the API as query parameters (the server filters; the page never filters a list itself), a
 * pager over the API's cursors, a result line that takes the focus after an action, and
 * keeping the focus on a row across a redraw. No data is kept here: the lists are the API's.
 */
import { el, replace } from './dom.js';

/**
 * @typedef {object} FilterField
 * @property {string} name the query parameter
 * @property {string} label
 * @property {string[]} [choices] a <select> of these (and "any") rather than a text box
 * @property {string} [hint] shown under the field, and tied to it with aria-describedby
 */

/**
 * A labelled filter form (a search landmark). `onApply` gets the non-empty values; the form
 * starts from `initial`. `suggest(name, values)` fills a text field's list of suggestions.
 * @param {string} id a prefix for the controls' ids
 * @param {string} label the landmark's name
 * @param {FilterField[]} fields
 * @param {Record<string, string>} initial
 * @param {(values: Record<string, string>) => void} onApply
 */
export function filterForm(id, label, fields, initial, onApply) {
  /** @type {Map<string, HTMLInputElement | HTMLSelectElement>} */
  const controls = new Map();
  /** @type {Map<string, HTMLDataListElement>} */
  const lists = new Map();
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': label });
  for (const f of fields) {
    const cid = `${id}-${f.name}`;
    /** @type {HTMLInputElement | HTMLSelectElement} */
    let control;
    if (f.choices) {
      control = el('select', { id: cid, name: f.name }, el('option', { value: '' }, 'any'), f.choices.map((c) => el('option', { value: c }, c)));
    } else {
      const list = el('datalist', { id: `${cid}-list` });
      lists.set(f.name, list);
      control = el('input', { id: cid, name: f.name, type: 'text', list: `${cid}-list`, autocomplete: 'off', maxlength: 100 });
      form.append(list);
    }
    control.value = initial[f.name] ?? '';
    if (f.hint) control.setAttribute('aria-describedby', `${cid}-hint`);
    controls.set(f.name, control);
    form.append(el('div', { class: 'field' }, el('label', { for: cid }, f.label), control, f.hint ? el('span', { id: `${cid}-hint`, class: 'hint' }, f.hint) : null));
  }
  const values = () => {
    /** @type {Record<string, string>} */
    const out = {};
    for (const [name, c] of controls) if (c.value.trim() !== '') out[name] = c.value.trim();
    return out;
  };
  const clear = el('button', { type: 'button' }, 'Clear');
  form.append(el('div', { class: 'field buttons' }, el('button', { type: 'submit' }, 'Apply filters'), clear));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onApply(values());
  });
  clear.addEventListener('click', () => {
    for (const c of controls.values()) c.value = '';
    onApply({});
  });
  return {
    form,
    /**
     * @param {string} name
     * @param {string[]} suggestions
     */
    suggest(name, suggestions) {
      const list = lists.get(name);
      if (list) replace(list, suggestions.map((s) => el('option', { value: s })));
    },
  };
}

/**
 * The filters a page was opened with (its address's query), limited to `names`.
 * @param {string[]} names
 */
export function filtersFromAddress(names) {
  const q = new URLSearchParams(window.location.search);
  /** @type {Record<string, string>} */
  const out = {};
  for (const n of names) {
    const v = q.get(n);
    if (v) out[n] = v;
  }
  return out;
}

/**
 * Puts the filters in the address, so a filtered list can be reloaded or shared.
 * @param {Record<string, string>} filters
 */
export function filtersToAddress(filters) {
  const q = new URLSearchParams(filters).toString();
  window.history.replaceState(null, '', `${window.location.pathname}${q ? `?${q}` : ''}`);
}

/**
 * A query string of the filters and paging parameters (empty values left out).
 * @param {Record<string, string | number | undefined>} params
 */
export function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Pages over an API list whose answer's `next` is the cursor of the page after: the cursors of
 * the pages before are kept, so "Previous" goes back without the API going backwards.
 * @param {string} label what the pages are of, for the nav's name
 * @param {() => void} onMove called after a move; read `cursor` then
 */
export function pager(label, onMove) {
  /** @type {(string | number | undefined)[]} */
  const before = [];
  /** @type {string | number | undefined} */
  let cursor;
  /** @type {string | number | undefined} */
  let next;
  const prev = el('button', { type: 'button' }, 'Previous page');
  const more = el('button', { type: 'button' }, 'Next page');
  const where = el('span', { class: 'muted' });
  const nav = el('nav', { class: 'pager', 'aria-label': `${label}, pages` }, prev, ' ', where, ' ', more);
  const show = () => {
    prev.disabled = before.length === 0;
    more.disabled = next === undefined;
    replace(where, `Page ${before.length + 1}`);
  };
  prev.addEventListener('click', () => {
    cursor = before.pop();
    onMove();
  });
  more.addEventListener('click', () => {
    if (next === undefined) return;
    before.push(cursor);
    cursor = next;
    onMove();
  });
  show();
  return {
    nav,
    get cursor() {
      return cursor;
    },
    /** Back to the first page (new filters). */
    reset() {
      before.length = 0;
      cursor = undefined;
      next = undefined;
    },
    /** @param {string | number | undefined} n the answer's `next` */
    loaded(n) {
      next = n;
      show();
    },
  };
}

/**
 * The line that says what an action did; it takes the focus so a keyboard or screen-reader
 * user hears the outcome at once (it is also a live region for other changes).
 * @param {string} id
 */
export function resultLine(id) {
  const line = el('p', { id, class: 'result', role: 'status', tabindex: -1 });
  return {
    line,
    /**
     * @param {string} text
     * @param {boolean} [error]
     */
    say(text, error = false) {
      line.className = error ? 'result error' : 'result ok';
      replace(line, text);
      line.focus();
    },
    clear() {
      line.className = 'result';
      replace(line);
    },
  };
}

/**
 * The message of a failed API call.
 * @param {unknown} err
 */
export function errorText(err) {
  if (err instanceof Error) return 'status' in err ? `${err.message} (HTTP ${/** @type {any} */ (err).status})` : err.message;
  return String(err);
}

/**
 * Redraws `container` by `draw` and, when the focus was on an element inside it with a
 * data-focus-key, puts it back on the element with the same key (a live refresh must not
 * throw a keyboard user back to the top of the page).
 * @param {HTMLElement} container
 * @param {() => void} draw
 */
export function keepingFocus(container, draw) {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.focusKey : undefined;
  draw();
  if (key === undefined) return;
  const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again instanceof HTMLElement) again.focus();
}

