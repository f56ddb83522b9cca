/**
 * Inline SVG charts rendered server-side for the HTML reports: no script, no library, no
 * external resource. Every bar is a `<rect data-<key>="NAME" data-value="NUMBER">` with a
 * `<title>` tooltip, so the numbers stay machine-checkable; unknown values are
 * `data-value="null"` with no visible bar (never drawn as zero).
 */
import { escapeHtml as esc } from './markup.js';

export interface Segment {
  /** Series name (`data-series`), also the CSS class `s-<series>`. */
  series: string;
  value: number | null;
  /** The value as people read it: `$0.0123`, `1,234`. */
  text: string;
}

export interface BarRow {
  label: string;
  segments: Segment[];
}

export interface ChartOptions {
  id: string;
  title: string;
  /** data-* attribute naming the row: `variant` or `model`. */
  key: string;
  legend?: { series: string; label: string }[];
}

const W = 720;
const LABEL = 250;
const MAX_LABEL = 30;
const PLOT = 340;
const ROW = 26;
const BAR = 16;
const TOP = 8;

const num = (v: number) => String(Math.round(v * 100) / 100);
const dataValue = (v: number | null) => (v == null || !Number.isFinite(v) ? 'null' : String(v));

function frame(opts: ChartOptions, height: number, body: string): string {
  const legend = (opts.legend ?? [])
    .map((l, i) => `<g transform="translate(${LABEL + i * 120},${height - 14})"><rect class="s-${esc(l.series)} legend" width="10" height="10"/><text x="14" y="9">${esc(l.label)}</text></g>`)
    .join('');
  return `<svg id="${esc(opts.id)}" class="chart" role="img" aria-label="${esc(opts.title)}" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}"><title>${esc(opts.title)}</title>${body}${legend}</svg>`;
}

function rowLabel(label: string, y: number): string {
  // Names differ at both ends (prompt@model+compress): keep both, elide the middle.
  const chars = [...label];
  const shown = chars.length > MAX_LABEL ? `${chars.slice(0, 13).join('')}…${chars.slice(-(MAX_LABEL - 14)).join('')}` : label;
  return `<text class="label" x="${LABEL - 8}" y="${num(y + BAR - 4)}" text-anchor="end">${esc(shown)}<title>${esc(label)}</title></text>`;
}

/** Horizontal bars, one per row; several segments in a row are stacked. */
export function barChart(rows: BarRow[], opts: ChartOptions): string {
  const totals = rows.map((r) => r.segments.reduce((s, g) => s + (g.value != null && g.value > 0 ? g.value : 0), 0));
  const max = Math.max(0, ...totals);
  const scale = (v: number) => (max > 0 ? (v / max) * PLOT : 0);
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    parts.push(rowLabel(r.label, y));
    let x = LABEL;
    for (const s of r.segments) {
      const w = s.value != null && s.value > 0 ? scale(s.value) : 0;
      parts.push(`<rect class="bar s-${esc(s.series)}" x="${num(x)}" y="${y}" width="${num(w)}" height="${BAR}" data-${opts.key}="${esc(r.label)}" data-series="${esc(s.series)}" data-value="${dataValue(s.value)}"><title>${esc(`${r.label} (${s.series}): ${s.text}`)}</title></rect>`);
      x += w;
    }
    const text = r.segments.map((s) => s.text).join(' + ');
    parts.push(`<text class="value" x="${num(x + 6)}" y="${num(y + BAR - 4)}">${esc(text)}</text>`);
  });
  const height = TOP + rows.length * ROW + (opts.legend ? 24 : 4);
  return frame(opts, height, parts.join(''));
}

