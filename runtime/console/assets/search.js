// @ts-check
/**
 * A one-field search whose value lives in the page's URL (`?<param>=value`), for the pages
 * that look one thing up (Trace, Availability): a search pushes a history entry, so a link to
 * a result can be shared and the browser's back and forward buttons step through searches.
 * The page draws the result; this module owns the form, the URL and where focus goes.
 */
import { el, replace } from './dom.js';

/**
 * @typedef {object} SearchOptions
 * @property {string} id the input's id (and the prefix of the other ids)
 * @property {string} param the URL query parameter holding the value
 * @property {string} label the field's visible label
 * @property {string} hint what may be typed, shown under the label and tied to the field
 * @property {string} empty what to say when the field is empty
 * @property {string} button the submit button's text
 * @property {string} resultsTitle the accessible name of the results region
 * @property {(value: string, results: HTMLElement) => Promise<void>} show draws the answer for `value` into `results`
 */

/**
 * Adds the form and a results region to `root`, and shows the URL's value at once when it has one.
 * @param {HTMLElement} root
 * @param {SearchOptions} o
 * @returns {{ results: HTMLElement, again: () => Promise<void> }} `again` shows the current value anew
 */
export function searchForm(root, o) {
  const input = el('input', { id: o.id, name: o.param, type: 'search', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${o.id}-hint` });
  const form = el(
    'form',
    { class: 'search', role: 'search', 'aria-label': o.label },
    el('label', { for: o.id }, o.label),
    el('p', { id: `${o.id}-hint`, class: 'muted hint' }, o.hint),
    el('div', { class: 'row' }, input, el('button', { type: 'submit' }, o.button)),
  );
  const results = el('section', { id: `${o.id}-results`, class: 'results', 'aria-label': o.resultsTitle, tabindex: '-1' });
  root.append(form, results);

  /** The URL's value: what a shared link or a step back in history asks for. */
  const fromUrl = () => new URL(window.location.href).searchParams.get(o.param) ?? '';

  /** @param {boolean} focus move focus to the results (after the person asked, not on page load) */
  const showUrl = async (focus) => {
    const value = fromUrl();
    input.value = value;
    if (value === '') return replace(results);
    results.setAttribute('aria-busy', 'true');
    replace(results, el('p', { class: 'muted' }, 'Looking…'));
    try {
      await o.show(value, results);
    } finally {
      results.removeAttribute('aria-busy');
      // Focus goes to what was found, so a keyboard or screen-reader user lands on it.
      if (focus) results.focus();
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value;
    if (value.trim() === '') {
      replace(results, el('p', { class: 'error', role: 'alert' }, o.empty));
      input.focus();
      return;
    }
    const url = new URL(window.location.href);
    url.searchParams.set(o.param, value);
    if (url.href === window.location.href) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    void showUrl(true);
  });
  // Back and forward: show the search that URL names.
  window.addEventListener('popstate', () => void showUrl(true));
  void showUrl(false);
  return { results, again: () => showUrl(false) };
}
