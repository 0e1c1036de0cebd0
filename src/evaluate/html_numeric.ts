/**
 * Numeric histograms of report.html, drawn from each profile's support atoms
 * (so current and prior share one set of bins).
 *
 * Bins ({@link chooseBins}):
 * - integer columns spanning at most {@link UNIT_BIN_LIMIT} values: one bar
 *   per value; wider integer columns: equal-width bins whose edges are whole
 *   numbers;
 * - a skewed column, one whose widest equal-width bin would hold at least
 *   {@link SKEW_SHARE} of the values: bins equal in log scale, log(1 + x -
 *   min) for columns without negatives and asinh(x / s) (s = the larger
 *   absolute quartile) otherwise, so a long tail does not put almost every
 *   value in the first bar;
 * - otherwise {@link HISTOGRAM_BINS} equal-width bins over the union range.
 *
 * @module
 */
import type { ColumnType } from "../data/mod.ts";
import type { ColumnProfile, NumericProfile, SupportProfile } from "../profile/mod.ts";
import { binIndex, equalWidthEdges, HISTOGRAM_BINS } from "../profile/summary.ts";
import { esc, pct, tickLabel, valueLabel } from "./html_format.ts";

/** Integer columns spanning at most this many values get one bar per value. */
export const UNIT_BIN_LIMIT = 40;
/** Share of values in the fullest equal-width bin from which a column counts as skewed. */
export const SKEW_SHARE = 0.5;

/** Bins chosen for one column. */
export interface Binning {
  edges: number[];
  scale: "linear" | "integer" | "log" | "symlog";
}

/** Chart colours (current, prior). */
export const CURRENT_FILL = "#1f77b4";
/** Fill of the prior version's bars. */
export const PRIOR_FILL = "#9e9e9e";

/** Shares of a support in the given bins. */
export function supportShares(s: SupportProfile, edges: readonly number[]): number[] {
  const counts = new Array<number>(Math.max(1, edges.length - 1)).fill(0);
  let t = 0;
  for (let i = 0; i < s.values.length; i++) {
    counts[binIndex(edges, s.values[i])] += s.counts[i];
    t += s.counts[i];
  }
  return counts.map((c) => (t === 0 ? 0 : c / t));
}

function dedupe(edges: number[]): number[] {
  const out: number[] = [];
  for (const e of edges) if (out.length === 0 || e > out[out.length - 1]) out.push(e);
  return out;
}

/** Choose the bins of one numeric column (see module doc). */
export function chooseBins(type: ColumnType, profiles: readonly NumericProfile[]): Binning {
  const lo = Math.min(...profiles.map((p) => p.min));
  const hi = Math.max(...profiles.map((p) => p.max));
  // Beyond ±2^52 whole numbers have no half-unit edges in float64 (ingested int64 ids):
  // such a column is binned like a float.
  const integer = type === "integer" && Math.max(Math.abs(lo), Math.abs(hi)) < 2 ** 52;
  if (lo === hi) return { edges: [lo, hi], scale: integer ? "integer" : "linear" };
  if (integer && hi - lo + 1 <= UNIT_BIN_LIMIT) {
    const edges: number[] = [];
    for (let j = 0; j <= hi - lo + 1; j++) edges.push(lo + j - 0.5);
    return { edges, scale: "integer" };
  }
  const linear = integer ? integerEdges(lo, hi) : equalWidthEdges(lo, hi, HISTOGRAM_BINS);
  const atoms = Math.max(...profiles.map((p) => p.support.values.length));
  const fullest = Math.max(...profiles.map((p) => Math.max(...supportShares(p.support, linear))));
  if (fullest < SKEW_SHARE || atoms <= HISTOGRAM_BINS) {
    return { edges: linear, scale: integer ? "integer" : "linear" };
  }
  let edges: number[];
  let scale: Binning["scale"];
  if (lo >= 0) {
    const top = Math.log1p(hi - lo);
    edges = equalWidthEdges(0, top, HISTOGRAM_BINS).map((u) => lo + Math.expm1(u));
    scale = "log";
  } else {
    const q = profiles[0].quantiles.values;
    const s = Math.max(Math.abs(q[25]), Math.abs(q[75]), (hi - lo) * 1e-9);
    const a = Math.asinh(lo / s);
    const b = Math.asinh(hi / s);
    edges = equalWidthEdges(a, b, HISTOGRAM_BINS).map((u) => s * Math.sinh(u));
    scale = "symlog";
  }
  edges[0] = lo;
  edges[edges.length - 1] = hi;
  if (integer) {
    edges = dedupe(edges.map((e, i) => i === 0 || i === edges.length - 1 ? e : Math.round(e)));
  }
  return { edges, scale };
}

