/**
 * The Gaussian copula of a fitted table, pass 2: every copula column's value
 * becomes a normal score through the training rows' own CDF, and the score
 * correlations are accumulated over pairwise-complete rows.
 *
 * Score of a value whose CDF interval is [F(x-), F(x)] (a category's
 * cumulative interval in the declared order, a boolean's false/true interval,
 * a number's ECDF step): E[Z | Phi^-1(F(x-)) < Z < Phi^-1(F(x))] for standard
 * normal Z (for a continuous column, the van der Waerden-style score of the
 * value's mid-rank). Latent correlation: the rho whose implied score
 * covariance (Mehler's formula, a Hermite series of both score functions)
 * equals the observed one; for continuous columns this is Pearson on the
 * scores, for dichotomised ones it matches the tetrachoric/biserial
 * correlation, so coarse columns are not attenuated. The matrix is repaired
 * to positive definite by eigenvalue clipping (floor {@link EIGEN_FLOOR}),
 * rescaled to a unit diagonal, then rounded to 4 decimals and checked again.
 *
 * @module
 */
import { choleskyPsd, normalQuantile } from "../generate/mod.ts";

/** Smallest eigenvalue after repair: keeps the rounded matrix positive definite. */
export const EIGEN_FLOOR = 0.01;
/** Digits of the written correlations. */
const DIGITS = 4;

const SQRT_2PI = Math.sqrt(2 * Math.PI);

function phi(z: number): number {
  return Number.isFinite(z) ? Math.exp(-0.5 * z * z) / SQRT_2PI : 0;
}

/** E[Z | Z in (Phi^-1(a), Phi^-1(b))] for 0 <= a <= b <= 1. */
export function intervalScore(a: number, b: number): number {
  if (b - a < 1e-12) return normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, (a + b) / 2)));
  const za = normalQuantile(a);
  const zb = normalQuantile(b);
  // Tail-stable difference of masses: Phi(zb) - Phi(za) = b - a.
  return (phi(za) - phi(zb)) / (b - a);
}

/** Terms of the Hermite series relating latent and score correlations. */
export const HERMITE_TERMS = 40;

/**
 * Normalised Hermite coefficients d_k = E[s(Z) He_k(Z)] / sqrt(k!), k = 1..
 * {@link HERMITE_TERMS}, of the score function that maps the intervals
 * [cum[j-1], cum[j]] (probabilities) to their conditional means: for two such
 * columns with latent correlation rho, cov(s_a, s_b) = sum_k rho^k d_ak d_bk
 * (Mehler's formula). Uses int_a^b He_k phi = He_{k-1}(a) phi(a) - He_{k-1}(b) phi(b).
 */
export function hermiteCoefficients(cum: ArrayLike<number>): Float64Array {
  const d = new Float64Array(HERMITE_TERMS + 1);
  let prevP = 0;
  // h[k] = He_k(x) / sqrt(k!) times phi(x), at the interval's lower end (carried over).
  let lower: Float64Array = new Float64Array(HERMITE_TERMS + 1);
  for (let j = 0; j < cum.length; j++) {
    const p = Math.min(1, cum[j]);
    if (!(p > prevP)) continue;
    const s = intervalScore(prevP, p);
    const upper = hermitePhi(p >= 1 ? Infinity : normalQuantile(p));
    for (let k = 1; k <= HERMITE_TERMS; k++) {
      // He_{k-1} phi / sqrt(k!) = (He_{k-1} phi / sqrt((k-1)!)) / sqrt(k).
      d[k] += (s * (lower[k - 1] - upper[k - 1])) / Math.sqrt(k);
    }
    lower = upper;
    prevP = p;
  }
  return d;
}

/** He_k(x) phi(x) / sqrt(k!) for k = 0..HERMITE_TERMS (zero at +-infinity). */
function hermitePhi(x: number): Float64Array {
  const h = new Float64Array(HERMITE_TERMS + 1);
  if (!Number.isFinite(x)) return h;
  const f = phi(x);
  h[0] = f;
  if (HERMITE_TERMS >= 1) h[1] = x * f;
  for (let k = 1; k < HERMITE_TERMS; k++) {
    h[k + 1] = (x * h[k] - Math.sqrt(k) * h[k - 1]) / Math.sqrt(k + 1);
  }
  return h;
}

