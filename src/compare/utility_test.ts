import assert from "node:assert/strict";
import { Rng } from "../rng/mod.ts";
import { python } from "../../tests/helpers/python.ts";
import { planColumns, tableFrom } from "./table.ts";
import { designOf, fitLogistic, rocAuc, targetLabels, trainAndTest } from "./utility.ts";

Deno.test("rocAuc: worked values, ties count ½, one class gives NaN", () => {
  const cases: { s: number[]; y: number[]; auc: number }[] = [
    { s: [0.1, 0.4, 0.35, 0.8], y: [0, 0, 1, 1], auc: 0.75 },
    { s: [1, 1, 1, 1], y: [0, 1, 0, 1], auc: 0.5 },
    { s: [3, 2, 1], y: [0, 1, 1], auc: 0 },
  ];
  for (const c of cases) {
    assert.equal(rocAuc(Float64Array.from(c.s), Uint8Array.from(c.y)), c.auc, JSON.stringify(c));
  }
  assert.ok(Number.isNaN(rocAuc(Float64Array.of(1, 2), Uint8Array.of(1, 1))));
});

function dataset(n: number, seed: number) {
  const rng = new Rng(Uint32Array.of(seed, 11, 12, 13));
  const x: (number | null)[] = [];
  const c: (string | null)[] = [];
  const when: number[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.nextFloat() * 4 - 2;
    const cat = ["red", "green", "blue"][Math.floor(rng.nextFloat() * 3)];
    const t = 1.6e12 + rng.nextFloat() * 1e10;
    const z = 1.2 * u + (cat === "red" ? 1 : 0) + (t - 1.605e12) / 5e9 + (rng.nextFloat() * 2 - 1);
    x.push(rng.nextFloat() < 0.05 ? null : u);
    c.push(rng.nextFloat() < 0.05 ? null : cat);
    when.push(t);
    y.push(z > 0.3 ? "yes" : "no");
  }
  return { x, c, when, y };
}

const PLANS = () =>
  planColumns([
    { name: "c", kind: "categorical" },
    { name: "when", kind: "datetime" },
    { name: "x", kind: "numerical" },
    { name: "y", kind: "categorical" },
  ]);

const SKLEARN = `
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
inp = json.load(sys.stdin)
X = np.array(inp["X"]); y = np.array(inp["y"])
m = LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12, max_iter=1000).fit(X, y)
s = np.array(inp["scores"]); lab = np.array(inp["labels"])
print(json.dumps({"coef": m.coef_[0].tolist(), "intercept": float(m.intercept_[0]),
  "auc": float(roc_auc_score(lab, s))}))
`;

Deno.test("logistic regression and AUC agree with scikit-learn (same features, C = 1)", async () => {
  const plans = PLANS();
  const train = tableFrom(plans, dataset(800, 1));
  const labels = targetLabels([train], "y");
  const { design, y } = designOf(train, "y", labels);
  const dense: number[][] = [];
  for (let i = 0; i < design.rows; i++) {
    const row = new Array<number>(design.width).fill(0);
    for (let k = design.starts[i]; k < design.starts[i + 1]; k++) {
      row[design.index[k]] = design.value[k];
    }
    dense.push(row);
  }
  const model = fitLogistic(design, Uint8Array.from(y));
  assert.ok(model.converged, "L-BFGS converged");
  const rng = new Rng(Uint32Array.of(5, 5, 5, 5));
  const scores = Array.from({ length: 300 }, () => Math.round(rng.nextFloat() * 20));
  const marks = scores.map((s) => (rng.nextFloat() < s / 25 ? 1 : 0));
  const want = await python<{ coef: number[]; intercept: number; auc: number }>(
    ["numpy", "sklearn"],
    SKLEARN,
    { X: dense, y: Array.from(y), scores, labels: marks },
  );
  if (want === null) return;
  const maxDiff = Math.max(
    ...want.coef.map((w, j) => Math.abs(w - model.weights[j])),
    Math.abs(want.intercept - model.intercept),
  );
  // sklearn's default lbfgs stops at a gradient of ~2e-3 here; newton-cg reaches the optimum.
  assert.ok(maxDiff < 1e-6, `coefficients differ by up to ${maxDiff}`);
  const auc = rocAuc(Float64Array.from(scores), Uint8Array.from(marks));
  assert.ok(Math.abs(auc - want.auc) < 1e-12, `auc sdp ${auc}, sklearn ${want.auc}`);
});

Deno.test("trainAndTest: signal is learned, unrelated labels are not; multi-class uses macro OvR", () => {
  const plans = PLANS();
  const train = tableFrom(plans, dataset(1500, 2));
  const test = tableFrom(plans, dataset(600, 3));
  const labels = targetLabels([train, test], "y");
  const good = trainAndTest(train, test, "y", labels);
  assert.ok(good.auc > 0.85, `auc ${good.auc}`);
  const noise = dataset(1500, 2);
  noise.y = dataset(1500, 99).y;
  const bad = trainAndTest(tableFrom(plans, noise), test, "y", labels);
  // A model of noise points in a random direction: on a test set with strong signal its AUC
  // is not near ½ but anywhere around it; it is far below the model that learned the signal.
  assert.ok(bad.auc < good.auc - 0.15, `noise auc ${bad.auc}, signal ${good.auc}`);
  const multi = trainAndTest(train, test, "c", targetLabels([train, test], "c"));
  assert.equal(multi.iterations.length, 3, "one model per class");
  assert.ok(multi.auc > 0.5 && multi.auc <= 1);
});
