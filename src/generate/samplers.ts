/**
 * Exact random variate generators that are cheaper than inverting a CDF
 * numerically, and table lookups that invert discrete CDFs in O(1).
 *
 * - Gamma: Marsaglia & Tsang (2000) squeeze/rejection for shape >= 1; for
 *   shape < 1 the boost G(a) = G(a + 1) U^(1/a) (kept in log space).
 * - Beta: X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b) (in log space when a
 *   shape is below 1, where both gammas can underflow).
 * - {@link CdfTable}: inverse of a tabulated CDF through a guide table (Chen &
 *   Asau 1974): returns exactly the index a linear or binary search would.
 *
 * Rejection samplers draw a variable number of values from the stream they are
 * given; every (column, chunk) has its own stream, so that never shifts the
 * draws of another column or chunk.
 *
 * @module
 */
import type { Rng } from "../rng/mod.ts";

/** Draws of Gamma(shape, 1) by Marsaglia-Tsang (exact: rejection, not approximation). */
export class GammaSampler {
  readonly #boost: boolean;
  readonly #invShape: number;
  readonly #d: number;
  readonly #c: number;

  /** A sampler for Gamma(`shape`, 1), `shape` > 0. */
  constructor(shape: number) {
    if (!(shape > 0) || !Number.isFinite(shape)) {
      throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    }
    this.#boost = shape < 1;
    this.#invShape = 1 / shape;
    const a = this.#boost ? shape + 1 : shape;
    this.#d = a - 1 / 3;
    this.#c = 1 / Math.sqrt(9 * this.#d);
  }

  /** ln G for G ~ Gamma(shape, 1) (finite even when G underflows, for shape < 1). */
  logNext(rng: Rng): number {
    const lg = Math.log(this.#core(rng));
    return this.#boost ? lg + Math.log(rng.nextOpenFloat()) * this.#invShape : lg;
  }

  /** One draw of Gamma(shape, 1). */
  next(rng: Rng): number {
    const g = this.#core(rng);
    return this.#boost ? g * Math.pow(rng.nextOpenFloat(), this.#invShape) : g;
  }

  /** Marsaglia-Tsang for shape d + 1/3 >= 1. */
  #core(rng: Rng): number {
    const d = this.#d;
    const c = this.#c;
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = rng.nextNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = rng.nextOpenFloat();
      const x2 = x * x;
      // Squeeze accepts ~98 % without a logarithm; the log test is the exact one.
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }
}

/** Draws of Beta(a, b) on [0, 1] as X / (X + Y) of independent gammas. */
export class BetaSampler {
  readonly #x: GammaSampler;
  readonly #y: GammaSampler;
  readonly #logSpace: boolean;

  /** A sampler for Beta(`a`, `b`), both > 0. */
  constructor(a: number, b: number) {
    this.#x = new GammaSampler(a);
    this.#y = new GammaSampler(b);
    this.#logSpace = a < 1 || b < 1;
  }

  /** One draw in [0, 1]. */
  next(rng: Rng): number {
    if (this.#logSpace) {
      const lx = this.#x.logNext(rng);
      const ly = this.#y.logNext(rng);
      // X / (X + Y) = 1 / (1 + e^(ln Y - ln X)), safe when X and Y underflow.
      return 1 / (1 + Math.exp(ly - lx));
    }
    const x = this.#x.next(rng);
    return x / (x + this.#y.next(rng));
  }
}

/**
 * Inverse of a non-decreasing tabulated CDF: {@link CdfTable.search} returns the
 * smallest k with `cum[k] >= p` (or `> p` when built `strict`), clamped to
 * the last index, exactly as a linear scan from 0 would. A guide table of
 * buckets over [0, total] answers most searches in one lookup: a bucket that
 * lies inside one step of the CDF, with a margin for the rounding of
 * `p * scale`, holds its answer; the few buckets a step edge crosses hold
 * where to start a scan (stored as `~k`). The scan is a loop with a
 * data-dependent exit, mispredicted about every other value, which used to be
 * the largest single cost of categorical and Poisson columns.
 */
export class CdfTable {
  readonly #cum: Float64Array;
  readonly #guide: Int32Array;
  readonly #scale: number;
  readonly #strict: boolean;

