// @ts-check
/**
 * The Exceptions workbench: the business exceptions (GET /v1/exceptions, newest first),
 * filtered by the server by state, type, partner, channel and warehouse, a page of PAGE at a
 * time over the API's cursor; one opens into its keys, body and history (GET
 * /v1/exceptions/:id); an operator acknowledges, assigns, resolves with a note or reopens it
 * (POST /v1/exceptions/:id/<action>). A viewer sees no action buttons; the API refuses a
 * viewer's POST anyway (403), and any refusal is shown as the API worded it. The `exceptions`
 * event (the open counts, sent when anything changes) refreshes the counts and the list.
 */
import { el, replace, table, formatCount, formatTime } from './dom.js';
import { errorText, filterForm, filtersFromAddress, filtersToAddress, keepingFocus, pager, queryString, resultLine } from './worklist.js';
import { throttle } from './live.js';

const PAGE = 50;
const REFRESH_MS = 3000;
const STATES = ['open', 'acknowledged', 'resolved'];
const FILTERS = ['state', 'type', 'partner', 'channel', 'warehouse'];

/**
 * @typedef {{ action: string, actor: string, at: string, note?: string, assignee?: string }} HistoryEntry
 * @typedef {{ id: number, type: string, partner: string, channel?: string, warehouse?: string, documentType?: string, keys?: Record<string, unknown>, deadline?: string, raisedBy?: string, correlationId?: string, reason?: string, raisedAt: string, state: string, assignee?: string, acknowledgedBy?: string, acknowledgedAt?: string, resolvedBy?: string, resolvedAt?: string, resolutionNote?: string, history?: HistoryEntry[], body?: unknown }} WorkItem
 * @typedef {{ state: string, type: string, partner: string, count: number }} OpenCount
 */

/**
 * @param {HTMLElement} root
 * @param {import('./app.js').PageContext} ctx
 */
