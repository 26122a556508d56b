// @ts-check
/**
 * The Availability page: a SKU's figures per channel, per region and per location, and how
 * each is made (GET /v1/atp/{sku}?explain=true; per region GET /v1/atp/{sku}?channel=&region=
 * for each region the answer names). The SKU is in the URL (?sku=…).
 *
 * Not live by itself: a Refresh button reads the figures again. The event stream carries no
 * availability change (the `rates` say that some pipeline moved, not which SKU), so refreshing
 * on them would ask the runner for full explains that mostly come back the same; and a page
 * that redraws while someone reads an explain moves the text under them (and under a screen
 * reader's cursor). The answer's stream sequence and the time it was read are shown, so the
 * figures' age is never a guess.
 */
import { el, replace, table, formatCount } from './dom.js';
import { ApiError } from './api.js';
import { searchForm } from './search.js';

/**
 * The answer's shapes (runtime/availability/api.ts).
 * @typedef {{ kind: string, id?: string, quantity: number, seq: number, day?: string, expiresAt?: string }} Source
 * @typedef {{ onHand: number, receivedSinceSnapshot: number, committed: number, reserved: number, qualityHold: number, safetyStock: number, physical: number, backlog: number, inbound: number, snapshotVersion: number | null, today: string, timeZone: string, atpByDay: { day: string, atp: number }[], sources: Source[] }} LocationExplain
 * @typedef {{ location: string, available: number, quantity: number, promiseDate: string | null, shipDate: string | null, explain?: LocationExplain }} LocationFigure
 * @typedef {{ locations: string[], pool: number, ringFencedForOthers: number, afterRingFences: number, share: number | null, afterShare: number, cap: number | null, afterCap: number, buffer: number }} ChannelExplain
 * @typedef {{ channel: string, region?: string, available: number, quantity: number, promiseDate: string | null, shipDate: string | null, explain?: ChannelExplain }} ChannelFigure
 * @typedef {{ sku: string, known: boolean, seq: number, quantity: number, channels: ChannelFigure[], locations?: LocationFigure[], regions?: Record<string, string[]> }} SkuAnswer
 */

/**
 * @param {HTMLElement} root
 * @param {import('./app.js').PageContext} ctx
 */
export async function render(root, ctx) {
  const search = searchForm(root, {
    id: 'sku',
    param: 'sku',
    label: 'Find a SKU',
    hint: 'The SKU exactly as the inventory events carry it, e.g. 066850-116.',
    empty: 'Type a SKU to see its figures.',
    button: 'Show figures',
    resultsTitle: 'Figures',
    show: (sku, results) => showSku(sku, results, ctx, refresh),
  });
  /** Reads the figures again, keeping the explains that were open and the focus on the button. */
  async function refresh() {
    const open = [...search.results.querySelectorAll('details[open]')].map((d) => d.id);
    await search.again();
    for (const id of open) document.getElementById(id)?.setAttribute('open', '');
    document.getElementById('sku-refresh')?.focus();
  }
}

/**
 * @param {string} sku
 * @param {HTMLElement} results
 * @param {import('./app.js').PageContext} ctx
 * @param {() => Promise<void>} refresh
 */
