/**
 * Statistical tests with fixed seeds: each distribution against its CDF
 * (Kolmogorov-Smirnov / chi-square), moments and quantiles, truncation,
 * copula correlation, datetime profiles.
 */
import assert from "node:assert/strict";
import { distCdf, normalCdf } from "./math.ts";
import type { DistSpec } from "../model/mod.ts";
import {
  chiSquare,
  column,
  ksStatistic,
  mean,
  nums,
  quantile,
  std,
  table,
} from "../../tests/helpers/generate.ts";

const N = 20_000;
/** KS critical value at alpha = 0.001. */
const KS_CRIT = 1.95 / Math.sqrt(N);

function truncatedCdf(d: DistSpec, lo: number, hi: number): (x: number) => number {
  const a = Number.isFinite(lo) ? distCdf(d, lo) : 0;
  const b = Number.isFinite(hi) ? distCdf(d, hi) : 1;
  return (x) => (distCdf(d, x) - a) / (b - a);
}

const CASES: Array<{ gen: string; dist: DistSpec; lo?: number; hi?: number }> = [
  { gen: "{kind: uniform, min: -3, max: 7}", dist: { kind: "uniform", min: -3, max: 7 } },
  { gen: "{kind: normal, mean: 50, std: 10}", dist: { kind: "normal", mean: 50, std: 10 } },
  { gen: "{kind: lognormal, mu: 3, sigma: 0.9}", dist: { kind: "lognormal", mu: 3, sigma: 0.9 } },
  { gen: "{kind: exponential, mean: 4}", dist: { kind: "exponential", mean: 4 } },
  { gen: "{kind: gamma, shape: 2.5, scale: 3}", dist: { kind: "gamma", shape: 2.5, scale: 3 } },
  { gen: "{kind: gamma, shape: 0.6, scale: 1}", dist: { kind: "gamma", shape: 0.6, scale: 1 } },
  {
    gen: "{kind: beta, alpha: 2, beta: 5, min: 0, max: 1}",
    dist: { kind: "beta", alpha: 2, beta: 5, min: 0, max: 1 },
  },
  // Rejection samplers: small shapes (boost, log-space beta).
  { gen: "{kind: gamma, shape: 0.3, scale: 2}", dist: { kind: "gamma", shape: 0.3, scale: 2 } },
  {
    gen: "{kind: beta, alpha: 0.5, beta: 0.5, min: 10, max: 20}",
    dist: { kind: "beta", alpha: 0.5, beta: 0.5, min: 10, max: 20 },
  },
  // Gamma truncated by redrawing (window mass >= 0.25) and by inverse CDF (narrow window).
  {
    gen: "{kind: gamma, shape: 2, scale: 3}",
    dist: { kind: "gamma", shape: 2, scale: 3 },
    lo: 1,
    hi: 12,
  },
  {
    gen: "{kind: gamma, shape: 2, scale: 3}",
    dist: { kind: "gamma", shape: 2, scale: 3 },
    lo: 20,
    hi: 40,
  },
  // Truncated to the column bounds by inverse CDF on [F(min), F(max)].
  {
    gen: "{kind: normal, mean: 50, std: 10}",
    dist: { kind: "normal", mean: 50, std: 10 },
    lo: 45,
    hi: 80,
  },
  {
    gen: "{kind: lognormal, mu: 3, sigma: 1.5}",
    dist: { kind: "lognormal", mu: 3, sigma: 1.5 },
    lo: 1,
    hi: 100,
  },
];

for (const c of CASES) {
  Deno.test(`KS goodness of fit: ${c.gen}${c.lo !== undefined ? ` truncated to [${c.lo}, ${c.hi}]` : ""}`, async () => {
    const bounds = c.lo !== undefined ? `, constraints: {min: ${c.lo}, max: ${c.hi}}` : "";
    const chunks = await table(`columns:\n  x: {type: float${bounds}, generator: ${c.gen}}\n`, N);
    const xs = nums(chunks, "x");
    assert.equal(xs.length, N);
    const d = ksStatistic(xs, truncatedCdf(c.dist, c.lo ?? -Infinity, c.hi ?? Infinity));
    assert.ok(d < KS_CRIT, `KS ${d} >= ${KS_CRIT}`);
    if (c.lo !== undefined) assert.ok(xs.every((x) => x >= c.lo! && x <= c.hi!));
  });
}

Deno.test("normal: sample mean, std and quartiles within tolerance", async () => {
  const xs = nums(
    await table("columns:\n  s: {type: float, generator: {kind: normal, mean: 50, std: 10}}\n", N),
    "s",
  );
  assert.ok(Math.abs(mean(xs) - 50) < 0.25, `mean ${mean(xs)}`);
  assert.ok(Math.abs(std(xs) - 10) < 0.2, `std ${std(xs)}`);
  assert.ok(Math.abs(quantile(xs, 0.25) - (50 - 6.745)) < 0.35);
  assert.ok(Math.abs(quantile(xs, 0.75) - (50 + 6.745)) < 0.35);
});

