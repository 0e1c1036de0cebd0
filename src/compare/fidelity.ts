/**
 * Fidelity with SDMetrics' definitions (QualityReport of a single table):
 *
 * - Column Shapes: KSComplement (1 - two-sample Kolmogorov-Smirnov D, nulls
 *   dropped) for numerical and datetime columns, TVComplement (1 - total
 *   variation distance of the category shares, nulls dropped) for
 *   categorical and boolean columns.
 * - Column Pair Trends: CorrelationSimilarity (1 - |r_real - r_syn| / 2,
 *   Pearson, rows with a null in either column dropped) for two continuous
 *   columns; ContingencySimilarity (1 - total variation distance of the
 *   joint shares, nulls kept as a category) for any other pair, a continuous
 *   column being binned first as SDMetrics' ContingencySimilarity bins it
 *   (`discretize_column`): 10 equal-width bins over the real column's
 *   non-null range (numpy.histogram_bin_edges), outer edges opened to ±∞,
 *   applied to both sides; null is a bucket of its own.
 * - Score: the mean of the two property scores, each the mean of its metric
 *   scores; a pair whose correlation is undefined (a constant side) is left
 *   out, as SDMetrics leaves out NaN.
 *
 * Two deliberate differences from SDMetrics' QualityReport: its Column Pair
 * Trends property bins each side on that side's own edges (so one synthetic
 * outlier moves every bin, and a shared value can land in different bins:
 * a table compared with a superset of itself scored 0.09 on some pairs);
 * sdp uses the real edges for both, as the standalone metric does. And a
 * column with no non-null synthetic value scores 0 (SDMetrics returns NaN
 * and drops it, which would reward a synthesizer for writing nulls).
 *
 * @module
 */
import { isContinuous, isNumeric, type Table, type TableColumn } from "./table.ts";

/** Bins of a continuous column in contingency similarity (SDMetrics' default). */
export const CONTINGENCY_BINS = 10;

/** Two-sample Kolmogorov-Smirnov statistic D of the non-NaN values (NaN when a side is empty). */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const x = sortedFinite(a);
  const y = sortedFinite(b);
  if (x.length === 0 || y.length === 0) return NaN;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = x[i] <= y[j] ? x[i] : y[j];
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    const diff = Math.abs(i / x.length - j / y.length);
    if (diff > d) d = diff;
  }
  return d;
}

function sortedFinite(a: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) n++;
  const out = new Float64Array(n);
  n = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) out[n++] = a[i];
  return out.sort();
}

/** KSComplement: 1 - D; 0 when the synthetic side has no value, NaN when the real side has none. */
export function ksComplement(real: Float64Array, synthetic: Float64Array): number {
  const d = ksStatistic(real, synthetic);
  if (Number.isNaN(d)) return hasValue(real) ? 0 : NaN;
  return 1 - d;
}

function hasValue(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) return true;
  return false;
}

/** Shares of codes 0..k-1 among non-null codes (-1 = null); empty when all are null. */
function shares(codes: Int32Array, k: number): Float64Array | null {
  const counts = new Float64Array(k);
  let n = 0;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] >= 0) {
      counts[codes[i]]++;
      n++;
    }
  }
  if (n === 0) return null;
  for (let c = 0; c < k; c++) counts[c] /= n;
  return counts;
}

/**
 * TVComplement: 1 - ½ Σ_c |p_real(c) - p_syn(c)| over the union of
 * categories, nulls dropped; 0 when the synthetic side has no value.
 */
export function tvComplement(real: Int32Array, synthetic: Int32Array, categories: number): number {
  const p = shares(real, categories);
  if (p === null) return NaN;
  const q = shares(synthetic, categories);
  if (q === null) return 0;
  let tv = 0;
  for (let c = 0; c < categories; c++) tv += Math.abs(p[c] - q[c]);
  return 1 - tv / 2;
}

/** Pearson correlation over rows where both are non-NaN; NaN when undefined. */
export function pearson(x: Float64Array, y: Float64Array): number {
  let n = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    n++;
    mx += x[i];
    my += y[i];
  }
  if (n < 2) return NaN;
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

/** CorrelationSimilarity of two continuous columns: 1 - |r_real - r_syn| / 2. */
export function correlationSimilarity(
  real: [Float64Array, Float64Array],
  synthetic: [Float64Array, Float64Array],
): { score: number; real: number; synthetic: number } {
  const r = pearson(real[0], real[1]);
  const s = pearson(synthetic[0], synthetic[1]);
  const score = Number.isNaN(r) || Number.isNaN(s) ? NaN : 1 - Math.abs(r - s) / 2;
  return { score, real: r, synthetic: s };
}

/** numpy.histogram_bin_edges(values, bins) of the non-NaN values (null when none). */
export function histogramEdges(values: Float64Array, bins: number): Float64Array | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return null;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (hi - lo) / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step + lo;
  edges[bins] = hi;
  return edges;
}