/** The latent rho whose implied score covariance sum_k rho^k d_ak d_bk equals `cov` (bisection). */
export function latentCorrelation(cov: number, da: Float64Array, db: Float64Array): number {
  const g = (r: number) => {
    let s = 0;
    let rk = 1;
    for (let k = 1; k < da.length; k++) {
      rk *= r;
      s += rk * da[k] * db[k];
    }
    return s;
  };
  let lo = -0.999;
  let hi = 0.999;
  if (cov <= g(lo)) return lo;
  if (cov >= g(hi)) return hi;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (g(mid) < cov) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Pairwise-complete sums of scores, k columns. */
export class ScoreMoments {
  readonly k: number;
  #n: Float64Array;
  #sa: Float64Array;
  #saa: Float64Array;
  #sab: Float64Array;

  constructor(k: number) {
    this.k = k;
    this.#n = new Float64Array(k * k);
    this.#sa = new Float64Array(k * k);
    this.#saa = new Float64Array(k * k);
    this.#sab = new Float64Array(k * k);
  }

  /** Add one row's scores (NaN = null). */
  add(z: Float64Array): void {
    const k = this.k;
    for (let a = 0; a < k; a++) {
      const x = z[a];
      if (x !== x) continue;
      for (let b = 0; b < k; b++) {
        const y = z[b];
        if (y !== y) continue;
        const i = a * k + b;
        this.#n[i]++;
        this.#sa[i] += x;
        this.#saa[i] += x * x;
        this.#sab[i] += x * y;
      }
    }
  }

  /**
   * Latent correlations: each pair's score covariance inverted through the
   * Hermite series of the two score functions (`hermite[a]`), clipped to
   * +-0.999; 0 without common rows.
   */
  correlations(hermite: Float64Array[]): number[][] {
    const k = this.k;
    const r = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let a = 0; a < k; a++) {
      r[a][a] = 1;
      for (let b = a + 1; b < k; b++) {
        const ab = a * k + b;
        const ba = b * k + a;
        const n = this.#n[ab];
        if (n < 3) continue;
        const ma = this.#sa[ab] / n;
        const mb = this.#sa[ba] / n;
        const va = this.#saa[ab] / n - ma * ma;
        const vb = this.#saa[ba] / n - mb * mb;
        const cov = this.#sab[ab] / n - ma * mb;
        if (!(va > 1e-12 && vb > 1e-12)) continue;
        const rho = latentCorrelation(cov, hermite[a], hermite[b]);
        r[a][b] = r[b][a] = rho;
      }
    }
    return r;
  }
}

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi): values and column vectors. */
export function symmetricEigen(m: number[][]): { values: number[]; vectors: number[][] } {
  const n = m.length;
  const a = m.map((row) => row.slice());
  const v = Array.from({ length: n }, (_, i) => {
    const row = new Array<number>(n).fill(0);
    row[i] = 1;
    return row;
  });
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]), vectors: v };
}

/** A correlation matrix made positive definite, rounded; what was done, and the smallest eigenvalue before. */
export function repairCorrelation(
  r: number[][],
): { matrix: number[][]; repair: string; minEigenvalue: number } {
  const n = r.length;
  const { values, vectors } = symmetricEigen(r);
  const minEigenvalue = Math.min(...values);
  let m = r;
  let repair = "";
  if (minEigenvalue < EIGEN_FLOOR) {
    // V max(L, floor) V^T, then back to a unit diagonal.
    const lam = values.map((x) => Math.max(x, EIGEN_FLOOR));
    const c = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i][k] * lam[k] * vectors[j][k];
        return s;
      }));
    m = c.map((row, i) => row.map((x, j) => x / Math.sqrt(c[i][i] * c[j][j])));
    repair = `eigenvalues clipped at ${EIGEN_FLOOR} (smallest was ${minEigenvalue.toFixed(4)})`;
  }
  let out = roundSym(m);
  // Rounding can only perturb entries by 5e-5; shrink toward I in the rare case it breaks.
  for (let step = 1; choleskyPsd(out) === undefined && step <= 20; step++) {
    const a = step * 0.05;
    out = roundSym(m.map((row, i) => row.map((x, j) => (i === j ? 1 : (1 - a) * x))));
    repair = `${repair ? `${repair}; ` : ""}shrunk ${Math.round(a * 100)}% toward the identity`;
  }
  return { matrix: out, repair, minEigenvalue };
}

function roundSym(m: number[][]): number[][] {
  const p = 10 ** DIGITS;
  return m.map((row, i) =>
    row.map((_, j) => {
      if (i === j) return 1;
      const x = Math.round((i < j ? m[i][j] : m[j][i]) * p) / p;
      return x === 0 ? 0 : x;
    })
  );
}
