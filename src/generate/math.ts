/**
 * Special functions, CDFs and quantile functions used by the samplers.
 *
 * Everything is built from `+ - * /`, `Math.log`, `Math.exp`, `Math.sqrt`,
 * `Math.pow` and `Math.floor`, which V8 implements identically on every
 * platform (its own fdlibm port, not the C library), so generated values do not
 * depend on the machine.
 *
 * - log-gamma: Lanczos (g = 7, 9 coefficients), ~1e-15 relative.
 * - Regularized incomplete gamma P(a, x): series for x < a + 1, Lentz continued
 *   fraction otherwise (Numerical Recipes 6.2).
 * - Regularized incomplete beta I_x(a, b): Lentz continued fraction (NR 6.4).
 * - Normal CDF: Φ(x) = (1 + sign(x) P(1/2, x²/2)) / 2, full double precision.
 * - Normal quantile: Wichura's AS 241 (PPND16), ~1e-16 relative.
 * - Gamma / beta quantiles: bracketed Newton on the CDF (bisection fallback).
 * - Poisson quantile: normal-approximation start, then exact steps on the CDF.
 *
 * @module
 */
import type { DistSpec } from "../model/mod.ts";

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** 2^52: from here on every double is a whole number. */
const TWO_52 = 4503599627370496;

/**
 * `Math.round(x)` for finite `x`, up to the sign of a zero result (-0.3 gives
 * 0, not -0): halves round toward +infinity. Rounding runs once per generated
 * value, and in V8 on x64 both `Math.round` and sums of floors (small whole
 * numbers, so speculated as int32 with a minus-zero check that is taken half
 * the time) compile to a 50/50 branch, mispredicted half the time. This form
 * has none: generating the finance table got about 15 % faster.
 * Exact: below 2^52 the sum x + 0.5 may round, but across a whole number
 * only for the largest double below 0.5 (it rounds to 1), a rare, predictable
 * compare; from 2^52 up every x is whole. Not finite: NaN, as the earlier
 * formula `trunc(x) + floor(2d) - floor(d)` gave (tested against it).
 */