/** numpy.digitize(v, edges): the i with edges[i-1] <= v < edges[i]; NaN -> edges.length. */
export function digitize(v: number, edges: Float64Array): number {
  if (Number.isNaN(v)) return edges.length;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Contingency codes of a column: a continuous column binned on `edges` (the
 * real column's, outer edges open), null its own bucket; a discrete column's
 * codes with null as the code after the last category.
 */
function discreteCodes(c: TableColumn, edges: Float64Array | null): Int32Array {
  if (isNumeric(c)) {
    const codes = new Int32Array(c.values.length);
    if (edges === null) return codes.fill(CONTINGENCY_BINS + 1);
    for (let i = 0; i < codes.length; i++) codes[i] = digitize(c.values[i], edges);
    return codes;
  }
  const k = c.dict.values.length;
  // Null becomes code k so it is a category of its own (groupby dropna=False).
  return c.codes.map((x) => (x < 0 ? k : x));
}

/**
 * sdmetrics.utils.discretize_column's edges: numpy.histogram_bin_edges of the
 * real non-null values with the outer edges opened to -∞ and +∞.
 */
export function contingencyEdges(real: Float64Array): Float64Array | null {
  const edges = histogramEdges(real, CONTINGENCY_BINS);
  if (edges === null) return null;
  edges[0] = -Infinity;
  edges[CONTINGENCY_BINS] = Infinity;
  return edges;
}

/**
 * ContingencySimilarity of two discrete code columns per side:
 * 1 - ½ Σ_(a,b) |P_real(a,b) - P_syn(a,b)|.
 */
export function contingencySimilarity(
  real: [Int32Array, Int32Array],
  synthetic: [Int32Array, Int32Array],
): number {
  const nr = real[0].length;
  const ns = synthetic[0].length;
  if (nr === 0 || ns === 0) return NaN;
  const joint = new Map<number, number>();
  const width = 1 + Math.max(maxOf(real[1]), maxOf(synthetic[1]));
  for (let i = 0; i < nr; i++) {
    const key = real[0][i] * width + real[1][i];
    joint.set(key, (joint.get(key) ?? 0) + 1 / nr);
  }
  for (let i = 0; i < ns; i++) {
    const key = synthetic[0][i] * width + synthetic[1][i];
    joint.set(key, (joint.get(key) ?? 0) - 1 / ns);
  }
  let tv = 0;
  for (const d of joint.values()) tv += Math.abs(d);
  return 1 - tv / 2;
}

function maxOf(a: Int32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

/** Column Shapes result of one column. */
export interface ShapeScore {
  column: string;
  metric: "KSComplement" | "TVComplement";
  score: number;
}

/** Column Pair Trends result of one pair. */
export interface PairScore {
  column_1: string;
  column_2: string;
  metric: "CorrelationSimilarity" | "ContingencySimilarity";
  score: number;
  /** Pearson r of the real and synthetic pair (correlation pairs only). */
  real_correlation: number | null;
  synthetic_correlation: number | null;
}

/** Fidelity of one synthetic table against the real one. */
export interface Fidelity {
  /** Mean of column_shapes and column_pair_trends. */
  score: number;
  column_shapes: number;
  /** NaN when there is no scorable pair (one column). */
  column_pair_trends: number;
  columns: ShapeScore[];
  pairs: PairScore[];
}

/** Column shapes, column-pair trends and their mean (SDMetrics' QualityReport). */
export function fidelity(real: Table, synthetic: Table): Fidelity {
  const columns = real.columns.map((rc, c): ShapeScore => {
    const sc = synthetic.columns[c];
    if (isNumeric(rc)) {
      return {
        column: rc.name,
        metric: "KSComplement",
        score: ksComplement(rc.values, (sc as typeof rc).values),
      };
    }
    return {
      column: rc.name,
      metric: "TVComplement",
      score: tvComplement(rc.codes, (sc as typeof rc).codes, rc.dict.values.length),
    };
  });
  const edges = real.columns.map((c) => (isNumeric(c) ? contingencyEdges(c.values) : null));
  const realCodes = real.columns.map((c, i) => discreteCodes(c, edges[i]));
  const synCodes = synthetic.columns.map((c, i) => discreteCodes(c, edges[i]));
  const pairs: PairScore[] = [];
  for (let a = 0; a < real.columns.length; a++) {
    for (let b = a + 1; b < real.columns.length; b++) {
      const ra = real.columns[a];
      const rb = real.columns[b];
      const sa = synthetic.columns[a];
      const sb = synthetic.columns[b];
      if (
        isNumeric(ra) &&
        isNumeric(rb)
      ) {
        const r = correlationSimilarity(
          [ra.values, rb.values],
          [(sa as typeof ra).values, (sb as typeof rb).values],
        );
        pairs.push({
          column_1: ra.name,
          column_2: rb.name,
          metric: "CorrelationSimilarity",
          score: r.score,
          real_correlation: r.real,
          synthetic_correlation: r.synthetic,
        });
      } else {
        pairs.push({
          column_1: ra.name,
          column_2: rb.name,
          metric: "ContingencySimilarity",
          score: contingencySimilarity(
            [realCodes[a], realCodes[b]],
            [synCodes[a], synCodes[b]],
          ),
          real_correlation: null,
          synthetic_correlation: null,
        });
      }
    }
  }
  const shapes = meanOf(columns.map((c) => c.score));
  const trends = meanOf(pairs.map((p) => p.score));
  return {
    score: Number.isNaN(trends) ? shapes : (shapes + trends) / 2,
    column_shapes: shapes,
    column_pair_trends: trends,
    columns,
    pairs,
  };
}

/** Mean of the non-NaN values (NaN when none). */
export function meanOf(xs: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (!Number.isNaN(x)) {
      s += x;
      n++;
    }
  }
  return n === 0 ? NaN : s / n;
}

/**
 * Pearson correlation matrix of the continuous and boolean columns (boolean
 * as 0/1), for the heatmaps; NaN where undefined.
 */
export function correlationMatrix(t: Table): { columns: string[]; matrix: number[][] } {
  const cols = t.columns.filter((c) => isContinuous(c.kind) || c.kind === "boolean");
  const vals = cols.map((c) =>
    isNumeric(c)
      ? c.values
      : Float64Array.from((c as { codes: Int32Array }).codes, (x) => (x < 0 ? NaN : x))
  );
  const matrix = vals.map((x, i) => vals.map((y, j) => (i === j ? 1 : pearson(x, y))));
  return { columns: cols.map((c) => c.name), matrix };
}
