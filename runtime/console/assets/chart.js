// @ts-check
/**
 * A small time-series chart in SVG, drawn from numbers (no library): one polyline per series
 * over a fixed time window, the window's peak as the only axis label. The chart is an image
 * to assistive technology, labelled with what it shows; the figures also appear as text
 * beside it.
 */
import { svg } from './dom.js';

/**
 * @typedef {object} Series
 * @property {string} name
 * @property {string} className CSS class that colours the line (see console.css)
 * @property {[number, number][]} points [epoch ms, value]
 */

/**
 * @param {{ series: Series[], from: number, to: number, label: string, width?: number, height?: number }} o
 * @returns {SVGElement}
 */
export function lineChart(o) {
  const width = o.width ?? 320;
  const height = o.height ?? 64;
  const pad = 2;
  let peak = 0;
  for (const s of o.series) for (const [, v] of s.points) peak = Math.max(peak, v);
  const top = peak > 0 ? niceCeiling(peak) : 1;
  const span = Math.max(1, o.to - o.from);
  /** @param {number} t */
  const x = (t) => pad + ((t - o.from) / span) * (width - 2 * pad);
  /** @param {number} v */
  const y = (v) => height - pad - (v / top) * (height - 2 * pad);
  const lines = o.series.map((s) =>
    svg('polyline', {
      class: `line ${s.className}`,
      fill: 'none',
      points: s.points
        .filter(([t]) => t >= o.from)
        .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`)
        .join(' '),
    }),
  );
  return svg(
    'svg',
    { class: 'chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': o.label },
    svg('line', { class: 'axis', x1: pad, x2: width - pad, y1: height - pad, y2: height - pad }),
    lines,
    svg('text', { class: 'peak', x: pad, y: 10, 'aria-hidden': 'true' }, `${top}/s`),
  );
}

/**
 * 1, 2 or 5 times a power of ten, at least `v`.
 * @param {number} v
 */
export function niceCeiling(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
