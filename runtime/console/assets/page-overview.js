// @ts-check
/**
 * The Overview page: KPIs (GET /v1/kpi), SLA breaches now (GET /v1/expectations?state=late),
 * open exceptions by type and partner (the `exceptions` event: the workbench's stored open
 * counts), dead letters by pipeline and reason (the `dead-letters` event, then GET /v1/dlq),
 * and throughput per flow drawn from the `rates` events. Live over /v1/events; the lists
 * behind a change are fetched again at most every few seconds, whatever the event rate.
 */
import { el, replace, table, formatCount, formatPercent, formatRate, formatSeconds, formatTime } from './dom.js';
import { lineChart } from './chart.js';
import { throttle } from './live.js';

const WINDOW_MS = 15 * 60_000;
const REFETCH_MS = 5000;
const KPI_DETAIL_MS = 60_000;
const DLQ_PAGE = 500;
/** Rows of a KPI's breakdown on its card (the busiest). */
const KPI_ROWS = 6;

/**
 * @typedef {{ label: string, count: number, p50?: number, p90?: number, p99?: number, hits?: number, ratio?: number, pending?: number }} KpiRow
 * @typedef {{ id: string, title: string, kind: string, by: string, rows?: KpiRow[], all?: KpiRow, unavailable?: string }} Kpi
 * @typedef {{ t: number, p: Record<string, [number, number, number, number]> }} RateSample
 * @typedef {{ state: string, type: string, partner: string, count: number }} OpenCount
 */

/**
 * @param {HTMLElement} root
 * @param {import('./app.js').PageContext} ctx
 */
export async function render(root, ctx) {
  const parts = {
    kpis: section(root, 'kpis', 'Key figures, last hour'),
    sla: section(root, 'sla', 'SLA breaches now'),
    exceptions: section(root, 'exceptions', 'Open exceptions'),
    deadLetters: section(root, 'dead-letters', 'Dead letters'),
    throughput: section(root, 'throughput', 'Throughput per flow, last 15 minutes'),
  };
  const deadLetterTotal = el('p', { class: 'total big' }, '…');
  parts.deadLetters.body.before(deadLetterTotal);
  replace(parts.exceptions.body, el('p', { class: 'muted' }, 'Waiting for the live counts…'));
  replace(parts.throughput.body, el('p', { class: 'muted' }, 'Waiting for the first rates…'));
  // Events that came before these listeners are handed over as they register (live.js).
  const kpis = kpiPart(parts.kpis, ctx);
  const sla = throttle(() => slaPart(parts.sla, ctx), REFETCH_MS);
  const deadLetters = throttle(() => deadLetterBreakdown(parts.deadLetters, ctx), REFETCH_MS);
  /** @type {RateSample[]} */
  let samples = [];

  ctx.events.on('kpi', (summary) => kpis.headlines(summary.kpis));
  ctx.events.on('exceptions', (e) => {
    if (e.unavailable) return replace(parts.exceptions.body, el('p', { class: 'muted' }, `Not available: ${e.unavailable}.`));
    showExceptions(parts.exceptions, e.open, e.counts);
    // An SLA breach raises an exception: the late list may have changed too.
    void sla();
  });
  ctx.events.on('dead-letters', (d) => {
    if (d.unavailable) return replace(deadLetterTotal, `Not available: ${d.unavailable}.`);
    replace(deadLetterTotal, `${formatCount(d.count)} stored`);
    void deadLetters();
  });
  ctx.events.on('rates-history', (history) => {
    samples = history;
    showThroughput(parts.throughput, samples);
  });
  ctx.events.on('rates', (s) => {
    samples.push(s);
    const from = s.t - WINDOW_MS;
    while (samples.length > 0 && /** @type {RateSample} */ (samples[0]).t < from) samples.shift();
    showThroughput(parts.throughput, samples);
  });

  await Promise.all([kpis.load(), sla(), deadLetters()]);
  setInterval(() => void kpis.load(), KPI_DETAIL_MS);
}

/**
 * A titled region: a <section> labelled by its <h2>, with a body to draw into.
 * @param {HTMLElement} root
 * @param {string} id
 * @param {string} title
 */
function section(root, id, title) {
  const body = el('div', { class: 'body' });
  const s = el('section', { class: `part part-${id}`, 'aria-labelledby': `h-${id}` }, el('h2', { id: `h-${id}` }, title), body);
  root.append(s);
  return Object.assign(s, { body });
}


/**
 * @param {HTMLElement} body
 * @param {unknown} err
 */
function failed(body, err) {
  replace(body, el('p', { class: 'error' }, err instanceof Error ? err.message : String(err)));
}

