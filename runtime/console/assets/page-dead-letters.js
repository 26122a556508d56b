// @ts-check
/**
 * Dead letters: the stored ones (GET /v1/dlq, oldest first), filtered by the server by
 * pipeline, partner and reason, a page of PAGE at a time over the API's cursor; one opens into
 * its headers (redacted by the API) and, for an operator, its body (GET /v1/dlq/:id, cut by the
 * API at BODY_SHOWN bytes), shown as text in a <pre>, never as markup. An operator selects rows
 * (or opens one) and replays them (POST /v1/dlq/replay) after a confirmation; the answer
 * (replayed, failed and why) is shown as the API gave it. A viewer sees no selection and no
 * replay. The `dead-letters` event (count and newest id) refreshes the count and the list.
 */
import { el, replace, table, formatCount, formatTime } from './dom.js';
import { errorText, filterForm, filtersFromAddress, filtersToAddress, keepingFocus, pager, queryString, resultLine } from './worklist.js';
import { throttle } from './live.js';

const PAGE = 50;
const REFRESH_MS = 3000;
/** Bytes of a body shown; the rest is left on the server. */
const BODY_SHOWN = 64 * 1024;
const REASON_SHOWN = 160;
const FILTERS = ['pipeline', 'partner', 'reason'];

/**
 * @typedef {{ id: number, time: string, subject: string, pipeline?: string, step?: string, kind?: string, reason?: string, partner?: string, channel?: string, size: number, headers: Record<string, string>, body?: string, bodyTruncated?: boolean }} DeadLetter
 * @typedef {{ replayed: number[], failed: { id: number, error: string }[], auditErrors?: { id: number, error: string }[], more?: number }} ReplayAnswer
 */

/**
 * @param {HTMLElement} root
 * @param {import('./app.js').PageContext} ctx
 */
