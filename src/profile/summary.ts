/**
 * Summaries of a sorted (optionally weighted) sample: quantiles, an
 * equal-width histogram and a compressed "support" (weighted atoms) from which
 * drift metrics are computed without re-reading data.
 *
 * Conventions:
 * - Quantiles use numpy's default (Hyndman-Fan type 7, linear interpolation):
 *   h = (N - 1) p, q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]),
 *   where x is the sorted sample expanded by weight.
 * - Histogram bins are equal-width over [min, max]; bin i is
 *   [e_i, e_{i+1}) except the last, which is closed. A constant column has a
 *   single bin [min, max].
 * - Support: at most {@link SUPPORT_ATOMS} (value, count) atoms. When the
 *   sample has that many distinct values or fewer, the atoms are the exact
 *   value counts. Otherwise atom i stands for ranks
 *   [floor(i N / A), floor((i + 1) N / A)) and sits at the value of the middle
 *   rank of that range; adjacent atoms with equal values are merged. The CDF
 *   of the atoms then differs from the sample's by at most 1 / A (plus any
 *   sketch rank error) at every point.
 *
 * @module
 */

/** Number of equal-width histogram bins. */
export const HISTOGRAM_BINS = 20;
/** Maximum number of support atoms (and distinct values kept exactly). */
export const SUPPORT_ATOMS = 1000;
/** Quantile probabilities: 0, 0.01, ..., 1 (101 points). */
export const QUANTILE_POINTS = 101;

/** A sorted sample: ascending values with positive integer weights (null = all 1). */
export interface SortedSample {
  values: Float64Array;
  weights: Float64Array | null;
}

/** Rank accessor (0-based rank in the weight-expanded sample -> value). */
function rankAccessor(s: SortedSample): { total: number; at: (r: number) => number } {
  if (s.weights === null) {
    const v = s.values;
    return { total: v.length, at: (r) => v[r] };
  }
  const cum = new Float64Array(s.values.length);
  let acc = 0;
  for (let i = 0; i < s.values.length; i++) {
    acc += s.weights[i];
    cum[i] = acc;
  }
  const values = s.values;
  return {
    total: acc,
    at: (r) => {
      // First index whose cumulative weight exceeds r.
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid] > r) hi = mid;
        else lo = mid + 1;
      }
      return values[lo];
    },
  };
}

/** Type-7 quantiles at p = i / (points - 1), i = 0..points-1. Empty sample -> []. */
export function quantilesOf(s: SortedSample, points: number = QUANTILE_POINTS): number[] {
  const { total, at } = rankAccessor(s);
  if (total === 0) return [];
  const out: number[] = [];
  for (let i = 0; i < points; i++) {
    const h = ((total - 1) * i) / (points - 1);
    const lo = Math.floor(h);
    const a = at(lo);
    const frac = h - lo;
    out.push(frac === 0 ? a : a + frac * (at(lo + 1) - a));
  }
  return out;
}

/** Equal-width histogram edges over [min, max] (one bin when min == max). */
export function equalWidthEdges(min: number, max: number, bins: number): number[] {
  if (min === max) return [min, max];
  const edges: number[] = [];
  for (let i = 0; i < bins; i++) edges.push(min + ((max - min) * i) / bins);
  edges.push(max);
  return edges;
}

/** Bin index of v for edges from {@link equalWidthEdges} (last bin closed). */
export function binIndex(edges: readonly number[], v: number): number {
  const bins = edges.length - 1;
  if (bins <= 1) return 0;
  // Binary search on the edges so the index agrees exactly with the printed edges.
  let lo = 0;
  let hi = bins - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Histogram counts of a sample over given edges. */
export function histogramOf(s: SortedSample, edges: readonly number[]): number[] {
  const counts = new Array<number>(Math.max(1, edges.length - 1)).fill(0);
  for (let i = 0; i < s.values.length; i++) {
    counts[binIndex(edges, s.values[i])] += s.weights === null ? 1 : s.weights[i];
  }
  return counts;
}

/**
 * Weighted atoms approximating the sample: exact when distinct <= maxAtoms and
 * the weights are true counts (`weightsExact`), not sketch weights.
 */
export function supportOf(
  s: SortedSample,
  weightsExact: boolean,
  maxAtoms: number = SUPPORT_ATOMS,
): { values: number[]; counts: number[]; exact: boolean; compressed: boolean } {
  // Exact distinct-value counts first: ties must stay ties for KS and PSI.
  const dv: number[] = [];
  const dc: number[] = [];
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    const w = s.weights === null ? 1 : s.weights[i];
    if (dv.length > 0 && dv[dv.length - 1] === v) dc[dc.length - 1] += w;
    else {
      if (dv.length === maxAtoms) {
        dv.length = 0;
        break;
      }
      dv.push(v);
      dc.push(w);
    }
  }
  if (dv.length > 0 || s.values.length === 0) {
    return { values: dv, counts: dc, exact: weightsExact, compressed: false };
  }
  const { total, at } = rankAccessor(s);
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < maxAtoms; i++) {
    const lo = Math.floor((i * total) / maxAtoms);
    const hi = Math.floor(((i + 1) * total) / maxAtoms);
    if (hi <= lo) continue;
    const v = at(Math.floor((lo + hi - 1) / 2));
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1] += hi - lo;
    else {
      values.push(v);
      counts.push(hi - lo);
    }
  }
  return { values, counts, exact: false, compressed: true };
}
