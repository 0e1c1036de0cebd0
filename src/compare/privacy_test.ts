import assert from "node:assert/strict";
import { Rng } from "../rng/mod.ts";
import { python } from "../../tests/helpers/python.ts";
import { dcr, exactCopies, gowerDistance, gowerScales, quantile } from "./privacy.ts";
import { planColumns, tableFrom } from "./table.ts";

const PLANS = () =>
  planColumns([
    { name: "a", kind: "numerical" },
    { name: "b", kind: "categorical" },
    { name: "t", kind: "datetime" },
  ]);

Deno.test("gowerDistance: worked values (scaled numbers, mismatch, nulls)", () => {
  const plans = PLANS();
  const train = tableFrom(plans, { a: [0, 10, 5], b: ["x", "y", null], t: [0, 100, 50] });
  const scales = gowerScales(train);
  const cases: { row: [number | null, string | null, number | null]; k: number; d: number }[] = [
    { row: [0, "x", 0], k: 0, d: 0 },
    // |5-0|/10 = .5, mismatch 1, |100-0|/100 = 1 -> 2.5 / 3
    { row: [5, "y", 100], k: 0, d: 2.5 / 3 },
    // beyond the range: clipped at 1; null vs null 0; value vs null 1
    { row: [30, null, null], k: 2, d: (1 + 0 + 1) / 3 },
  ];
  for (const c of cases) {
    const q = tableFrom(plans, { a: [c.row[0]], b: [c.row[1]], t: [c.row[2]] });
    assert.ok(Math.abs(gowerDistance(q, 0, train, c.k, scales) - c.d) < 1e-15, JSON.stringify(c));
  }
});

Deno.test("exactCopies: all columns must match, null equals null", () => {
  const plans = PLANS();
  const train = tableFrom(plans, { a: [1, 2], b: ["x", null], t: [5, 6] });
  const syn = tableFrom(plans, { a: [1, 2, 1, 2], b: ["x", null, "y", null], t: [5, 6, 5, 7] });
  assert.equal(exactCopies(train, syn), 2);
});

Deno.test("quantile: numpy's linear interpolation", () => {
  assert.equal(quantile(Float64Array.of(1, 2, 3, 4), 0.5), 2.5);
  assert.equal(quantile(Float64Array.of(0, 10), 0.05), 0.5);
});

const BRUTE = `
import json, sys
import numpy as np
inp = json.load(sys.stdin)
def mat(t): return np.array([[np.nan if v is None else v for v in t[c]] for c in ["a", "b", "t"]], dtype=float).T
T, H, S = mat(inp["train"]), mat(inp["hold"]), mat(inp["syn"])
lo, hi = np.nanmin(T, axis=0), np.nanmax(T, axis=0)
def dist(q, R):
    d = np.zeros(len(R))
    for j in range(3):
        x, y = q[j], R[:, j]
        if j == 1: dj = (x != y).astype(float)
        else: dj = np.minimum(1, np.abs(x - y) / (hi[j] - lo[j]))
        both = np.isnan(x) & np.isnan(y); one = np.isnan(x) ^ np.isnan(y)
        dj = np.where(both, 0, np.where(one, 1, dj))
        d += dj
    return d.min() / 3
dt = np.array([dist(q, T) for q in S]); dh = np.array([dist(q, H) for q in S])
share = np.mean(np.where(dt < dh, 1, np.where(dt == dh, 0.5, 0)))
print(json.dumps({"share": share, "med_t": float(np.median(dt)), "med_h": float(np.median(dh)),
  "p05_t": float(np.quantile(dt, 0.05)), "zero": float(np.mean(dt == 0))}))
`;

Deno.test("dcr agrees with a brute-force numpy computation", async () => {
  const rng = new Rng(Uint32Array.of(9, 8, 7, 6));
  const make = (n: number) => {
    const a: (number | null)[] = [];
    const b: (number | null)[] = [];
    const t: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      a.push(rng.nextFloat() < 0.1 ? null : Math.round(rng.nextFloat() * 20));
      b.push(rng.nextFloat() < 0.1 ? null : Math.floor(rng.nextFloat() * 3));
      t.push(Math.round(rng.nextFloat() * 1e6));
    }
    return { a, b, t };
  };
  const train = make(300);
  const hold = make(300);
  const syn = make(200);
  // Categorical codes are sent as numbers so python compares them as numbers.
  const want = await python<Record<string, number>>(["numpy"], BRUTE, { train, hold, syn });
  if (want === null) return;
  const plans = PLANS();
  const asText = (d: typeof train) => ({ ...d, b: d.b.map((x) => (x === null ? null : `c${x}`)) });
  const T = tableFrom(plans, asText(train));
  const r = dcr(T, tableFrom(plans, asText(hold)), tableFrom(plans, asText(syn)), gowerScales(T));
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) < 1e-12, `${what}: sdp ${a}, numpy ${b}`);
  close(r.closer_to_training_share, want.share, "share");
  close(r.median_to_training, want.med_t, "median to training");
  close(r.median_to_holdout, want.med_h, "median to holdout");
  close(r.p05_to_training, want.p05_t, "p05 to training");
  close(r.zero_distance_share, want.zero, "zero-distance share");
});
