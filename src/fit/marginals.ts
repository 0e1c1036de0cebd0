/**
 * Numeric and datetime marginals: candidate distributions fitted by maximum
 * likelihood (or moments where the MLE has no closed form), chosen by the
 * Kolmogorov-Smirnov distance to the training rows, else an `empirical`
 * quantile table whose knots are smoothed so none is a single record's value.
 *
 * @module
 */
import type { DistSpec } from "../model/mod.ts";
import { distCdf } from "../generate/mod.ts";
import type { WeightedItems } from "../profile/mod.ts";
import type { ColumnStats } from "./stats.ts";
import type { Candidate } from "./types.ts";

/** A parametric kind is used only when its KS distance is at most this. */
export const KS_ACCEPT = 0.03;
/** Intervals of an `empirical` table (knots = intervals + 1). */
export const EMPIRICAL_INTERVALS = 64;
/** Order statistics averaged per interior knot: at most this many queries. */
const WINDOW_QUERIES = 64;

/** The training rows' empirical CDF, from the sketch: distinct values and cumulative shares. */
export interface Ecdf {
  values: Float64Array;
  /** Share of values <= values[i]. */
  cum: Float64Array;
  /** Weight of values[i] (its count when the sketch is exact). */
  weight: Float64Array;
  n: number;
  items: WeightedItems;
}

/** The ECDF of a sketch's items (ties merged). */
export function ecdfOf(items: WeightedItems): Ecdf {
  const vals: number[] = [];
  const wts: number[] = [];
  let total = 0;
  for (let i = 0; i < items.values.length; i++) {
    const v = items.values[i];
    total += items.weights[i];
    if (vals.length > 0 && vals[vals.length - 1] === v) wts[wts.length - 1] += items.weights[i];
    else {
      vals.push(v);
      wts.push(items.weights[i]);
    }
  }
  const cum = new Float64Array(vals.length);
  let acc = 0;
  for (let i = 0; i < vals.length; i++) cum[i] = (acc += wts[i]) / total;
  return { values: Float64Array.from(vals), cum, weight: Float64Array.from(wts), n: total, items };
}

