import assert from "node:assert/strict";
import { Rng } from "../rng/mod.ts";
import { python } from "../../tests/helpers/python.ts";
import {
  contingencyEdges,
  contingencySimilarity,
  correlationSimilarity,
  digitize,
  fidelity,
  histogramEdges,
  ksComplement,
  ksStatistic,
  pearson,
  tvComplement,
} from "./fidelity.ts";
import { planColumns, tableFrom } from "./table.ts";

const f64 = (xs: (number | null)[]) => Float64Array.from(xs, (x) => (x === null ? NaN : x));

Deno.test("ksStatistic: worked values (ties, nulls dropped, empty side)", () => {
  const cases: { a: (number | null)[]; b: (number | null)[]; d: number }[] = [
    { a: [1, 2, 3], b: [1, 2, 3], d: 0 },
    { a: [1, 2, 3], b: [4, 5, 6], d: 1 },
    // F_a(2) = 3/4, F_b(2) = 0: ties at 2 are passed together before comparing.
    { a: [1, 2, 2, 3], b: [3, 3, 4, 4], d: 0.75 },
    { a: [1, null, 2], b: [1, 2, null, null], d: 0 },
  ];
  for (const c of cases) assert.equal(ksStatistic(f64(c.a), f64(c.b)), c.d, JSON.stringify(c));
  assert.ok(Number.isNaN(ksStatistic(f64([null]), f64([1]))));
  assert.equal(ksComplement(f64([1, 2]), f64([null])), 0, "all-null synthetic scores 0");
});

Deno.test("tvComplement, correlation, contingency, edges: worked values", () => {
  // Real shares (0.5, 0.5, 0); synthetic (0.25, 0.25, 0.5): TV = 0.5.
  assert.equal(tvComplement(Int32Array.of(0, 1, -1), Int32Array.of(0, 1, 2, 2), 3), 0.5);
  assert.equal(pearson(f64([1, 2, 3, null]), f64([2, 4, 6, 1])), 1);
  assert.ok(Number.isNaN(pearson(f64([1, 1, 1]), f64([1, 2, 3]))), "constant: undefined");
  const cs = correlationSimilarity([f64([1, 2, 3]), f64([1, 2, 3])], [
    f64([1, 2, 3]),
    f64([3, 2, 1]),
  ]);
  assert.deepEqual(cs, { score: 0, real: 1, synthetic: -1 });
  assert.deepEqual(Array.from(histogramEdges(f64([0, 10]), 2)!), [0, 5, 10]);
  assert.deepEqual(Array.from(histogramEdges(f64([3, 3]), 2)!), [2.5, 3, 3.5]);
  const e = contingencyEdges(f64([0, 10, null]))!;
  assert.deepEqual([digitize(-5, e), digitize(0, e), digitize(10, e), digitize(99, e)], [
    1,
    1,
    10,
    10,
  ]);
  assert.equal(digitize(NaN, e), 11);
  // Joint real {(0,0): .5, (1,1): .5}; synthetic {(0,0): 1}: TV = 0.5.
  assert.equal(
    contingencySimilarity([Int32Array.of(0, 1), Int32Array.of(0, 1)], [
      Int32Array.of(0, 0),
      Int32Array.of(0, 0),
    ]),
    0.5,
  );
});

Deno.test("fidelity: identical tables score 1; a one-column table has no pair score", () => {
  const plans = planColumns([{ name: "a", kind: "numerical" }, { name: "c", kind: "categorical" }]);
  const t = tableFrom(plans, { a: [1, 2, 3, 4], c: ["x", "y", "x", null] });
  const f = fidelity(t, t);
  assert.equal(f.score, 1);
  assert.equal(f.pairs[0].metric, "ContingencySimilarity");
  const one = planColumns([{ name: "a", kind: "numerical" }]);
  const g = fidelity(tableFrom(one, { a: [1, 2] }), tableFrom(one, { a: [1, 3] }));
  assert.ok(Number.isNaN(g.column_pair_trends));
  assert.equal(g.score, g.column_shapes);
});

