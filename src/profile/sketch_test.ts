import assert from "node:assert/strict";
import { DistinctCounter, hashNumber, hashString, HLL_RELATIVE_STANDARD_ERROR } from "./hll.ts";
import { QuantileSketch } from "./kll.ts";
import { quantilesOf, supportOf } from "./summary.ts";

Deno.test("quantile sketch: weights sum to n, error within the stated bound, deterministic", () => {
  const n = 20_000;
  const build = (): QuantileSketch => {
    const s = new QuantileSketch(64);
    for (let i = 0; i < n; i++) s.add((i * 7919) % n);
    return s;
  };
  const a = build();
  const items = a.items();
  assert.equal(items.weights.reduce((x, y) => x + y, 0), n);
  const bound = a.rankErrorBound;
  assert.ok(bound > 0 && bound < 0.2);
  // Rank of every retained value vs its true rank (values are 0..n-1).
  let cum = 0;
  for (let i = 0; i < items.values.length; i++) {
    cum += items.weights[i];
    assert.ok(Math.abs(cum - (items.values[i] + 1)) <= bound * n + 1);
  }
  const b = build().items();
  assert.deepEqual(Array.from(b.values), Array.from(items.values));
  const q = quantilesOf(items);
  assert.equal(q.length, 101);
});

Deno.test("hashes are deterministic and -0 equals 0", () => {
  assert.deepEqual(hashString("abc"), hashString("abc"));
  assert.notDeepEqual(hashString("abc"), hashString("abd"));
  assert.deepEqual(hashNumber(-0), hashNumber(0));
  assert.notDeepEqual(hashNumber(1), hashNumber(2));
});

Deno.test("distinct counter: exact below the limit, HyperLogLog within 4 sigma above", () => {
  const exact = new DistinctCounter(1000);
  for (let i = 0; i < 900; i++) exact.add(`v${i % 300}`);
  assert.equal(exact.count(), 300);
  assert.equal(exact.exact, true);
  const n = 200_000;
  const approx = new DistinctCounter(1000);
  for (let i = 0; i < n; i++) approx.add(i);
  assert.equal(approx.exact, false);
  const rel = Math.abs(approx.count() - n) / n;
  assert.ok(rel < 4 * HLL_RELATIVE_STANDARD_ERROR, `relative error ${rel}`);
  const s = new DistinctCounter(1000);
  for (let i = 0; i < 50_000; i++) s.add(`user-${i}`);
  assert.ok(Math.abs(s.count() - 50_000) / 50_000 < 4 * HLL_RELATIVE_STANDARD_ERROR);
});

Deno.test("support: exact counts when few distinct, rank groups otherwise", () => {
  const values = Float64Array.from([1, 1, 2, 3, 3, 3]);
  assert.deepEqual(supportOf({ values, weights: null }, true), {
    values: [1, 2, 3],
    counts: [2, 1, 3],
    exact: true,
    compressed: false,
  });
  const many = Float64Array.from({ length: 10 }, (_, i) => i);
  const s = supportOf({ values: many, weights: null }, true, 4);
  // ranks [0,2) [2,5) [5,7) [7,10): middle ranks 0, 3, 5, 8.
  assert.deepEqual(s, {
    values: [0, 3, 5, 8],
    counts: [2, 3, 2, 3],
    exact: false,
    compressed: true,
  });
});