/** [F(x-), F(x)] of the ECDF at x (x need not be a sketch value). */
export function ecdfInterval(e: Ecdf, x: number): [number, number] {
  // First index with values[i] >= x.
  let lo = 0;
  let hi = e.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (e.values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo > 0 ? e.cum[lo - 1] : 0;
  if (lo < e.values.length && e.values[lo] === x) return [below, e.cum[lo]];
  return [below, below];
}

/** The CDF a generated column follows: the distribution truncated to [lo, hi], rounded for integers. */
function modelCdf(d: DistSpec, integer: boolean, lo: number, hi: number) {
  const whole = integer || d.kind === "poisson";
  const a = whole ? Math.ceil(lo) - 0.5 : lo;
  const b = whole ? Math.floor(hi) + 0.5 : hi;
  const fa = d.kind === "poisson" ? distCdf(d, Math.ceil(lo) - 1) : distCdf(d, a);
  const fb = d.kind === "poisson" ? distCdf(d, Math.floor(hi)) : distCdf(d, b);
  const w = fb - fa;
  const f = (x: number) => Math.min(1, Math.max(0, (distCdf(d, x) - fa) / w));
  return {
    ok: w > 1e-9,
    // [F(v-), F(v)] of the generated values at a data value v.
    at(v: number): [number, number] {
      if (d.kind === "poisson") return [f(v - 1), f(v)];
      if (whole) return [f(v - 0.5), f(v + 0.5)];
      const x = f(v);
      return [x, x];
    },
  };
}

/** KS distance between the training rows' ECDF and a candidate (truncated, rounded as generated). */
export function ksDistance(
  e: Ecdf,
  d: DistSpec,
  integer: boolean,
  lo: number,
  hi: number,
): number {
  return ksSampled(e, d, { integer, lo, hi, stride: 1 }).ks;
}

/**
 * The KS distance evaluated at every `stride`-th ECDF value (and the last),
 * with `slack`, the largest ECDF rise strictly between two evaluated values:
 * both CDFs are monotone, so the exact distance lies in [ks, ks + slack]
 * (stride 1: exact, slack 0).
 */
function ksSampled(
  e: Ecdf,
  d: DistSpec,
  o: { integer: boolean; lo: number; hi: number; stride: number },
): { ks: number; slack: number } {
  const m = modelCdf(d, o.integer, o.lo, o.hi);
  if (!m.ok) return { ks: 1, slack: 0 };
  let dmax = 0;
  let slack = 0;
  let prev = -1;
  const last = e.values.length - 1;
  for (let i = 0; i <= last; i = i === last ? last + 1 : Math.min(i + o.stride, last)) {
    const [a, b] = m.at(e.values[i]);
    const below = i > 0 ? e.cum[i - 1] : 0;
    const g = Math.max(Math.abs(below - a), Math.abs(e.cum[i] - b));
    if (g > dmax) dmax = g;
    const rise = below - (prev >= 0 ? e.cum[prev] : 0);
    if (rise > slack) slack = rise;
    prev = i;
  }
  return Number.isFinite(dmax) ? { ks: dmax, slack } : { ks: 1, slack: 0 };
}

/** ECDF values above which candidates are first screened on a sample of them. */
const SCREEN_ABOVE = 4096;
/** Candidates whose KS is computed exactly (the ones the summary and YAML show). */
const EXACT_TOP = 3;

/** Minka's approximation of the gamma shape MLE from s = ln(mean) - mean(ln x). */
function gammaShape(s: number): number {
  return (3 - s + Math.sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
}

/** Candidate distributions for a numeric column (parameters by MLE or moments). */
export function candidates(s: ColumnStats, lo: number, hi: number): DistSpec[] {
  const n = s.n;
  const mean = s.sum / n;
  const variance = Math.max(0, s.sumSq / n - mean * mean);
  const std = Math.sqrt(variance);
  const out: DistSpec[] = [];
  if (std > 0) out.push({ kind: "normal", mean, std });
  out.push({ kind: "uniform", min: lo, max: hi });
  const allPositive = s.positive === n && s.min > 0;
  if (allPositive) {
    const mu = s.sumLog / n;
    const sigma = Math.sqrt(Math.max(0, s.sumLogSq / n - mu * mu));
    if (sigma > 0) out.push({ kind: "lognormal", mu, sigma });
    const sg = Math.log(mean) - mu;
    if (sg > 0) {
      const shape = gammaShape(sg);
      out.push({ kind: "gamma", shape, scale: mean / shape });
    }
  }
  if (s.min >= 0 && mean > 0) {
    out.push({ kind: "exponential", mean });
    if (s.type === "integer") out.push({ kind: "poisson", lambda: mean });
  }
  if (hi > lo && std > 0) {
    // Moments on [lo, hi].
    const m = (mean - lo) / (hi - lo);
    const v = variance / ((hi - lo) * (hi - lo));
    const c = (m * (1 - m)) / v - 1;
    if (m > 0 && m < 1 && c > 0) {
      out.push({ kind: "beta", alpha: m * c, beta: (1 - m) * c, min: lo, max: hi });
    }
  }
  return out;
}

/** Parameters rounded to 6 significant digits (readable YAML; far below the KS threshold). */
export function roundDist(d: DistSpec): DistSpec {
  const r = (x: number) => Number(x.toPrecision(6));
  switch (d.kind) {
    case "uniform":
      return { kind: "uniform", min: d.min, max: d.max };
    case "normal":
      return { kind: "normal", mean: r(d.mean), std: r(d.std) };
    case "lognormal":
      return { kind: "lognormal", mu: r(d.mu), sigma: r(d.sigma) };
    case "exponential":
      return { kind: "exponential", mean: r(d.mean) };
    case "gamma":
      return { kind: "gamma", shape: r(d.shape), scale: r(d.scale) };
    case "beta":
      return { kind: "beta", alpha: r(d.alpha), beta: r(d.beta), min: d.min, max: d.max };
    case "poisson":
      return { kind: "poisson", lambda: r(d.lambda) };
    case "empirical":
      return d;
  }
}

/** The best candidate by KS, and every candidate's distance (best first, ties by kind). */
export function bestFit(
  s: ColumnStats,
  e: Ecdf,
  lo: number,
  hi: number,
): { best: DistSpec | undefined; ks: number; all: Candidate[] } {
  const integer = s.type === "integer";
  const dists = candidates(s, lo, hi).map(roundDist);
  let scored: { d: DistSpec; ks: number }[];
  if (e.values.length <= SCREEN_ABOVE) {
    scored = dists.map((d) => ({ d, ks: ksDistance(e, d, integer, lo, hi) }));
  } else {
    // Screen on ~2,048 ECDF values, then compute exactly every candidate that
    // can still be among the best EXACT_TOP (exact <= screened + slack): the
    // result is what scoring every candidate exactly gives for those, and a
    // lower bound for the rest, which stay behind them.
    const stride = Math.ceil(e.values.length / 2048);
    const screened = dists.map((d) => ksSampled(e, d, { integer, lo, hi, stride }));
    const uppers = screened.map((x) => x.ks + x.slack).sort((a, b) => a - b);
    const cut = uppers[Math.min(EXACT_TOP, uppers.length) - 1];
    scored = dists.map((d, j) => ({
      d,
      ks: screened[j].ks <= cut ? ksDistance(e, d, integer, lo, hi) : screened[j].ks,
    }));
  }
  scored.sort((a, b) => a.ks - b.ks || (a.d.kind < b.d.kind ? -1 : 1));
  const all = scored.map((x) => ({ kind: x.d.kind, ks: x.ks }));
  if (scored.length === 0) return { best: undefined, ks: 1, all };
  return { best: scored[0].d, ks: scored[0].ks, all };
}

/** Digits after the point knots and bounds are written with. */
export function knotDigits(s: ColumnStats): number {
  if (s.type !== "float") return 3;
  return s.decimals <= 6 ? s.decimals + 3 : 9;
}

/**
 * A smoothed value: rounded to `digits`, and moved by half a unit of the
 * last digit when it equals a value seen fewer than `k` times (so it is not
 * a single record's value; rarely needed, as a mean of several order
 * statistics seldom equals one of them).
 */
export function smooth(
  x: number,
  digits: number,
  rare: (v: number) => boolean,
): number {
  const p = 10 ** digits;
  let y = Math.round(x * p) / p;
  if (rare(y)) y = Number((y + 0.5 / p).toFixed(digits + 1));
  return y === 0 ? 0 : y;
}

/** Mean of the values at ranks [a, a + r) of the ECDF (at most WINDOW_QUERIES evenly spaced ranks). */
function windowMean(e: Ecdf, a: number, r: number, minCount: number): number {
  const q = Math.max(minCount, Math.min(r, WINDOW_QUERIES));
  let sum = 0;
  let j = 0;
  for (let t = 0; t < q; t++) {
    const rank = a + Math.floor(((t + 0.5) * r) / q);
    const share = (rank + 0.5) / e.n;
    while (j < e.cum.length - 1 && e.cum[j] < share) j++;
    sum += e.values[j];
  }
  return sum / q;
}

/**
 * The knots of an `empirical` table: the ends are the given smoothed bounds;
 * interior knot j is the mean of a window of max(K, n / (2m)) order
 * statistics centred on rank j / m, smoothed and made non-decreasing.
 */
export function empiricalKnots(
  e: Ecdf,
  lo: number,
  hi: number,
  minCount: number,
  digits: number,
  rare: (v: number) => boolean,
): number[] {
  const n = e.n;
  const m = Math.max(1, Math.min(EMPIRICAL_INTERVALS, Math.floor(n / minCount)));
  const r = Math.min(n, Math.max(minCount, Math.ceil(n / (2 * m))));
  const knots = [lo];
  for (let j = 1; j < m; j++) {
    const centre = (j / m) * (n - 1);
    const a = Math.min(n - r, Math.max(0, Math.round(centre - (r - 1) / 2)));
    knots.push(smooth(windowMean(e, a, r, Math.min(minCount, r)), digits, rare));
  }
  knots.push(hi);
  for (let j = 1; j < knots.length; j++) knots[j] = Math.max(knots[j], knots[j - 1]);
  return knots;
}