export function roundHalfUp(x: number): number {
  if (!(x > -TWO_52 && x < TWO_52)) return Number.isFinite(x) ? x : NaN;
  return x === 0.49999999999999994 ? 0 : Math.floor(x + 0.5);
}

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) return gammaSeries(a, x);
  return 1 - gammaCf(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the tail. */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - gammaSeries(a, x);
  return gammaCf(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < 10000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaCf(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized incomplete beta I_x(a, b). */
export function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  if (x < (a + 1) / (a + b + 2)) return (bt * betaCf(x, a, b)) / a;
  return 1 - (bt * betaCf(1 - x, b, a)) / b;
}

function betaCf(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  // Tail through Q(1/2, x²/2) so small probabilities keep full relative precision.
  const tail = 0.5 * gammaQ(0.5, (x * x) / 2);
  return x >= 0 ? 1 - tail : tail;
}

/**
 * Standard normal quantile Φ⁻¹(p) for p in (0, 1): Wichura's AS 241 (PPND16),
 * relative error about 1e-16 over the whole double range, so no refinement
 * against the CDF is needed (the CDF through the incomplete gamma cost several
 * times the rational function itself).
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q *
      (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r +
                            67265.770927008700853) * r +
                        45921.953931549871457) * r +
                    13731.693765509461125) * r +
                1971.5909503065514427) * r +
            133.14166789178437745) * r +
        3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
                        21213.794301586595867) * r +
                    5394.1960214247511077) * r +
                687.1870074920579083) * r +
            42.313330701600911252) * r +
        1);
  }
  // Tails: 1 - p is exact for p >= 0.5 (Sterbenz), so both tails keep full precision.
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
                          0.24178072517745061177) * r +
                      1.27045825245236838258) * r +
                  3.64784832476320460504) * r +
              5.7694972214606914055) * r +
          4.6303378461565452959) * r +
      1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                            0.0151986665636164571966) * r +
                        0.14810397642748007459) * r +
                    0.68976733498510000455) * r +
                1.6763848301838038494) * r +
            2.05319162663775882187) * r +
        1);
  } else {
    r -= 5;
    x = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
                          0.0012426609473880784386) * r +
                      0.026532189526576123093) * r +
                  0.29656057182850489123) * r +
              1.7848265399172913358) * r +
          5.4637849111641143699) * r +
      6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                            1.8463183175100546818e-5) * r +
                        7.868691311456132591e-4) * r +
                    0.0148753612908506148525) * r +
                0.13692988092273580531) * r +
            0.59983220655588793769) * r +
        1);
  }
  return q < 0 ? -x : x;
}

/** CDF of a {@link DistSpec} at x (for discrete kinds: P(X <= x)). */
export function distCdf(d: DistSpec, x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  switch (d.kind) {
    case "uniform": {
      const lo = d.min ?? 0;
      const hi = d.max ?? 1;
      return x <= lo ? 0 : x >= hi ? 1 : (x - lo) / (hi - lo);
    }
    case "normal":
      return normalCdf((x - d.mean) / d.std);
    case "lognormal":
      return x <= 0 ? 0 : normalCdf((Math.log(x) - d.mu) / d.sigma);
    case "exponential":
      return x <= 0 ? 0 : -Math.expm1(-x / d.mean);
    case "gamma":
      return x <= 0 ? 0 : gammaP(d.shape, x / d.scale);
    case "beta":
      return betaI((x - d.min) / (d.max - d.min), d.alpha, d.beta);
    case "empirical":
      return empiricalCdf(d.quantiles, x);
    case "poisson":
      if (x < 0) return 0;
      return d.lambda >= POISSON_APPROX_LAMBDA
        ? poissonCdfApprox(d.lambda, Math.floor(x))
        : gammaQ(Math.floor(x) + 1, d.lambda);
  }
}

/** Quantile (inverse CDF) of a {@link DistSpec} at p in (0, 1). */
export function distQuantile(d: DistSpec, p: number): number {
  switch (d.kind) {
    case "uniform": {
      const lo = d.min ?? 0;
      const hi = d.max ?? 1;
      return lo + (hi - lo) * p;
    }
    case "normal":
      return d.mean + d.std * normalQuantile(p);
    case "lognormal":
      return Math.exp(d.mu + d.sigma * normalQuantile(p));
    case "exponential":
      return -d.mean * Math.log1p(-p);
    case "gamma":
      return d.scale * gammaQuantile(d.shape, p);
    case "beta":
      return d.min + (d.max - d.min) * betaQuantile(d.alpha, d.beta, p);
    case "poisson":
      return poissonQuantile(d.lambda, p);
    case "empirical":
      return empiricalQuantile(d.quantiles, p);
  }
}

/**
 * Quantile of an `empirical` table at p in [0, 1]: knots at probabilities
 * j / m, linear in between (a flat run of equal knots is a point mass).
 */
export function empiricalQuantile(q: readonly number[], p: number): number {
  const m = q.length - 1;
  const t = p * m;
  const j = Math.min(m - 1, Math.max(0, Math.floor(t)));
  return q[j] + (q[j + 1] - q[j]) * (t - j);
}

/**
 * CDF of an `empirical` table: the largest p whose quantile is <= x (the
 * inverse of {@link empiricalQuantile}; a point mass is a jump).
 */
export function empiricalCdf(q: readonly number[], x: number): number {
  const m = q.length - 1;
  if (x < q[0]) return 0;
  if (x >= q[m]) return 1;
  // Last knot <= x (binary search; knots are non-decreasing).
  let lo = 0;
  let hi = m;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (q[mid] <= x) lo = mid;
    else hi = mid;
  }
  return (lo + (x - q[lo]) / (q[lo + 1] - q[lo])) / m;
}

/**
 * {@link distQuantile} specialised to one distribution: the same formulas, with
 * the kind dispatch and parameter reads done once instead of per value.
 */
export function quantileFn(d: DistSpec): (p: number) => number {
  switch (d.kind) {
    case "uniform": {
      const lo = d.min ?? 0;
      const w = (d.max ?? 1) - lo;
      return (p) => lo + w * p;
    }
    case "normal": {
      const { mean, std } = d;
      return (p) => mean + std * normalQuantile(p);
    }
    case "lognormal": {
      const { mu, sigma } = d;
      return (p) => Math.exp(mu + sigma * normalQuantile(p));
    }
    case "exponential": {
      const mean = d.mean;
      return (p) => -mean * Math.log1p(-p);
    }
    default:
      return (p) => distQuantile(d, p);
  }
}

/**
 * From this mean on, Poisson quantiles and CDFs use the Cornish-Fisher
 * (quantile) and Edgeworth (CDF) expansions of the normal approximation with
 * continuity correction: constant cost per value. The exact stepping on the
 * incomplete gamma below costs more, and loses precision, as lambda grows
 * (lambda = 1e15 spun for minutes). The expansions' CDF error is
 * O(lambda^-1.5), under 2e-7 here. Smaller means keep the exact method.
 */
export const POISSON_APPROX_LAMBDA = 30_000;

function poissonQuantileApprox(lambda: number, p: number): number {
  const z = normalQuantile(p);
  const g1 = 1 / Math.sqrt(lambda);
  const z2 = z * z;
  const w = z + ((z2 - 1) * g1) / 6 + ((z2 * z - 3 * z) * g1 * g1) / 24 -
    ((2 * z2 * z - 5 * z) * g1 * g1) / 36;
  return Math.max(0, Math.ceil(lambda + Math.sqrt(lambda) * w - 0.5));
}

function poissonCdfApprox(lambda: number, k: number): number {
  const sd = Math.sqrt(lambda);
  const y = (k + 0.5 - lambda) / sd;
  const phi = Math.exp(-0.5 * y * y) / Math.sqrt(2 * Math.PI);
  const c = normalCdf(y) - (phi * (y * y - 1)) / (6 * sd);
  return c < 0 ? 0 : c > 1 ? 1 : c;
}

/** Smallest k >= 0 with P(X <= k) >= p for X ~ Poisson(lambda). */
export function poissonQuantile(lambda: number, p: number): number {
  if (lambda >= POISSON_APPROX_LAMBDA) return poissonQuantileApprox(lambda, p);
  if (lambda < 30) {
    // Direct summation of the pmf: exact and cheap for small means.
    let k = 0;
    let pmf = Math.exp(-lambda);
    let cdf = pmf;
    while (cdf < p && k < 10_000) {
      k++;
      pmf *= lambda / k;
      cdf += pmf;
    }
    return k;
  }
  let k = Math.max(0, Math.floor(lambda + Math.sqrt(lambda) * normalQuantile(p) - 0.5));
  const cdf = (j: number) => gammaQ(j + 1, lambda);
  while (k > 0 && cdf(k - 1) >= p) k--;
  while (cdf(k) < p) k++;
  return k;
}

/** Quantile of Gamma(shape, 1). */
export function gammaQuantile(a: number, p: number): number {
  // Wilson-Hilferty start, then Newton steps kept inside a shrinking bracket.
  const z = normalQuantile(p);
  const c = 1 / (9 * a);
  const lga = logGamma(a);
  let x = a * Math.pow(1 - c + z * Math.sqrt(c), 3);
  // Small-x series P(a, x) ~ x^a / Γ(a + 1) where Wilson-Hilferty is poor.
  const small = Math.exp((Math.log(p) + lga + Math.log(a)) / a);
  if (!(x > 0) || !Number.isFinite(x) || small < 0.3 * a) x = small;
  let lo = 0;
  let hi = Infinity;
  for (let i = 0; i < 200; i++) {
    const f = gammaP(a, x) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const pdf = Math.exp((a - 1) * Math.log(x) - x - lga);
    let next = x - f / pdf;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      // Bisect geometrically: the bracket can span many orders of magnitude.
      next = hi === Infinity ? 2 * x + 1 : lo > 0 ? Math.sqrt(lo * hi) : hi / 16;
    }
    if (Math.abs(next - x) <= 1e-15 * x) return next;
    x = next;
  }
  return x;
}