/** Equal-width bins with whole-number edges covering [lo, hi]. */
function integerEdges(lo: number, hi: number): number[] {
  const width = Math.max(1, Math.ceil((hi - lo + 1) / HISTOGRAM_BINS));
  const edges: number[] = [];
  for (let e = lo; e <= hi; e += width) edges.push(e);
  edges.push(Math.max(hi, edges[edges.length - 1] + width - 1));
  return edges;
}

const W = 640;
const H = 230;
const PAD_L = 52;
const PAD_B = 40;
const PAD_T = 16;

function c2(x: number): string {
  return x.toFixed(2);
}

/** The label of bin i: one value for unit bins, a range otherwise. */
function binLabel(type: ColumnType, b: Binning, i: number): string {
  const { edges, scale } = b;
  if (scale === "integer" && edges[i + 1] - edges[i] === 1 && !Number.isInteger(edges[i])) {
    return valueLabel(type, edges[i] + 0.5);
  }
  const last = i === edges.length - 2;
  if (scale === "integer" || type === "integer") {
    const top = last ? edges[i + 1] : edges[i + 1] - 1;
    return top <= edges[i]
      ? valueLabel(type, edges[i])
      : `${valueLabel(type, edges[i])} – ${valueLabel(type, top)}`;
  }
  return `${valueLabel(type, edges[i])} – ${valueLabel(type, edges[i + 1])}`;
}

/** A legend (current, prior) at the top right of a chart of width `w`. */
export function legend(w: number, hasPrior: boolean, priorLabel: string): string {
  let s = `<rect x="${w - 330}" y="2" width="10" height="10" fill="${CURRENT_FILL}" ` +
    `fill-opacity="0.65"/><text x="${w - 316}" y="11" class="lg">current</text>`;
  if (hasPrior) {
    s += `<rect x="${w - 260}" y="2" width="10" height="10" fill="${PRIOR_FILL}" ` +
      `fill-opacity="0.6"/><text x="${w - 246}" y="11" class="lg">prior ${esc(priorLabel)}</text>`;
  }
  return s;
}

/** An empty chart for a column without values. */
export function emptyChart(name: string): string {
  return `<svg class="chart empty" data-column="${esc(name)}" xmlns="http://www.w3.org/2000/svg" ` +
    `width="${W}" height="60" viewBox="0 0 ${W} 60" role="img" aria-label="No values">` +
    `<rect x="0" y="0" width="${W}" height="60" fill="#f5f5f5"/>` +
    `<text x="${W / 2}" y="35" text-anchor="middle" class="ax">no non-null values</text></svg>`;
}

/** A series of bars (shares per bin) drawn over one set of bins. */
export interface Series {
  label: string;
  shares: number[];
  fill: string;
  opacity: string;
  cls: string;
}

/**
 * An SVG histogram of one or more series over `bins`; bins are drawn equally
 * wide (on a log scale the axis says so) and labelled below at five ticks.
 */