/** Diverging bars around zero: negative (savings) to the left, positive to the right. */
export function divergingChart(rows: { label: string; value: number | null; text: string }[], opts: ChartOptions): string {
  const maxAbs = Math.max(0, ...rows.map((r) => (r.value != null && Number.isFinite(r.value) ? Math.abs(r.value) : 0)));
  const mid = LABEL + PLOT / 2;
  const scale = (v: number) => (maxAbs > 0 ? (Math.abs(v) / maxAbs) * (PLOT / 2) : 0);
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    parts.push(rowLabel(r.label, y));
    const v = r.value != null && Number.isFinite(r.value) ? r.value : null;
    const w = v == null ? 0 : scale(v);
    const x = v != null && v < 0 ? mid - w : mid;
    const cls = v == null || v === 0 ? 'neutral' : v < 0 ? 'good' : 'bad';
    parts.push(`<rect class="bar ${cls}" x="${num(x)}" y="${y}" width="${num(w)}" height="${BAR}" data-${opts.key}="${esc(r.label)}" data-value="${dataValue(v)}"><title>${esc(`${r.label}: ${r.text}`)}</title></rect>`);
    const tx = v != null && v < 0 ? x - 6 : x + w + 6;
    parts.push(`<text class="value" x="${num(tx)}" y="${num(y + BAR - 4)}"${v != null && v < 0 ? ' text-anchor="end"' : ''}>${esc(r.text)}</text>`);
  });
  const height = TOP + rows.length * ROW + 4;
  parts.push(`<line class="axis" x1="${mid}" y1="0" x2="${mid}" y2="${height}"/>`);
  return frame(opts, height, parts.join(''));
}

export interface BoxRow {
  label: string;
  /** Sorted ascending; empty when there is no data. */
  values: number[];
  /** The median to report in data-value (the variant's own p50 when known). */
  p50: number;
}

/**
 * A box plot per row: whiskers from min to max, the box from p25 to p75, a line at the
 * median and a tick at p95. Quartiles use the nearest rank, like the rest of the report.
 */
export function boxPlot(rows: BoxRow[], opts: ChartOptions & { quantile: (sorted: number[], p: number) => number; unit: string }): string {
  const max = Math.max(0, ...rows.map((r) => r.values[r.values.length - 1] ?? 0));
  const sx = (v: number) => LABEL + (max > 0 ? (v / max) * PLOT : 0);
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    const cy = y + BAR / 2;
    parts.push(rowLabel(r.label, y));
    if (r.values.length === 0) {
      parts.push(`<text class="value" x="${LABEL}" y="${num(y + BAR - 4)}">no measurements</text>`);
      return;
    }
    const q = (p: number) => opts.quantile(r.values, p);
    const [lo, p25, p75, p95, hi] = [r.values[0], q(25), q(75), q(95), r.values[r.values.length - 1]];
    const tip = `${r.label}: n=${r.values.length}, min ${lo}, p25 ${p25}, p50 ${r.p50}, p75 ${p75}, p95 ${p95}, max ${hi} ${opts.unit}`;
    parts.push(`<line class="whisker" x1="${num(sx(lo))}" y1="${cy}" x2="${num(sx(hi))}" y2="${cy}"/>`);
    parts.push(`<rect class="box" x="${num(sx(p25))}" y="${y}" width="${num(Math.max(1, sx(p75) - sx(p25)))}" height="${BAR}" data-${opts.key}="${esc(r.label)}" data-value="${dataValue(r.p50)}"><title>${esc(tip)}</title></rect>`);
    parts.push(`<line class="median" x1="${num(sx(r.p50))}" y1="${y}" x2="${num(sx(r.p50))}" y2="${y + BAR}"/>`);
    parts.push(`<line class="p95" x1="${num(sx(p95))}" y1="${y + 3}" x2="${num(sx(p95))}" y2="${y + BAR - 3}"/>`);
    parts.push(`<text class="value" x="${num(sx(hi) + 6)}" y="${num(y + BAR - 4)}">${esc(`p50 ${r.p50} · p95 ${p95} ${opts.unit}`)}</text>`);
  });
  const height = TOP + rows.length * ROW + 4;
  return frame(opts, height, parts.join(''));
}