/** Quantile of Beta(a, b) on [0, 1]. */
export function betaQuantile(a: number, b: number, p: number): number {
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  const lbeta = logGamma(a) + logGamma(b) - logGamma(a + b);
  for (let i = 0; i < 200; i++) {
    const f = betaI(x, a, b) - p;
    if (f < 0) lo = x;
    else hi = x;
    const pdf = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) - lbeta);
    let next = x - f / pdf;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 || hi - lo <= 1e-15) return next;
    x = next;
  }
  return x;
}

/** Probability mass of `d` inside [lo, hi] (integer columns: the whole numbers in it). */
export function distributionMass(d: DistSpec, lo: number, hi: number, integer: boolean): number {
  if (integer || d.kind === "poisson") {
    const a = Math.ceil(lo);
    const b = Math.floor(hi);
    if (a > b) return 0;
    if (d.kind === "poisson") return distCdf(d, b) - (a > 0 ? distCdf(d, a - 1) : 0);
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      return distCdf(d, b + 0.5) - distCdf(d, a - 0.5);
    }
    // Continuous values are rounded to whole numbers: [a - 0.5, b + 0.5) maps into [a, b].
    return distCdf(d, b + 0.5) - distCdf(d, a - 0.5);
  }
  return distCdf(d, hi) - distCdf(d, lo);
}

/**
 * Cholesky factor L (lower triangular, row-major) of a symmetric positive
 * semi-definite matrix, or undefined when a pivot is negative beyond a small
 * tolerance. Zero pivots (semi-definite) give zero columns.
 */
export function choleskyPsd(m: number[][]): number[][] | undefined {
  const n = m.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let s = m[j][j];
    for (let k = 0; k < j; k++) s -= l[j][k] * l[j][k];
    if (s < -1e-10) return undefined;
    const d = s > 1e-12 ? Math.sqrt(s) : 0;
    l[j][j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = m[i][j];
      for (let k = 0; k < j; k++) t -= l[i][k] * l[j][k];
      if (d === 0) {
        if (Math.abs(t) > 1e-8) return undefined;
        l[i][j] = 0;
      } else l[i][j] = t / d;
    }
  }
  return l;
}