export function histogramSvg(
  name: string,
  type: ColumnType,
  bins: Binning,
  series: readonly Series[],
  options: { legend: string; aria: string; width?: number },
): string {
  const w = options.width ?? W;
  const n = bins.edges.length - 1;
  const maxShare = Math.max(1e-12, ...series.flatMap((s) => s.shares));
  const plotW = w - PAD_L - 10;
  const plotH = H - PAD_B - PAD_T;
  const bw = plotW / Math.max(1, n);
  let bars = "";
  for (const s of series) {
    for (let i = 0; i < n; i++) {
      const h = (s.shares[i] / maxShare) * plotH;
      bars += `<rect class="${s.cls}" x="${c2(PAD_L + i * bw + 1)}" y="${c2(PAD_T + plotH - h)}" ` +
        `width="${c2(Math.max(1, bw - 2))}" height="${c2(h)}" fill="${s.fill}" ` +
        `fill-opacity="${s.opacity}"><title>${esc(s.label)} ${esc(binLabel(type, bins, i))}: ${
          pct(s.shares[i])
        }</title></rect>`;
    }
  }
  // Ticks: every bar's value on unit bins when few, else five edges.
  let ticks = "";
  const span = bins.edges[n] - bins.edges[0];
  const unit = bins.scale === "integer" && n <= UNIT_BIN_LIMIT &&
    bins.edges.every((e) => !Number.isInteger(e));
  const step = unit ? Math.max(1, Math.ceil(n / 12)) : Math.max(1, Math.round(n / 4));
  if (unit) {
    for (let i = 0; i < n; i += step) {
      ticks += `<text x="${c2(PAD_L + (i + 0.5) * bw)}" y="${H - PAD_B + 14}" class="ax" ` +
        `text-anchor="middle">${esc(valueLabel(type, bins.edges[i] + 0.5))}</text>`;
    }
  } else {
    for (let i = 0; i <= n; i += step) {
      const anchor = i === 0 ? "start" : i >= n ? "end" : "middle";
      ticks += `<text x="${c2(PAD_L + i * bw)}" y="${H - PAD_B + 14}" class="ax" ` +
        `text-anchor="${anchor}">${esc(tickLabel(type, bins.edges[i], span))}</text>`;
    }
    if (n % step !== 0) {
      ticks += `<text x="${c2(PAD_L + n * bw)}" y="${H - PAD_B + 28}" class="ax" ` +
        `text-anchor="end">${esc(tickLabel(type, bins.edges[n], span))}</text>`;
    }
  }
  const scaleNote = bins.scale === "log"
    ? "log scale (skewed)"
    : bins.scale === "symlog"
    ? "symmetric log scale (skewed)"
    : "";
  const axis = `<line x1="${PAD_L}" y1="${PAD_T + plotH}" x2="${w - 10}" y2="${PAD_T + plotH}" ` +
    `stroke="#333"/><line x1="${PAD_L}" y1="${PAD_T}" x2="${PAD_L}" y2="${PAD_T + plotH}" ` +
    `stroke="#333"/>${ticks}<text x="${PAD_L - 4}" y="${PAD_T + 8}" class="ax" ` +
    `text-anchor="end">${pct(maxShare)}</text><text x="${PAD_L - 4}" y="${PAD_T + plotH}" ` +
    `class="ax" text-anchor="end">0</text>` +
    (scaleNote
      ? `<text x="${PAD_L}" y="${
        H - 4
      }" class="ax scale" data-scale="${bins.scale}">${scaleNote}</text>`
      : "");
  return `<svg class="chart" data-column="${esc(name)}" data-scale="${bins.scale}" ` +
    `xmlns="http://www.w3.org/2000/svg" width="${w}" height="${H}" viewBox="0 0 ${w} ${H}" ` +
    `role="img" aria-label="${esc(options.aria)}">${axis}${bars}${options.legend}</svg>`;
}

/** Current vs prior histogram of a numeric column. */
export function numericChart(
  name: string,
  cur: ColumnProfile,
  ref: ColumnProfile | null,
  priorLabel: string,
): string {
  const profiles = [cur.numeric, ref?.numeric ?? null].filter((p): p is NumericProfile =>
    p !== null
  );
  if (profiles.length === 0) return emptyChart(name);
  const bins = chooseBins(cur.type, profiles);
  const series: Series[] = [];
  if (ref?.numeric) {
    series.push({
      label: `prior ${priorLabel}`,
      shares: supportShares(ref.numeric.support, bins.edges),
      fill: PRIOR_FILL,
      opacity: "0.6",
      cls: "bar prior",
    });
  }
  if (cur.numeric) {
    series.push({
      label: "current",
      shares: supportShares(cur.numeric.support, bins.edges),
      fill: CURRENT_FILL,
      opacity: "0.65",
      cls: "bar current",
    });
  }
  return histogramSvg(name, cur.type, bins, series, {
    legend: legend(W, ref?.numeric != null, priorLabel),
    aria: `Histogram of ${name}`,
  });
}
