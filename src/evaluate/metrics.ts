/**
 * Distribution distance metrics on discrete weighted distributions.
 *
 * A {@link Discrete} is a set of ascending support values with non-negative
 * counts (the profile's `support` atoms, or an exact sample turned into value
 * counts by {@link discreteOf}). All metrics here are exact on their inputs;
 * approximation, if any, comes from the atoms (see profile/summary.ts).
 *
 * - PSI = sum_i (c_i - r_i) ln(c_i / r_i) over bin shares, where a share of 0 is
 *   replaced by {@link PSI_EPSILON} = 1e-4 (as Evidently does) without
 *   renormalising. A bin empty on both sides therefore contributes 0.
 * - Numeric PSI bins are frozen from the reference: interior edges are the
 *   distinct reference deciles Q(i / 10), i = 1..9, where Q(p) is the smallest
 *   support value whose cumulative share is >= p; bins are right-closed:
 *   (-inf, e1], (e1, e2], ..., (e_m, +inf). A reference with <= 10 distinct
 *   values thus gets about one bin per value; values beyond the reference range
 *   fall into the outer bins.
 * - KS statistic: sup_x |F_ref(x) - F_cur(x)| over right-continuous empirical
 *   CDFs evaluated at every support point (identical to scipy's ks_2samp
 *   statistic, ties included). p-value: the asymptotic Kolmogorov
 *   distribution, p = Q_KS(sqrt(n m / (n + m)) D), i.e.
 *   scipy.stats.kstwobign.sf(sqrt(en) * D).
 * - Wasserstein-1: integral of |F_ref - F_cur| dx (= scipy.stats.wasserstein_distance).
 * - Jensen-Shannon distance: sqrt of the JS divergence with base-2 logs, so it
 *   lies in [0, 1] (= scipy.spatial.distance.jensenshannon(p, q, base=2)).
 * - Total variation distance: half the L1 distance of the share vectors.
 *
 * @module
 */

/** Share used in place of an empty bin's 0 in PSI. */
export const PSI_EPSILON = 1e-4;
/** Number of reference quantile bins for numeric PSI (deciles). */
export const PSI_BINS = 10;

/** Ascending support values with counts (weights). */
export interface Discrete {
  values: ArrayLike<number>;
  counts: ArrayLike<number>;
}

/** Value counts of a raw sample (sorted ascending). */
export function discreteOf(sample: ArrayLike<number>): Discrete {
  const sorted = Float64Array.from(sample).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1]++;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values, counts };
}

function total(d: Discrete): number {
  let t = 0;
  for (let i = 0; i < d.counts.length; i++) t += d.counts[i];
  return t;
}

/** PSI of two share vectors (same bins); empty shares become {@link PSI_EPSILON}. */
export function psi(reference: readonly number[], current: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] === 0 ? PSI_EPSILON : reference[i];
    const c = current[i] === 0 ? PSI_EPSILON : current[i];
    s += (c - r) * Math.log(c / r);
  }
  return s;
}

/** Right-closed interior bin edges: distinct reference deciles (see module doc). */
export function quantileEdges(reference: Discrete, bins: number = PSI_BINS): number[] {
  const t = total(reference);
  const edges: number[] = [];
  if (t === 0) return edges;
  let cum = 0;
  let i = 1;
  for (let k = 0; k < reference.values.length && i < bins; k++) {
    cum += reference.counts[k];
    // cum / t >= i / bins, in integers-safe form.
    while (i < bins && cum * bins >= i * t) {
      const v = reference.values[k];
      if (edges.length === 0 || edges[edges.length - 1] !== v) edges.push(v);
      i++;
    }
  }
  return edges;
}

/** Shares of a distribution in the right-closed bins defined by `edges`. */
export function binShares(d: Discrete, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let b = 0;
  for (let k = 0; k < d.values.length; k++) {
    const v = d.values[k];
    while (b < edges.length && v > edges[b]) b++;
    counts[b] += d.counts[k];
  }
  const t = total(d);
  return counts.map((c) => (t === 0 ? 0 : c / t));
}

/** Two-sample KS statistic of two discrete distributions. */
export function ksStatistic(a: Discrete, b: Discrete): number {
  const ta = total(a);
  const tb = total(b);
  if (ta === 0 || tb === 0) return NaN;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let d = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = j >= b.values.length || (i < a.values.length && a.values[i] <= b.values[j])
      ? a.values[i]
      : b.values[j];
    while (i < a.values.length && a.values[i] === x) ca += a.counts[i++];
    while (j < b.values.length && b.values[j] === x) cb += b.counts[j++];
    const diff = Math.abs(ca / ta - cb / tb);
    if (diff > d) d = diff;
  }
  return d;
}

/**
 * Survival function of the Kolmogorov distribution, Q(l) = P(K > l) =
 * 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 l^2); for l < 1.18 the equivalent
 * theta-function form 1 - sqrt(2 pi) / l sum_{k>=1} exp(-(2k-1)^2 pi^2 / (8 l^2))
 * converges faster (Numerical Recipes, 3rd ed., 6.14).
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const y = Math.exp((-Math.PI * Math.PI) / (8 * lambda * lambda));
    let s = 0;
    for (let k = 1; k < 50; k++) {
      const term = y ** ((2 * k - 1) * (2 * k - 1));
      s += term;
      if (term < 1e-17) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/** Asymptotic two-sided p-value of a two-sample KS statistic D with sizes n, m. */
export function ksPValue(d: number, n: number, m: number): number {
  if (n <= 0 || m <= 0 || !Number.isFinite(d)) return NaN;
  return kolmogorovSurvival(Math.sqrt((n * m) / (n + m)) * d);
}

/** Wasserstein-1 distance of two discrete distributions (NaN if either is empty). */
export function wasserstein1(a: Discrete, b: Discrete): number {
  const ta = total(a);
  const tb = total(b);
  if (ta === 0 || tb === 0) return NaN;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let prev = NaN;
  let w = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = j >= b.values.length || (i < a.values.length && a.values[i] <= b.values[j])
      ? a.values[i]
      : b.values[j];
    if (prev === prev) w += Math.abs(ca / ta - cb / tb) * (x - prev);
    while (i < a.values.length && a.values[i] === x) ca += a.counts[i++];
    while (j < b.values.length && b.values[j] === x) cb += b.counts[j++];
    prev = x;
  }
  return w;
}

function normalise(v: readonly number[]): number[] | null {
  let t = 0;
  for (const x of v) t += x;
  return t > 0 ? v.map((x) => x / t) : null;
}

/** Jensen-Shannon distance (base 2) of two count or share vectors; NaN if either sums to 0. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const a = normalise(p);
  const b = normalise(q);
  if (a === null || b === null) return NaN;
  let div = 0;
  for (let i = 0; i < a.length; i++) {
    const m = (a[i] + b[i]) / 2;
    if (a[i] > 0) div += 0.5 * a[i] * Math.log2(a[i] / m);
    if (b[i] > 0) div += 0.5 * b[i] * Math.log2(b[i] / m);
  }
  // Rounding can leave a tiny negative divergence for identical inputs.
  return Math.sqrt(Math.max(0, Math.min(1, div)));
}

/** Total variation distance of two count or share vectors; NaN if either sums to 0. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  const a = normalise(p);
  const b = normalise(q);
  if (a === null || b === null) return NaN;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / 2;
}