Deno.test("truncation does not pile mass on the bounds; clip does when asked", async () => {
  const schema = (t: string) =>
    `columns:\n  x: {type: float, constraints: {min: 40, max: 60}, generator: {kind: normal, mean: 50, std: 20, decimals: 2, truncation: ${t}}}\n`;
  const res = nums(await table(schema("resample"), N), "x");
  const clip = nums(await table(schema("clip"), N), "x");
  const atBounds = (xs: number[]) => xs.filter((x) => x === 40 || x === 60).length / xs.length;
  assert.ok(atBounds(res) < 0.002, `resample ${atBounds(res)}`);
  assert.ok(atBounds(clip) > 0.5, `clip ${atBounds(clip)}`);
});

Deno.test("poisson: chi-square against the pmf; integer rounding of continuous kinds stays in bounds", async () => {
  const chunks = await table(
    "columns:\n  k: {type: integer, generator: {kind: poisson, lambda: 3}}\n  g: {type: integer, constraints: {min: 1, max: 9}, generator: {kind: gamma, shape: 2, scale: 2}}\n",
    N,
  );
  const ks = nums(chunks, "k");
  const obs = new Array<number>(10).fill(0);
  for (const k of ks) obs[Math.min(k, 9)]++;
  const d: DistSpec = { kind: "poisson", lambda: 3 };
  const probs = obs.map((_, k) => (k < 9 ? distCdf(d, k) - distCdf(d, k - 1) : 1 - distCdf(d, 8)));
  // 9 degrees of freedom: 27.9 is the 0.999 quantile.
  assert.ok(chiSquare(obs, probs) < 27.9, `chi2 ${chiSquare(obs, probs)}`);
  const gs = nums(chunks, "g");
  assert.ok(gs.every((x) => Number.isInteger(x) && x >= 1 && x <= 9));
});

Deno.test("categorical weights and boolean rate: chi-square", async () => {
  const chunks = await table(
    "columns:\n  tier: {type: string, generator: {kind: categorical, values: [gold, silver, bronze], weights: [0.1, 0.3, 0.6]}}\n  b: {type: boolean, generator: {kind: boolean, rate: 0.2}}\n",
    N,
  );
  const t = column(chunks, "tier");
  const obs = ["gold", "silver", "bronze"].map((v) => t.filter((x) => x === v).length);
  assert.ok(chiSquare(obs, [0.1, 0.3, 0.6]) < 13.8, `chi2 ${chiSquare(obs, [0.1, 0.3, 0.6])}`);
  const rate = mean(nums(chunks, "b"));
  assert.ok(Math.abs(rate - 0.2) < 0.01, `rate ${rate}`);
});

Deno.test("datetime hour and weekday profiles are followed", async () => {
  const hw = Array.from({ length: 24 }, (_, h) => (h < 6 ? 5 : 1));
  const chunks = await table(
    `columns:\n  t:\n    type: datetime\n    generator: {kind: datetime, start: 2024-01-01, end: 2024-12-31, hour_weights: [${hw}], weekday_weights: [1, 1, 1, 1, 1, 3, 3]}\n`,
    N,
  );
  const ts = nums(chunks, "t");
  assert.ok(
    ts.every((t) => t >= Date.UTC(2024, 0, 1) && t <= Date.UTC(2024, 11, 31) && t % 1000 === 0),
  );
  const hours = new Array<number>(24).fill(0);
  for (const t of ts) hours[new Date(t).getUTCHours()]++;
  const total = hw.reduce((a, b) => a + b, 0);
  // 23 degrees of freedom: 49.7 is the 0.999 quantile.
  assert.ok(chiSquare(hours, hw.map((w) => w / total)) < 49.7);
  const weekend = ts.filter((t) => [0, 6].includes(new Date(t).getUTCDay())).length / ts.length;
  assert.ok(Math.abs(weekend - 6 / 11) < 0.02, `weekend share ${weekend}`);
});

Deno.test("Gaussian copula: declared correlation appears, marginals are kept", async () => {
  const chunks = await table(
    `columns:
  a: {type: float, generator: {kind: normal, mean: 0, std: 1}}
  b: {type: float, generator: {kind: exponential, mean: 2}}
  c: {type: float, generator: {kind: normal, mean: 10, std: 3}}
correlations:
  - columns: [a, c, b]
    matrix: [[1, 0.7, -0.4], [0.7, 1, 0], [-0.4, 0, 1]]
`,
    N,
  );
  const a = nums(chunks, "a");
  const b = nums(chunks, "b");
  const c = nums(chunks, "c");
  const pearson = (x: number[], y: number[]) => {
    const mx = mean(x);
    const my = mean(y);
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (x[i] - mx) * (y[i] - my);
    return s / ((x.length - 1) * std(x) * std(y));
  };
  // Normal-normal: Pearson equals the copula correlation.
  assert.ok(Math.abs(pearson(a, c) - 0.7) < 0.02, `rho(a,c) ${pearson(a, c)}`);
  // Spearman of the copula: (6/pi) asin(rho/2).
  const rank = (x: number[]) => {
    const idx = x.map((v, i) => [v, i]).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(x.length);
    idx.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const expected = (6 / Math.PI) * Math.asin(-0.4 / 2);
  assert.ok(Math.abs(pearson(rank(a), rank(b)) - expected) < 0.02);
  assert.ok(ksStatistic(b, (x) => distCdf({ kind: "exponential", mean: 2 }, x)) < KS_CRIT);
  assert.ok(ksStatistic(a, normalCdf) < KS_CRIT);
});
