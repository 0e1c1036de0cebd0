import assert from "node:assert/strict";
import {
  DistinctCounter,
  hashNumber,
  hashString,
  HLL_RELATIVE_STANDARD_ERROR,
  HyperLogLog,
  registersOf,
} from "./hll.ts";
import { sortedFloat64 } from "./sort.ts";
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

Deno.test("radix sort orders like the built-in sort (negatives, zeros, ties, extremes)", () => {
  const cases: number[][] = [
    [],
    [3, -1, 2],
    Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 5000) - 2500.5),
    Array.from({ length: 3000 }, (_, i) => (i % 7) * 1e300 - 3e300),
    Array.from(
      { length: 4096 },
      (_, i) => [0, -Number.MIN_VALUE, Number.MIN_VALUE, -1e-310][i % 4],
    ),
    Array.from({ length: 1000 }, () => 42),
    Array.from({ length: 2000 }, (_, i) => Math.sin(i) * 10 ** (i % 30 - 15)),
  ];
  for (const c of cases) {
    const a = Float64Array.from(c);
    assert.deepEqual(Array.from(sortedFloat64(a)), Array.from(a.slice().sort()));
  }
  // Only the first n values are sorted.
  assert.deepEqual(Array.from(sortedFloat64(Float64Array.from([5, 1, 3, -9]), 3)), [1, 3, 5]);
});

Deno.test("typed-array HyperLogLog registers equal value-by-value hashing", () => {
  const values = Float64Array.from({ length: 20000 }, (_, i) => (i % 2 ? -1 : 1) * i * 0.37);
  const one = new HyperLogLog();
  for (const v of values) {
    const [lo, hi] = hashNumber(v);
    one.addHash(lo, hi);
  }
  assert.deepEqual(registersOf(values), one.registers);
});

Deno.test("addSorted equals adding ascending values one by one; merged sketches keep the bound", () => {
  const n = 50_000;
  const sorted = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 3));
  const a = new QuantileSketch(64);
  for (const v of sorted) a.add(v);
  const b = new QuantileSketch(64);
  b.addSorted(sorted);
  assert.deepEqual(b.state(), a.state());
  assert.throws(() => b.addSorted(sorted), /empty sketch/);
  // Merge two halves: weights still sum to n and ranks stay within the bound.
  const m = new QuantileSketch(64);
  m.addSorted(sorted.slice(0, n / 2));
  const other = new QuantileSketch(64);
  other.addSorted(sorted.slice(n / 2));
  m.merge(other.state());
  assert.equal(m.n, n);
  const { values, weights } = m.items();
  assert.equal(weights.reduce((x, y) => x + y, 0), n);
  let rank = 0;
  for (let i = 0; i < values.length; i++) {
    rank += weights[i];
    // True rank of values[i] (count of values <= it) is 3 * (v + 1).
    assert.ok(Math.abs(rank - 3 * (values[i] + 1)) <= m.rankErrorBound * n + 3);
  }
});