async function showSku(sku, results, ctx, refresh) {
  const path = `/v1/atp/${encodeURIComponent(sku)}`;
  /** @type {SkuAnswer} */
  let a;
  /** @type {ChannelFigure[]} */
  let byRegion;
  try {
    a = await ctx.api.get(`${path}?explain=true`);
    const asks = Object.entries(a.regions ?? {}).flatMap(([channel, regions]) => regions.map((region) => `${path}?${new URLSearchParams({ channel, region })}`));
    byRegion = await Promise.all(asks.map((p) => ctx.api.get(p)));
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) return replace(results, el('h2', {}, 'SKU refused'), el('p', { class: 'error', role: 'alert' }, err.message));
    return replace(results, el('h2', {}, 'The figures could not be read'), el('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
  }
  const refreshButton = el('button', { type: 'button', id: 'sku-refresh' }, 'Refresh');
  refreshButton.addEventListener('click', () => void refresh());
  const head = el('div', { class: 'figures-head' }, el('p', { class: 'muted' }, `As of stream sequence ${formatCount(a.seq)}, read at ${new Date().toLocaleTimeString('en-GB')}.`), refreshButton);
  if (!a.known) {
    return replace(results, el('h2', {}, `SKU ${a.sku}`), el('p', { class: 'error', role: 'alert' }, `No stock, demand or supply is known for '${a.sku}': every figure is 0. Check the SKU as the warehouses send it.`), head);
  }
  const locations = a.locations ?? [];
  replace(
    results,
    el('h2', {}, `SKU ${a.sku}`),
    head,
    el('h3', {}, 'Per channel'),
    table(
      `What each channel may promise now, from its default locations (dates for ${formatCount(a.quantity)} unit${a.quantity === 1 ? '' : 's'})`,
      ['channel', 'available', 'promise date', 'ship date', 'locations'],
      a.channels.map((c) => [c.channel, formatCount(c.available), day(c.promiseDate), day(c.shipDate), (c.explain?.locations ?? []).join(', ')]),
      { numeric: [1], empty: 'The policy names no channel.' },
    ),
    el('h3', {}, 'Per region'),
    table('Channels with locations of their own for a region', ['channel', 'region', 'available', 'promise date', 'ship date'], byRegion.map((c) => [c.channel, c.region ?? '', formatCount(c.available), day(c.promiseDate), day(c.shipDate)]), { numeric: [2], empty: 'No channel has a location list of its own for a region: every region sees the figures above.' }),
    el('h3', {}, 'How each channel’s figure is made'),
    a.channels.map((c) => channelExplain(c)),
    el('h3', {}, 'Per location'),
    table('Available to promise per location', ['location', 'available', 'promise date', 'ship date'], locations.map((l) => [l.location, formatCount(l.available), day(l.promiseDate), day(l.shipDate)]), { numeric: [1], empty: 'No location.' }),
    locations.map((l) => locationExplain(l)),
  );
}

/** @param {number} n units taken off a figure */
function less(n) {
  return n === 0 ? '0' : `−${formatCount(n)}`;
}

/** @param {string | null} d */
function day(d) {
  return d ?? 'beyond the inbound horizon';
}

/**
 * The stages of a channel's figure, in the order they apply (runtime/availability/channel-rules.ts).
 * @param {ChannelFigure} c
 */
function channelExplain(c) {
  const e = c.explain;
  if (!e) return null;
  const rows = [
    ['pool', `ATP of ${e.locations.join(', ') || 'no location'}`, formatCount(e.pool)],
    ['ring-fenced for other channels', 'taken off', less(e.ringFencedForOthers)],
    ['after ring-fences', '', formatCount(e.afterRingFences)],
    ['share', e.share === null ? 'none' : `${e.share} %, rounded down`, formatCount(e.afterShare)],
    ['cap', e.cap === null ? 'none' : `at most ${formatCount(e.cap)}`, formatCount(e.afterCap)],
    ['buffer', 'kept back', less(e.buffer)],
    ['available', 'what the channel may promise', formatCount(c.available)],
  ];
  return el('details', { class: 'explain', id: `explain-channel-${c.channel}` }, el('summary', {}, `${c.channel}: ${formatCount(c.available)} available`), table(`How ${c.channel}’s figure is made, stage by stage`, ['stage', 'rule', 'units'], rows, { numeric: [2] }));
}

/**
 * A location's components, ATP by day and the events behind them.
 * @param {LocationFigure} l
 */
function locationExplain(l) {
  const e = l.explain;
  if (!e) return null;
  const parts = [
    ['on hand', formatCount(e.onHand)],
    ['received since the snapshot', e.receivedSinceSnapshot === 0 ? '0' : `+${formatCount(e.receivedSinceSnapshot)}`],
    ['committed', less(e.committed)],
    ['reserved', less(e.reserved)],
    ['quality hold', less(e.qualityHold)],
    ['safety stock', less(e.safetyStock)],
    ['physical (never below 0)', formatCount(e.physical)],
    ['backlog inbound must first make up', formatCount(e.backlog)],
    ['inbound within the horizon', formatCount(e.inbound)],
  ];
  return el(
    'details',
    { class: 'explain', id: `explain-location-${l.location}` },
    el('summary', {}, `${l.location}: ${formatCount(l.available)} available`),
    el('p', { class: 'muted' }, `Local day ${e.today} (${e.timeZone}); position snapshot version ${e.snapshotVersion ?? 'none'}.`),
    table(`${l.location}: the components`, ['component', 'units'], parts, { numeric: [1] }),
    table(`${l.location}: available to promise by day`, ['from day', 'ATP'], e.atpByDay.map((d) => [d.day, formatCount(d.atp)]), { numeric: [1], empty: 'No day-by-day figure.' }),
    table(`${l.location}: the events behind the figure`, ['kind', 'id', 'units', 'day', 'expires', 'stream seq'], e.sources.map((s) => [s.kind, s.id ?? '', formatCount(s.quantity), s.day ?? '', s.expiresAt ?? '', formatCount(s.seq)]), { numeric: [2, 5], empty: 'No event gave this location stock, demand or supply.' }),
  );
}