/**
 * The KPI cards: headline figures (from the `kpi` events) and the breakdown by label (GET /v1/kpi).
 * @param {HTMLElement & { body: HTMLElement }} part
 * @param {import('./app.js').PageContext} ctx
 */
function kpiPart(part, ctx) {
  /** @type {Map<string, { value: HTMLElement, unit: HTMLElement, rows: HTMLElement }>} */
  const cards = new Map();
  const grid = el('div', { class: 'cards' });
  replace(part.body, grid);

  /** @param {Kpi} k */
  function card(k) {
    let c = cards.get(k.id);
    if (!c) {
      c = { value: el('p', { class: 'value' }), unit: el('p', { class: 'unit' }), rows: el('div', { class: 'rows' }) };
      cards.set(k.id, c);
      grid.append(el('article', { class: 'card', 'aria-labelledby': `kpi-${k.id}` }, el('h3', { id: `kpi-${k.id}` }, k.title), c.value, c.unit, c.rows));
    }
    return c;
  }

  /** @param {Kpi} k @param {KpiRow | undefined} row */
  function headline(k, row) {
    const c = card(k);
    const h = figure(k, row);
    replace(c.value, h.value);
    replace(c.unit, h.unit);
  }

  return {
    /** @param {Kpi[]} list */
    headlines(list) {
      for (const k of list) headline(k, k.all);
    },
    async load() {
      try {
        const report = await ctx.api.get('/v1/kpi?since=1h');
        for (const k of /** @type {Kpi[]} */ (report.kpis)) {
          const rows = k.rows ?? [];
          headline(k, rows[0]);
          const by = rows.slice(1).filter((r) => r.count > 0).sort((a, b) => b.count - a.count);
          const shown = by.slice(0, KPI_ROWS);
          const caption = by.length > shown.length ? `By ${k.by}, the busiest ${shown.length} of ${by.length}` : `By ${k.by}`;
          replace(card(k).rows, k.unavailable ? null : table(caption, [k.by, 'value', 'count'], shown.map((r) => [r.label, figure(k, r).value, formatCount(r.count)]), { numeric: [1, 2], empty: `No ${k.by} had any in the last hour.` }));
        }
      } catch (err) {
        failed(part.body, err);
      }
    },
  };
}

/**
 * A KPI row as a headline value and what the value means.
 * @param {Kpi} k
 * @param {KpiRow | undefined} row
 */
function figure(k, row) {
  if (k.unavailable) return { value: 'n/a', unit: k.unavailable };
  if (!row || row.count === 0) return { value: '–', unit: row?.pending ? `none finished; ${formatCount(row.pending)} waiting` : 'nothing in the window' };
  if (k.kind === 'duration') return { value: formatSeconds(row.p50 ?? 0), unit: `median of ${formatCount(row.count)}; 90th percentile ${formatSeconds(row.p90 ?? 0)}` };
  return { value: formatPercent(row.ratio ?? 0), unit: `${formatCount(row.hits ?? 0)} of ${formatCount(row.count)}` };
}

/**
 * @param {HTMLElement & { body: HTMLElement }} part
 * @param {import('./app.js').PageContext} ctx
 */
async function slaPart(part, ctx) {
  try {
    const r = await ctx.api.get('/v1/expectations?state=late&limit=50');
    /** @type {{ name: string, within: string, open: number, late: number, closedInTime: number }[]} */
    const summary = r.expectations;
    /** @type {{ expectation: string, key: string, partner?: string, channel?: string, warehouse?: string, deadline?: string }[]} */
    const items = r.items;
    replace(
      part.body,
      table('Expectations', ['expectation', 'within', 'open', 'late', 'on time'], summary.map((e) => [e.name, e.within, formatCount(e.open), formatCount(e.late), formatCount(e.closedInTime)]), { numeric: [2, 3, 4], empty: 'No expectations are configured.' }),
      el('h3', {}, 'Late now'),
      table('Late instances, earliest deadline first', ['expectation', 'document', 'partner, channel or warehouse', 'deadline'], items.map((i) => [i.expectation, i.key, i.partner ?? i.channel ?? i.warehouse ?? '', i.deadline ? formatTime(i.deadline) : '']), { empty: 'Nothing is late.' }),
    );
  } catch (err) {
    failed(part.body, err);
  }
}

/**
 * @param {HTMLElement & { body: HTMLElement }} part
 * @param {number} open
 * @param {OpenCount[]} counts
 */