export async function render(root, ctx) {
  const operator = ctx.session.role === 'operator';
  let filters = filtersFromAddress(FILTERS);
  /** Ids chosen for replay, kept across pages and refreshes. */
  const selected = new Set(/** @type {number[]} */ ([]));
  const total = el('p', { class: 'total big', id: 'dead-letters-total' }, '…');
  const form = filterForm('dl', 'Filter dead letters', [
    { name: 'pipeline', label: 'Pipeline' },
    { name: 'partner', label: 'Partner' },
    { name: 'reason', label: 'Reason contains', hint: 'any case' },
  ], filters, (values) => {
    filters = values;
    filtersToAddress(filters);
    pages.reset();
    void load();
  });
  const list = el('div', { class: 'list', id: 'dead-letters-list' });
  const pages = pager('Dead letters', () => void load());
  const result = resultLine('replay-result');
  const confirm = el('div', { class: 'confirm', id: 'replay-confirm', hidden: true });
  const replaySelected = el('button', { type: 'button', id: 'replay-selected', disabled: true }, 'Replay selected');
  const clearSelection = el('button', { type: 'button', disabled: true }, 'Clear selection');
  const selectPage = el('button', { type: 'button' }, 'Select this page');
  const detail = el('section', { class: 'part detail', id: 'dead-letter-detail', 'aria-labelledby': 'dead-letter-title', hidden: true });
  /** @type {DeadLetter[]} */
  let rows = [];

  const tools = operator
    ? el('div', { class: 'actions' }, selectPage, ' ', replaySelected, ' ', clearSelection, confirm)
    : el('p', { class: 'muted' }, `Signed in as ${ctx.session.name}, a viewer: replaying needs an operator key, and bodies are shown to operators only.`);
  root.append(
    el('section', { class: 'part', 'aria-labelledby': 'h-stored' }, el('h2', { id: 'h-stored' }, 'Stored now'), total),
    el('section', { class: 'part', 'aria-labelledby': 'h-list' }, el('h2', { id: 'h-list' }, 'Dead letters'), form.form, list, pages.nav, tools, result.line),
    detail,
  );

  const showSelection = () => {
    replace(replaySelected, selected.size ? `Replay selected (${selected.size})` : 'Replay selected');
    replaySelected.disabled = selected.size === 0;
    clearSelection.disabled = selected.size === 0;
  };
  const draw = () => keepingFocus(list, () => replace(list, lettersTable(rows, operator, selected, showSelection, open)));

  async function load() {
    try {
      const r = await ctx.api.get(`/v1/dlq${queryString({ ...filters, limit: PAGE, cursor: pages.cursor })}`);
      rows = r.items;
      pages.loaded(r.next);
      form.suggest('pipeline', [...new Set(rows.map((d) => d.pipeline ?? '').filter(Boolean))].sort());
      form.suggest('partner', [...new Set(rows.map((d) => d.partner ?? '').filter(Boolean))].sort());
      draw();
    } catch (err) {
      replace(list, el('p', { class: 'error', role: 'alert' }, `The list could not be read: ${errorText(err)}`));
    }
  }

  /** @param {number} id */
  async function open(id) {
    try {
      /** @type {DeadLetter} */
      const d = await ctx.api.get(`/v1/dlq/${id}?maxBody=${BODY_SHOWN}`);
      showDetail(detail, d, operator, () => ask([id], detail.querySelector('button.replay-one')));
    } catch (err) {
      replace(detail, el('h2', { id: 'dead-letter-title', tabindex: -1 }, `Dead letter ${id}`), el('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
    detail.hidden = false;
    document.getElementById('dead-letter-title')?.focus();
  }

  /**
   * The confirmation step: what will happen, then Replay or Cancel. The focus goes to it, and
   * back to where the request came from on Cancel.
   * @param {number[]} ids
   * @param {Element | null} from
   */
  function ask(ids, from) {
    const go = el('button', { type: 'button', class: 'danger' }, ids.length === 1 ? `Replay dead letter ${ids[0]}` : `Replay ${ids.length} dead letters`);
    const cancel = el('button', { type: 'button' }, 'Cancel');
    const text = el('p', { id: 'replay-question', tabindex: -1 }, `${ids.length === 1 ? `Dead letter ${ids[0]}` : `${ids.length} dead letters (${ids.join(', ')})`} will be published again to the subject each came from and removed from the dead letters. Replay?`);
    replace(confirm, text, go, ' ', cancel);
    confirm.hidden = false;
    // Next to the button that asked: under the open dead letter, or under the list.
    (from && detail.contains(from) ? detail.querySelector('.confirm-here') : tools)?.append(confirm);
    text.focus();
    cancel.addEventListener('click', () => {
      confirm.hidden = true;
      if (from instanceof HTMLElement) from.focus();
    });
    go.addEventListener('click', () => void replay(ids));
  }

  /** @param {number[]} ids */
  async function replay(ids) {
    confirm.hidden = true;
    try {
      /** @type {ReplayAnswer} */
      const r = await ctx.api.post('/v1/dlq/replay', { ids });
      for (const id of r.replayed) selected.delete(id);
      showSelection();
      result.say(replayText(r), r.failed.length > 0);
      if (detail.dataset.id && r.replayed.includes(Number(detail.dataset.id))) detail.hidden = true;
      void load();
    } catch (err) {
      result.say(`Refused: ${errorText(err)}`, true);
    }
  }

  replaySelected.addEventListener('click', () => ask([...selected].sort((a, b) => a - b), replaySelected));
  selectPage.addEventListener('click', () => {
    for (const d of rows) selected.add(d.id);
    showSelection();
    draw();
  });
  clearSelection.addEventListener('click', () => {
    selected.clear();
    showSelection();
    draw();
  });

  const refresh = throttle(load, REFRESH_MS);
  ctx.events.on('dead-letters', (d) => {
    if (d.unavailable) return replace(total, `Not available: ${d.unavailable}.`);
    replace(total, `${formatCount(d.count)} stored`);
    refresh();
  });
  await load();
}

/** @param {ReplayAnswer} r */
function replayText(r) {
  const parts = [];
  if (r.replayed.length) parts.push(`Replayed ${r.replayed.length}: ${r.replayed.join(', ')}.`);
  if (r.failed.length) parts.push(`Not replayed ${r.failed.length}: ${r.failed.map((f) => `${f.id} (${f.error})`).join('; ')}.`);
  if (r.auditErrors?.length) parts.push(`Replayed but not recorded in the audit log: ${r.auditErrors.map((f) => `${f.id} (${f.error})`).join('; ')}.`);
  if (r.more) parts.push(`${r.more} more were not tried: replay them in another request.`);
  return parts.join(' ') || 'Nothing was replayed.';
}

/**
 * @param {DeadLetter[]} rows
 * @param {boolean} operator
 * @param {Set<number>} selected
 * @param {() => void} changed
 * @param {(id: number) => void} open
 */
function lettersTable(rows, operator, selected, changed, open) {
  const cut = (/** @type {string | undefined} */ t) => (t === undefined ? '' : t.length > REASON_SHOWN ? `${t.slice(0, REASON_SHOWN)}…` : t);
  const body = rows.map((d) => {
    const button = el('button', { type: 'button', class: 'link', 'data-focus-key': `open-${d.id}`, 'aria-label': `Open dead letter ${d.id}` }, String(d.id));
    button.addEventListener('click', () => open(d.id));
    const cells = [button, formatTime(d.time), d.pipeline ?? '', d.partner ?? '', d.step ?? '', cut(d.reason), formatCount(d.size)];
    if (!operator) return cells;
    const box = el('input', { type: 'checkbox', 'data-focus-key': `pick-${d.id}`, 'aria-label': `Select dead letter ${d.id}`, checked: selected.has(d.id) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(d.id);
      else selected.delete(d.id);
      changed();
    });
    return [button, box, ...cells.slice(1)];
  });
  const headers = ['dead letter', 'failed at', 'pipeline', 'partner', 'step', 'reason', 'bytes'];
  if (operator) headers.splice(1, 0, 'select');
  return table('Dead letters, oldest first', headers, body, { numeric: [headers.length - 1], empty: 'No dead letter matches these filters.' });
}

/**
 * @param {HTMLElement} detail
 * @param {DeadLetter} d
 * @param {boolean} operator
 * @param {() => void} replay
 */
function showDetail(detail, d, operator, replay) {
  detail.dataset.id = String(d.id);
  const again = el('button', { type: 'button', class: 'replay-one' }, `Replay dead letter ${d.id}`);
  again.addEventListener('click', replay);
  /** @type {[string, string | undefined][]} */
  const facts = [
    ['Failed at', formatTime(d.time)],
    ['Pipeline', d.pipeline],
    ['Step', d.step],
    ['Kind', d.kind],
    ['Partner', d.partner],
    ['Channel', d.channel],
    ['Reason', d.reason],
    ['Subject', d.subject],
    ['Size', `${formatCount(d.size)} bytes`],
  ];
  replace(
    detail,
    el('h2', { id: 'dead-letter-title', tabindex: -1 }, `Dead letter ${d.id}${d.pipeline ? `: ${d.pipeline}` : ''}`),
    el('dl', { class: 'facts' }, facts.filter(([, v]) => v).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v ?? '')])),
    el('h3', {}, 'Headers'),
    table('Headers (credentials hidden by the runner)', ['header', 'value'], Object.entries(d.headers).map(([k, v]) => [k, v]), { empty: 'No headers.' }),
    el('h3', {}, 'Body'),
    d.body === undefined
      ? el('p', { class: 'muted' }, `${formatCount(d.size)} bytes; the body is shown to operators only.`)
      : [
          d.bodyTruncated ? el('p', { class: 'note' }, `A large body: the first ${formatCount(BODY_SHOWN)} bytes of ${formatCount(d.size)} are shown.`) : null,
          el('pre', { class: 'body', tabindex: 0, 'aria-label': `Body of dead letter ${d.id}` }, d.body),
        ],
    operator ? el('div', { class: 'actions confirm-here' }, again) : null,
  );
}