  /** `cum`: non-decreasing, last value the total; `strict`: first k with cum[k] > p. */
  constructor(cum: Float64Array, strict: boolean) {
    const n = cum.length;
    const last = n - 1;
    this.#cum = cum;
    this.#strict = strict;
    const total = cum[last];
    const m = Math.min(Math.max(GUIDE_PER_STEP * n, GUIDE_MIN), GUIDE_MAX);
    this.#guide = new Int32Array(m);
    this.#scale = total > 0 ? m / total : 0;
    let k = 0;
    for (let j = 0; j < m; j++) {
      const t = (j * total) / m;
      while (k < last && cum[k] < t) k++;
      this.#guide[j] = ~k;
    }
    if (!(total > 0 && Number.isFinite(total))) return;
    for (let j = 0; j < m; j++) {
      // Every p that lands in bucket j lies in [lo, hi] (floor(p * scale) = j up
      // to rounding; the end buckets also take what the clamps send them).
      const lo = j === 0 ? -Infinity : ((j * total) / m) * (1 - GUIDE_MARGIN);
      const hi = j === m - 1 ? Infinity : (((j + 1) * total) / m) * (1 + GUIDE_MARGIN);
      const a = this.#scan(~this.#guide[j], lo);
      const below = a === 0 || (strict ? cum[a - 1] <= lo : cum[a - 1] < lo);
      const above = a === last || (strict ? cum[a] > hi : cum[a] >= hi);
      if (below && above) this.#guide[j] = a;
    }
  }

  /** The first index k whose cumulative value reaches `p` (see the class comment). */
  search(p: number): number {
    let j = Math.floor(p * this.#scale);
    const top = this.#guide.length - 1;
    if (j > top) j = top;
    if (j < 0) j = 0;
    const g = this.#guide[j];
    return g >= 0 ? g : this.#scan(~g, p);
  }

  /** The exact answer for `p`, scanning from a nearby start `k`. */
  #scan(k: number, p: number): number {
    const cum = this.#cum;
    const last = cum.length - 1;
    if (this.#strict) {
      while (k > 0 && cum[k - 1] > p) k--;
      while (k < last && cum[k] <= p) k++;
    } else {
      while (k > 0 && cum[k - 1] >= p) k--;
      while (k < last && cum[k] < p) k++;
    }
    return k;
  }
}

/** Guide buckets per CDF step, and bounds on the guide's length. */
const GUIDE_PER_STEP = 32;
const GUIDE_MIN = 256;
const GUIDE_MAX = 1 << 16;
/** Relative margin around a bucket's edges: far above the rounding of `p * scale`. */
const GUIDE_MARGIN = 1e-9;

/** Largest k the Poisson inversion returns (as {@link poissonQuantile} caps its summation). */
const POISSON_CAP = 10_000;
/** Table sizes up to this are built for lambda >= 30 (about lambda <= 29 000). */
const POISSON_TABLE_MAX = 4096;

/**
 * Poisson(lambda) quantile function p -> smallest k with P(X <= k) >= p, with
 * the CDF tabulated once instead of summed (lambda < 30) or re-evaluated through
 * the incomplete gamma (lambda >= 30) per value. The table holds the very
 * numbers {@link poissonQuantile} computes, so results are identical to it;
 * outside the table it is called directly.
 */
export function poissonQuantileFn(
  lambda: number,
  poissonQuantile: (lambda: number, p: number) => number,
  cdf: (k: number) => number,
): (p: number) => number {
  if (lambda < 30) {
    // The same recurrence, in the same order, as the direct summation.
    const cum: number[] = [];
    let pmf = Math.exp(-lambda);
    let acc = pmf;
    cum.push(acc);
    for (let k = 1; k <= POISSON_CAP && acc < 1; k++) {
      pmf *= lambda / k;
      const next = acc + pmf;
      if (next === acc) break; // saturated: the summation would run on to the cap
      acc = next;
      cum.push(acc);
    }
    const table = new CdfTable(Float64Array.from(cum), false);
    const top = cum[cum.length - 1];
    const full = cum.length - 1 === POISSON_CAP;
    return (p) => (p > top && !full ? POISSON_CAP : table.search(p));
  }
  const sd = Math.sqrt(lambda);
  const k0 = Math.max(0, Math.floor(lambda - 12 * sd - 10));
  const k1 = Math.ceil(lambda + 12 * sd + 10);
  if (k1 - k0 + 1 > POISSON_TABLE_MAX) return (p) => poissonQuantile(lambda, p);
  const cum = new Float64Array(k1 - k0 + 1);
  for (let k = k0; k <= k1; k++) cum[k - k0] = cdf(k);
  const below = k0 > 0 ? cdf(k0 - 1) : -Infinity;
  const top = cum[cum.length - 1];
  const table = new CdfTable(cum, false);
  // Inside (below, top] the answer lies in [k0, k1]; the far tails are solved directly.
  return (p) => (p > below && p <= top ? k0 + table.search(p) : poissonQuantile(lambda, p));
}