function showExceptions(part, open, counts) {
  /** @param {(c: OpenCount) => string} key */
  const by = (key) => {
    /** @type {Map<string, { open: number, acknowledged: number }>} */
    const m = new Map();
    for (const c of counts) {
      const row = m.get(key(c)) ?? { open: 0, acknowledged: 0 };
      if (c.state === 'acknowledged') row.acknowledged += c.count;
      else row.open += c.count;
      m.set(key(c), row);
    }
    return [...m].sort((a, b) => b[1].open + b[1].acknowledged - (a[1].open + a[1].acknowledged)).map(([k, v]) => [k, formatCount(v.open), formatCount(v.acknowledged)]);
  };
  replace(
    part.body,
    el('p', { class: 'total big' }, `${formatCount(open)} not resolved`),
    el('div', { class: 'pair' }, table('By type', ['type', 'open', 'acknowledged'], by((c) => c.type), { numeric: [1, 2], empty: 'No open exceptions.' }), table('By partner', ['partner', 'open', 'acknowledged'], by((c) => c.partner), { numeric: [1, 2], empty: 'No open exceptions.' })),
  );
}

/**
 * @param {HTMLElement & { body: HTMLElement }} part
 * @param {import('./app.js').PageContext} ctx
 */
async function deadLetterBreakdown(part, ctx) {
  try {
    const r = await ctx.api.get(`/v1/dlq?limit=${DLQ_PAGE}`);
    /** @type {{ pipeline?: string, reason?: string }[]} */
    const items = r.items;
    /** @param {(i: { pipeline?: string, reason?: string }) => string} key */
    const count = (key) => {
      /** @type {Map<string, number>} */
      const m = new Map();
      for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
      return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, formatCount(n)]);
    };
    const reason = (/** @type {string | undefined} */ t) => (t === undefined ? 'unknown' : t.length > 90 ? `${t.slice(0, 90)}…` : t);
    replace(
      part.body,
      r.next ? el('p', { class: 'muted' }, `The oldest ${DLQ_PAGE} by pipeline and reason; the Dead letters page lists them all.`) : null,
      el('div', { class: 'pair' }, table('By pipeline', ['pipeline', 'dead letters'], count((i) => i.pipeline ?? 'unknown'), { numeric: [1], empty: 'No dead letters.' }), table('By reason', ['reason', 'dead letters'], count((i) => reason(i.reason)), { numeric: [1], empty: 'No dead letters.' })),
    );
  } catch (err) {
    failed(part.body, err);
  }
}

/**
 * One small chart per flow (pipeline) with traffic in the window, busiest first.
 * @param {HTMLElement & { body: HTMLElement }} part
 * @param {RateSample[]} samples
 */
function showThroughput(part, samples) {
  const last = samples[samples.length - 1];
  if (!last) return replace(part.body, el('p', { class: 'muted' }, 'No rates yet: the first arrive within two seconds.'));
  /** @type {Map<string, number>} */
  const volume = new Map();
  for (const s of samples) for (const [name, r] of Object.entries(s.p)) volume.set(name, (volume.get(name) ?? 0) + r[0] + r[1]);
  const names = [...volume].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  if (names.length === 0) return replace(part.body, el('p', { class: 'muted' }, 'No flow has moved a message in the last 15 minutes.'));
  const to = last.t;
  const from = to - WINDOW_MS;
  /** @param {string} name @param {number} i */
  const series = (name, i) => samples.map((s) => /** @type {[number, number]} */ ([s.t, s.p[name]?.[i] ?? 0]));
  const now = (/** @type {string} */ name) => last.p[name] ?? [0, 0, 0, 0];
  replace(
    part.body,
    el('p', { class: 'legend', 'aria-hidden': 'true' }, el('span', { class: 'key in' }, 'in'), ' ', el('span', { class: 'key out' }, 'out'), ' ', el('span', { class: 'key dead' }, 'dead-lettered')),
    el(
      'ul',
      { class: 'flows' },
      names.map((name) => {
        const [inRate, outRate, deadRate, failedRate] = now(name);
        const text = `now: in ${formatRate(inRate)}, out ${formatRate(outRate)}, dead-lettered ${formatRate(deadRate)}, failed ${formatRate(failedRate)}`;
        return el(
          'li',
          { class: 'flow' },
          el('h3', {}, name),
          lineChart({
            from,
            to,
            label: `${name}, messages per second over the last 15 minutes; ${text}`,
            series: [
              { name: 'in', className: 'in', points: series(name, 0) },
              { name: 'out', className: 'out', points: series(name, 1) },
              { name: 'dead-lettered', className: 'dead', points: series(name, 2) },
            ],
          }),
          el('p', { class: 'now' }, text),
        );
      }),
    ),
  );
}