/** Random columns with nulls, ties and a dependence, from a fixed seed. */
function randomData(n: number, seed: number) {
  const rng = new Rng(Uint32Array.of(seed, 2, 3, 4));
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  const c: (string | null)[] = [];
  const d: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.nextFloat();
    x.push(rng.nextFloat() < 0.05 ? null : Math.round(u * 50) / 2);
    y.push(rng.nextFloat() < 0.05 ? null : u * 3 + rng.nextFloat());
    c.push(rng.nextFloat() < 0.03 ? null : ["a", "b", "c", "d"][Math.floor(u * 4)]);
    d.push(["p", "q"][Math.floor(rng.nextFloat() * 2)]);
  }
  return { x, y, c, d };
}

const CROSS = `
import json, sys
import numpy as np
from scipy.stats import ks_2samp
inp = json.load(sys.stdin)
R, S = inp["real"], inp["syn"]
def num(v): return np.array([np.nan if x is None else x for x in v], dtype=float)
out = {}
for col in ["x", "y"]:
    a, b = num(R[col]), num(S[col])
    out["ks_" + col] = 1 - ks_2samp(a[~np.isnan(a)], b[~np.isnan(b)]).statistic
for col in ["c", "d"]:
    a = [v for v in R[col] if v is not None]; b = [v for v in S[col] if v is not None]
    cats = sorted(set(a) | set(b))
    p = np.array([a.count(k) for k in cats]) / len(a); q = np.array([b.count(k) for k in cats]) / len(b)
    out["tv_" + col] = 1 - 0.5 * np.abs(p - q).sum()
def corr(t):
    a, b = num(t["x"]), num(t["y"]); m = ~np.isnan(a) & ~np.isnan(b)
    return np.corrcoef(a[m], b[m])[0, 1]
out["corr_xy"] = 1 - abs(corr(R) - corr(S)) / 2
def binned(col):
    a = num(R[col]); edges = np.histogram_bin_edges(a[~np.isnan(a)], bins=10)
    edges[0], edges[-1] = -np.inf, np.inf
    return np.digitize(a, edges), np.digitize(num(S[col]), edges)
def cont(r1, r2, s1, s2):
    key = lambda u, v: list(zip(map(str, u), map(str, v)))
    kr, ks = key(r1, r2), key(s1, s2)
    cells = set(kr) | set(ks)
    return 1 - 0.5 * sum(abs(kr.count(k) / len(kr) - ks.count(k) / len(ks)) for k in cells)
bx_r, bx_s = binned("x")
out["cont_cx"] = cont(R["c"], bx_r, S["c"], bx_s)
out["cont_cd"] = cont(R["c"], R["d"], S["c"], S["d"])
print(json.dumps(out))
`;

Deno.test("fidelity metrics agree with scipy.stats.ks_2samp and numpy (within 1e-12)", async () => {
  const real = randomData(600, 1);
  const syn = randomData(450, 7);
  const want = await python<Record<string, number>>(["numpy", "scipy"], CROSS, { real, syn });
  if (want === null) return;
  const plans = planColumns([
    { name: "c", kind: "categorical" },
    { name: "d", kind: "categorical" },
    { name: "x", kind: "numerical" },
    { name: "y", kind: "numerical" },
  ]);
  const f = fidelity(tableFrom(plans, real), tableFrom(plans, syn));
  const shape = (c: string) => f.columns.find((s) => s.column === c)!.score;
  const pair = (a: string, b: string) =>
    f.pairs.find((p) => p.column_1 === a && p.column_2 === b)!.score;
  const got: Record<string, number> = {
    ks_x: shape("x"),
    ks_y: shape("y"),
    tv_c: shape("c"),
    tv_d: shape("d"),
    corr_xy: pair("x", "y"),
    cont_cx: pair("c", "x"),
    cont_cd: pair("c", "d"),
  };
  for (const k of Object.keys(want)) {
    assert.ok(Math.abs(got[k] - want[k]) < 1e-12, `${k}: sdp ${got[k]}, python ${want[k]}`);
  }
  assert.ok(Math.abs(f.score - (f.column_shapes + f.column_pair_trends) / 2) < 1e-15);
});
