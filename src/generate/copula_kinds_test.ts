/**
 * The `empirical` kind (quantile table) and copulas over categorical,
 * boolean and datetime columns (inverse CDF of each), with fixed seeds.
 */
import assert from "node:assert/strict";
import { empiricalCdf, empiricalQuantile } from "./math.ts";
import {
  column,
  ksStatistic,
  nums,
  problemsOf,
  sourcesOf,
  table,
} from "../../tests/helpers/generate.ts";

const N = 20_000;

/** Spearman rank correlation (average ranks for ties). */
function spearman(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let t = i; t <= j; t++) r[idx[t]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const a = rank(x);
  const b = rank(y);
  const m = (a.length - 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - m) * (b[i] - m);
    saa += (a[i] - m) ** 2;
    sbb += (b[i] - m) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

Deno.test("empirical: quantile and CDF are inverse, flat runs are point masses", () => {
  const q = [0, 1, 1, 5, 20];
  const cases: Array<[number, number]> = [[0, 0], [0.125, 0.5], [0.25, 1], [0.5, 1], [0.625, 3], [
    1,
    20,
  ]];
  for (const [p, x] of cases) assert.equal(empiricalQuantile(q, p), x, `Q(${p})`);
  assert.equal(empiricalCdf(q, -1), 0);
  assert.equal(empiricalCdf(q, 0.5), 0.125);
  assert.equal(empiricalCdf(q, 1), 0.5); // the jump: P(X <= 1) includes the mass at 1
  assert.equal(empiricalCdf(q, 3), 0.625);
  assert.equal(empiricalCdf(q, 20), 1);
});

Deno.test("empirical: generated values follow the table (KS) and respect decimals", async () => {
  const smooth = await table(
    "columns:\n  x: {type: float, generator: {kind: empirical, quantiles: [0, 1, 2, 5, 20]}}\n",
    N,
  );
  const ks = ksStatistic(nums(smooth, "x"), (x) => empiricalCdf([0, 1, 2, 5, 20], x));
  assert.ok(ks < 1.95 / Math.sqrt(N) + 0.001, `KS ${ks}`);
  const chunks = await table(
    "columns:\n  x: {type: float, generator: {kind: empirical, quantiles: [0, 1, 1, 5, 20], decimals: 3}}\n",
    N,
  );
  const xs = nums(chunks, "x");
  assert.ok(xs.every((x) => Math.round(x * 1000) / 1000 === x && x >= 0 && x <= 20));
  const atOne = xs.filter((x) => x === 1).length / N;
  assert.ok(Math.abs(atOne - 0.25) < 0.02, `mass at 1: ${atOne}`);
});

Deno.test("empirical: config problems name the field", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["{kind: empirical}", "columns.x.generator.quantiles", /required/],
    ["{kind: empirical, quantiles: [1]}", "columns.x.generator.quantiles", /2 to 1025/],
    [
      "{kind: empirical, quantiles: [3, 2]}",
      "columns.x.generator.quantiles.1",
      /must not decrease/,
    ],
    ["{kind: empirical, quantiles: [2, 2]}", "columns.x.generator.quantiles", /above the first/],
    ["{kind: empirical, quantiles: [0, a]}", "columns.x.generator.quantiles.1", /number/],
  ];
  for (const [gen, field, message] of cases) {
    const problems = problemsOf(sourcesOf(`columns:\n  x: {type: float, generator: ${gen}}\n`));
    assert.ok(
      problems.some((p) => p.field === field && message.test(p.message)),
      `${gen}: ${JSON.stringify(problems.map((p) => [p.field, p.message]))}`,
    );
  }
});

const COPULA = `columns:
  amount: {type: float, generator: {kind: normal, mean: 0, std: 1}}
  tier: {type: string, generator: {kind: categorical, values: [low, mid, high], weights: [0.5, 0.3, 0.2]}}
  flag: {type: boolean, generator: {kind: boolean, rate: 0.3}}
  at: {type: datetime, generator: {kind: datetime, start: "2024-01-01T00:00:00Z", end: "2024-12-31T00:00:00Z", hour_weights: [1,1,1,1,1,1,1,1,2,2,2,2,2,2,2,2,2,1,1,1,1,1,1,1]}}
  free: {type: string, generator: {kind: regex, pattern: "[a-z]{4}"}}
correlations:
  - columns: [amount, tier, flag, at]
    matrix: [[1, 0.8, 0.7, -0.6], [0.8, 1, 0.5, -0.5], [0.7, 0.5, 1, -0.4], [-0.6, -0.5, -0.4, 1]]
`;

Deno.test("copula: categorical, boolean and datetime columns follow the latent order", async () => {
  const chunks = await table(COPULA, N);
  const amount = nums(chunks, "amount");
  const order: Record<string, number> = { low: 0, mid: 1, high: 2 };
  const tier = column(chunks, "tier").map((v) => order[v as string]);
  const flag = column(chunks, "flag").map((v) => Number(v));
  const at = nums(chunks, "at");
  // Marginals are kept.
  const share = (xs: number[], v: number) => xs.filter((x) => x === v).length / xs.length;
  assert.ok(Math.abs(share(tier, 0) - 0.5) < 0.015 && Math.abs(share(tier, 2) - 0.2) < 0.015);
  assert.ok(Math.abs(share(flag, 1) - 0.3) < 0.015);
  // Dependence in the declared direction and size (rank correlation of a coarse
  // column is below the latent one).
  const cases: Array<[string, number[], number, number]> = [
    ["tier", tier, 0.6, 0.8],
    ["flag", flag, 0.45, 0.7],
    ["at", at, -0.65, -0.5],
  ];
  for (const [name, xs, lo, hi] of cases) {
    const r = spearman(amount, xs);
    assert.ok(r > lo && r < hi, `${name}: spearman ${r}`);
  }
});

Deno.test("copula: a column without a CDF is refused with the kinds that can join", () => {
  const text = COPULA.replace(
    "columns: [amount, tier, flag, at]",
    "columns: [amount, tier, flag, free]",
  );
  const problems = problemsOf(sourcesOf(text));
  assert.ok(
    problems.some((p) =>
      p.field === "correlations.0.columns" &&
      /"free" needs a generator with a CDF/.test(p.message) &&
      /empirical/.test(p.message) && /categorical, boolean or datetime/.test(p.message)
    ),
    JSON.stringify(problems),
  );
});