export async function render(root, ctx) {
  const operator = ctx.session.role === 'operator';
  let filters = filtersFromAddress(FILTERS);
  const counts = el('p', { class: 'total big', id: 'exceptions-open' }, '…');
  const form = filterForm('ex', 'Filter exceptions', [
    { name: 'state', label: 'State', choices: STATES },
    { name: 'type', label: 'Type' },
    { name: 'partner', label: 'Partner' },
    { name: 'channel', label: 'Channel' },
    { name: 'warehouse', label: 'Warehouse' },
  ], filters, (values) => {
    filters = values;
    filtersToAddress(filters);
    pages.reset();
    void load();
  });
  const list = el('div', { class: 'list', id: 'exceptions-list' });
  const pages = pager('Exceptions', () => void load());
  const detail = el('section', { class: 'part detail', id: 'exception-detail', 'aria-labelledby': 'exception-title', hidden: true });
  /** The open item, when one is. */
  let shown = /** @type {number | undefined} */ (undefined);

  root.append(
    el('section', { class: 'part', 'aria-labelledby': 'h-open' }, el('h2', { id: 'h-open' }, 'Open now'), counts),
    el('section', { class: 'part', 'aria-labelledby': 'h-list' }, el('h2', { id: 'h-list' }, 'Exceptions'), form.form, list, pages.nav),
    detail,
  );

  async function load() {
    try {
      const r = await ctx.api.get(`/v1/exceptions${queryString({ ...filters, limit: PAGE, cursor: pages.cursor })}`);
      /** @type {WorkItem[]} */
      const items = r.items;
      pages.loaded(r.next);
      keepingFocus(list, () => replace(list, itemsTable(items, open)));
    } catch (err) {
      replace(list, el('p', { class: 'error', role: 'alert' }, `The list could not be read: ${errorText(err)}`));
    }
  }

  /** @param {number} id */
  async function open(id) {
    shown = id;
    try {
      /** @type {WorkItem} */
      const item = await ctx.api.get(`/v1/exceptions/${id}`);
      showDetail(detail, item, operator, ctx, act);
    } catch (err) {
      replace(detail, el('h2', { id: 'exception-title', tabindex: -1 }, `Exception ${id}`), el('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
    detail.hidden = false;
    document.getElementById('exception-title')?.focus();
  }

  /**
   * Takes an action on the open item; the result line says what the API answered and takes the focus.
   * @param {number} id
   * @param {'ack' | 'assign' | 'resolve' | 'reopen'} action
   * @param {Record<string, string>} body
   * @param {ReturnType<typeof resultLine>} result
   */
  async function act(id, action, body, result) {
    try {
      const r = await ctx.api.post(`/v1/exceptions/${id}/${action}`, body);
      /** @type {WorkItem} */
      const item = await ctx.api.get(`/v1/exceptions/${id}`).catch(() => r.item);
      showDetail(detail, item, operator, ctx, act).say(r.changed ? `Exception ${id} is ${item.state}${item.assignee ? `, assigned to ${item.assignee}` : ''}.` : `Exception ${id} already was so; nothing changed.`);
      void load();
    } catch (err) {
      result.say(`Refused: ${errorText(err)}`, true);
    }
  }

  const refresh = throttle(async () => {
    await load();
    if (shown !== undefined && !detail.contains(document.activeElement)) {
      try {
        showDetail(detail, await ctx.api.get(`/v1/exceptions/${shown}`), operator, ctx, act);
      } catch {
        // The detail keeps what it showed; the next change tries again.
      }
    }
  }, REFRESH_MS);
  ctx.events.on('exceptions', (e) => {
    if (e.unavailable) return replace(counts, `Not available: ${e.unavailable}.`);
    /** @type {OpenCount[]} */
    const c = e.counts;
    replace(counts, `${formatCount(e.open)} not resolved (${formatCount(sum(c, 'open'))} open, ${formatCount(sum(c, 'acknowledged'))} acknowledged)`);
    form.suggest('type', [...new Set(c.map((x) => x.type))].sort());
    form.suggest('partner', [...new Set(c.map((x) => x.partner))].sort());
    refresh();
  });
  await load();
}

/**
 * @param {OpenCount[]} counts
 * @param {string} state
 */
const sum = (counts, state) => counts.filter((c) => c.state === state).reduce((n, c) => n + c.count, 0);

/**
 * @param {WorkItem[]} items
 * @param {(id: number) => void} open
 */
function itemsTable(items, open) {
  const rows = items.map((i) => {
    const button = el('button', { type: 'button', class: 'link', 'data-focus-key': `open-${i.id}`, 'aria-label': `Open exception ${i.id} (${i.type}, ${i.partner})` }, String(i.id));
    button.addEventListener('click', () => open(i.id));
    return [button, i.type, i.partner, [i.channel, i.warehouse].filter(Boolean).join(' · '), el('span', { class: `state state-${i.state}` }, i.state), i.assignee ?? '', formatTime(i.raisedAt), i.reason ?? ''];
  });
  return table('Exceptions, newest first', ['exception', 'type', 'partner', 'channel · warehouse', 'state', 'assigned to', 'raised', 'reason'], rows, { empty: 'No exception matches these filters.' });
}

/**
 * Draws one item: what it is, its keys and body, its history, and (for an operator) the actions.
 * @param {HTMLElement} detail
 * @param {WorkItem} item
 * @param {boolean} operator
 * @param {import('./app.js').PageContext} ctx
 * @param {(id: number, action: 'ack' | 'assign' | 'resolve' | 'reopen', body: Record<string, string>, result: ReturnType<typeof resultLine>) => Promise<void>} act
 * @returns {ReturnType<typeof resultLine>} the item's result line
 */
function showDetail(detail, item, operator, ctx, act) {
  const result = resultLine('exception-result');
  /** @type {[string, string | undefined][]} */
  const facts = [
    ['State', item.state],
    ['Type', item.type],
    ['Partner', item.partner],
    ['Channel', item.channel],
    ['Warehouse', item.warehouse],
    ['Document type', item.documentType],
    ['Reason', item.reason],
    ['Raised', formatTime(item.raisedAt)],
    ['Raised by', item.raisedBy],
    ['Deadline', item.deadline && formatTime(item.deadline)],
    ['Correlation id', item.correlationId],
    ['Assigned to', item.assignee],
    ['Acknowledged', item.acknowledgedBy && `by ${item.acknowledgedBy}, ${formatTime(item.acknowledgedAt ?? '')}`],
    ['Resolved', item.resolvedBy && `by ${item.resolvedBy}, ${formatTime(item.resolvedAt ?? '')}`],
    ['Resolution note', item.resolutionNote],
  ];
  const keys = Object.entries(item.keys ?? {});
  const history = item.history ?? [];
  replace(
    detail,
    el('h2', { id: 'exception-title', tabindex: -1 }, `Exception ${item.id}: ${item.type}, ${item.partner}`),
    el('dl', { class: 'facts' }, facts.filter(([, v]) => v).flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-fact': k }, v ?? '')])),
    el('h3', {}, 'Keys'),
    table('Document keys', ['key', 'value'], keys.map(([k, v]) => [k, String(v)]), { empty: 'This exception names no document keys.' }),
    el('h3', {}, 'History'),
    table('Actions, oldest first', ['when', 'action', 'by', 'note or assignee'], history.map((h) => [formatTime(h.at), h.action, h.actor, h.note ?? h.assignee ?? '']), { empty: 'No action yet.' }),
    item.body === undefined ? null : [el('h3', {}, 'Body'), el('pre', { class: 'body', tabindex: 0, 'aria-label': `Body of exception ${item.id}` }, typeof item.body === 'string' ? item.body : JSON.stringify(item.body, null, 2))],
    el('h3', {}, 'Actions'),
    operator ? actions(item, act, result) : el('p', { class: 'muted' }, `Signed in as ${ctx.session.name}, a viewer: acknowledging, assigning and resolving need an operator key.`),
    result.line,
  );
  return result;
}

/**
 * The operator's actions on one item, each allowed only where the workbench allows it.
 * @param {WorkItem} item
 * @param {(id: number, action: 'ack' | 'assign' | 'resolve' | 'reopen', body: Record<string, string>, result: ReturnType<typeof resultLine>) => Promise<void>} act
 * @param {ReturnType<typeof resultLine>} result
 */
function actions(item, act, result) {
  const resolved = item.state === 'resolved';
  const ack = el('button', { type: 'button', disabled: item.state !== 'open' }, 'Acknowledge');
  ack.addEventListener('click', () => void act(item.id, 'ack', {}, result));

  const assignee = el('input', { id: 'assign-to', name: 'assignee', type: 'text', required: true, maxlength: 100, autocomplete: 'off', value: item.assignee ?? '' });
  const assign = el('form', { class: 'action', 'aria-label': 'Assign' }, el('label', { for: 'assign-to' }, 'Assign to'), assignee, el('button', { type: 'submit', disabled: resolved }, 'Assign'));
  assign.addEventListener('submit', (e) => {
    e.preventDefault();
    void act(item.id, 'assign', { assignee: assignee.value.trim() }, result);
  });

  const note = el('textarea', { id: 'resolve-note', name: 'note', required: true, maxlength: 2000, rows: 3 });
  const resolve = el('form', { class: 'action', 'aria-label': 'Resolve' }, el('label', { for: 'resolve-note' }, 'Resolution note'), note, el('button', { type: 'submit', disabled: resolved }, 'Resolve'));
  resolve.addEventListener('submit', (e) => {
    e.preventDefault();
    void act(item.id, 'resolve', { note: note.value.trim() }, result);
  });

  const reopen = el('button', { type: 'button' }, 'Reopen');
  reopen.addEventListener('click', () => void act(item.id, 'reopen', {}, result));
  return el(
    'div',
    { class: 'actions' },
    resolved ? el('p', { class: 'muted' }, 'Resolved: reopen it to acknowledge, assign or resolve it again.') : null,
    el('div', { class: 'action' }, ack, resolved ? reopen : null),
    assign,
    resolve,
  );
}
