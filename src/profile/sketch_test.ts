import assert from "node:assert/strict";
import {
  DistinctCounter,
  hashNumber,
  hashString,
  HLL_RELATIVE_STANDARD_ERROR,
  HyperLogLog,
  registersOf,
} from "./hll.ts";
import { countingSort, gridSorted, sortedFloat64, sortRunsInPlace } from "./sort.ts";
import { QuantileSketch, sortedSketchState } from "./kll.ts";
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

/** Deterministic xorshift32 uniforms in (0, 1) for the sort tables. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 2 ** 32;
  };
}

/** sortedFloat64(values, n, into) equals the built-in sort of the first n values. */
function assertSortsLikeBuiltin(name: string, values: Float64Array, n = values.length): void {
  const want = values.slice(0, n).sort();
  const before = values.slice();
  for (const into of [undefined, new Float64Array(n + 3)]) {
    const got = sortedFloat64(values, n, into);
    assert.equal(got.length, n, name);
    if (into) {
      // A view of `into`, from its start.
      assert.equal(got.buffer, into.buffer, name);
      assert.equal(got.byteOffset, into.byteOffset, name);
    }
    for (let i = 0; i < n; i++) {
      if (!Object.is(got[i], want[i])) assert.fail(`${name}: [${i}] ${got[i]} != ${want[i]}`);
    }
    assert.deepEqual(values, before, `${name}: input changed`);
  }
}

Deno.test("sortedFloat64 equals the built-in sort on every path", () => {
  const N = 65_536;
  const u = xorshift(12345);
  const gen = (n: number, f: (i: number) => number) =>
    Float64Array.from({ length: n }, (_, i) => f(i));
  const cases: [string, Float64Array, number?][] = [
    // Grid of whole numbers: counting sort (span under half the length).
    ["ids 100000..104999", gen(N, () => 100_000 + Math.floor(u() * 5000))],
    ["counts 0..30", gen(N, () => Math.floor(u() * 31))],
    ["one value", gen(1000, () => 7)],
    ["negative integers", gen(N, () => Math.floor(u() * 20_001) - 10_000)],
    ["all negative integers", gen(N, () => -1e9 - Math.floor(u() * 1000))],
    // Whole numbers by radix: one, two and three digits.
    ["integers, span ~ length", gen(5000, () => Math.floor(u() * 6000))],
    ["integers span 2^20", gen(N, () => Math.floor(u() * 2 ** 20) - 2 ** 19)],
    [
      "integers span 2^32 - 1",
      gen(N, (i) => i === 0 ? 0 : i === 1 ? 2 ** 32 - 1 : Math.floor(u() * 2 ** 32)),
    ],
    [
      "large integers span 2^32 - 1",
      gen(N, (i) => 2 ** 50 + (i < 2 ? i * (2 ** 32 - 1) : Math.floor(u() * 2 ** 32))),
    ],
    // Spans of 2^32 and more: not whole-number keys (thousands or IEEE bits).
    [
      "integers span 2^32",
      gen(N, (i) => i === 0 ? 0 : i === 1 ? 2 ** 32 : Math.floor(u() * 2 ** 32)),
    ],
    ["integers span 2^40", gen(N, () => Math.floor(u() * 2 ** 40) - 2 ** 39)],
    ["integers near 2^53", gen(N, () => 2 ** 53 - Math.floor(u() * 2 ** 40))],
    // Whole thousands: epoch ms of whole seconds over more than 2^32 ms.
    ["timestamps", gen(N, () => 1_700_000_000_000 + Math.floor(u() * 35_000_000) * 1000)],
    ["negative thousands", gen(N, () => (Math.floor(u() * 2e7) - 1e7) * 1000)],
    ["timestamps over ten years", gen(N, () => 1.5e12 + Math.floor(u() * 315_360_000) * 1000)],
    // Spanning under 2^32: keyed as whole numbers.
    ["thousands, narrow", gen(N, () => 1_700_000_000_000 + Math.floor(u() * 1000) * 1000)],
    // Hundredths and tenths as Math.round(x * 10^d) / 10^d makes them.
    ["amounts", gen(N, () => Math.round((0.01 + u() * 9999.99) * 100) / 100)],
    ["amounts, few", gen(N, () => Math.round(u() * 1000) / 100)],
    ["negative amounts", gen(N, () => Math.round((u() - 0.5) * 2e6) / 100)],
    ["tenths", gen(N, () => Math.round(u() * 5e5) / 10)],
    // Off the grids: the last value, or every value.
    ["integers then one half", gen(N, (i) => i === N - 1 ? 0.5 : Math.floor(u() * 100))],
    ["wide integers then one half", gen(N, (i) => i === N - 1 ? 0.5 : Math.floor(u() * 1e6))],
    ["integers then a third", gen(N, (i) => i === N - 1 ? 1 / 3 : Math.floor(u() * 100))],
    ["amounts then a third", gen(N, (i) => i === N - 1 ? 1 / 3 : Math.round(u() * 1e6) / 100)],
    // Counts left clean by the failed attempts above.
    ["counts again", gen(N, () => Math.floor(u() * 31))],
    ["sums of hundredths", gen(N, () => Math.round(u() * 1e4) / 100 + 0.07)],
    // General doubles: window then insertion sort.
    ["uniform doubles", gen(N, () => u() * 10_000)],
    ["gamma doubles", gen(N, () => -30 * (Math.log(u()) + Math.log(u())))],
    ["mixed signs", gen(N, () => (u() - 0.5) * 2e6)],
    ["tiny to huge", gen(N, (i) => (i % 2 ? -1 : 1) * 10 ** (u() * 600 - 300))],
    ["repeated doubles", gen(N, () => Math.floor(u() * 100) / 3)],
    // Concentrated doubles: whole-key radix (too few varying high bits, long
    // runs seen in the sample, or runs the sample misses: every 64th value is
    // spread, the rest clustered).
    ["narrow doubles", gen(N, () => 1 + u() * 1e-9)],
    ["zeros and a cluster", gen(N, (i) => i % 10 === 0 ? 0 : 1e9 + u() * 1e7)],
    ["clusters the sample misses", gen(N, (i) => i % 64 === 0 ? u() * 1e12 : 1e9 + u() * 1e6)],
    [
      "extremes",
      gen(N, (i) => [-Number.MAX_VALUE, Number.MAX_VALUE, -Number.MIN_VALUE, 0][i % 4] * u()),
    ],
    // Already in order, or nearly.
    ["sorted sequence", gen(N, (i) => 1_000_000 + i)],
    ["sorted doubles", gen(N, (i) => i / 7)],
    ["sorted then one out of order", gen(N, (i) => i === N - 1 ? -1 : i)],
    ["descending", gen(N, (i) => N - i)],
    // At and just over the built-in sort cutoff.
    ["256 doubles", gen(256, () => u() - 0.5)],
    ["257 doubles", gen(257, () => u() - 0.5)],
    ["257 integers", gen(257, () => Math.floor(u() * 50))],
    ["300 timestamps", gen(300, () => 1_700_000_000_000 + Math.floor(u() * 35_000_000) * 1000)],
    ["1000 doubles", gen(1000, () => u() * 100)],
    // Only the first n values: what follows (even NaN) is ignored.
    ["prefix of integers", gen(N, (i) => i >= 40_000 ? NaN : Math.floor(u() * 300)), 40_000],
    ["prefix of doubles", gen(N, (i) => i >= 40_000 ? -Infinity : u() * 3), 40_000],
    ["prefix of amounts", gen(N, (i) => i >= 100 ? 1e300 : Math.round(u() * 1e5) / 100), 100],
    ["empty prefix", gen(10, () => u()), 0],
  ];
  for (const [name, values, n] of cases) assertSortsLikeBuiltin(name, values, n);
});

Deno.test("sortedFloat64 into the input itself sorts in place", () => {
  const u = xorshift(99);
  for (
    const f of [
      () => Math.floor(u() * 100),
      () => Math.floor(u() * 1e6),
      () => Math.round(u() * 1e6) / 100,
      () => u() * 1e4,
      () => 1 + u() * 1e-9,
    ]
  ) {
    const a = Float64Array.from({ length: 20_000 }, f);
    const want = a.slice(0, 15_000).sort();
    const got = sortedFloat64(a, 15_000, a);
    assert.equal(got.buffer, a.buffer);
    assert.deepEqual(Array.from(got), Array.from(want));
  }
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

Deno.test("sortedSketchState equals addSorted + state() (level by level = item by item)", () => {
  const cases: Array<[number, number]> = [
    // [values, k]
    [0, 8],
    [1, 8],
    [7, 8],
    [8, 8],
    [9, 8],
    [64, 8],
    [65, 8],
    [1000, 8],
    [1000, 2],
    [65536, 4096],
    [65535, 4096],
    [100003, 4096],
    [4095, 4096],
  ];
  for (const [n, k] of cases) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = i * 0.5 - 7;
    const s = new QuantileSketch(k);
    s.addSorted(v);
    assert.deepEqual(sortedSketchState(v, k), s.state(), `n=${n} k=${k}`);
  }
});

Deno.test("countingSort: the sorted order, distinct values and runs of the radix path, or -1", () => {
  const N = 65_536;
  const u = xorshift(777);
  const gen = (n: number, f: (i: number) => number) =>
    Float64Array.from({ length: n }, (_, i) => f(i));
  const extremes = (a: Float64Array, n: number) => {
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < n; i++) {
      min = Math.min(min, a[i]);
      max = Math.max(max, a[i]);
    }
    return { min, max };
  };
  const counted: [string, Float64Array][] = [
    ["ids 100000..104999", gen(N, () => 100_000 + Math.floor(u() * 5000))],
    ["counts 0..30, skewed", gen(N, () => Math.floor(30 * u() ** 3))],
    ["negative -500..500", gen(N, () => Math.floor(u() * 1001) - 500)],
    ["one value", gen(N, () => 7)],
    ["span exactly n/2", gen(1000, (i) => i % 500)],
  ];
  for (const [name, a] of counted) {
    const n = a.length;
    const out = {
      into: new Float64Array(n),
      distinct: new Float64Array(n),
      runs: new Float64Array(n),
    };
    const k = countingSort(a, n, extremes(a, n), out);
    const want = a.slice().sort();
    assert.deepEqual(Array.from(out.into), Array.from(want), name);
    const d: number[] = [], r: number[] = [];
    for (const v of want) {
      if (d.length > 0 && d[d.length - 1] === v) r[r.length - 1]++;
      else d.push(v), r.push(1);
    }
    assert.equal(k, d.length, name);
    assert.deepEqual(Array.from(out.distinct.subarray(0, k)), d, name);
    assert.deepEqual(Array.from(out.runs.subarray(0, k)), r, name);
  }
  const refused: [string, Float64Array][] = [
    ["one fraction", gen(N, (i) => (i === 4000 ? 2.5 : i % 100))],
    ["span over n/2", gen(1000, (i) => i % 501)],
    ["short", gen(100, (i) => i % 3)],
    ["sequence", gen(N, (i) => i)],
  ];
  for (const [name, a] of refused) {
    const out = {
      into: new Float64Array(a.length),
      distinct: new Float64Array(a.length),
      runs: new Float64Array(a.length),
    };
    assert.equal(countingSort(a, a.length, extremes(a, a.length), out), -1, name);
    assert.ok(out.into.every((x) => x === 0), `${name}: nothing written`);
  }
});

Deno.test("sortRunsInPlace sorts like the built-in sort, from one run to many", () => {
  const u = xorshift(99);
  for (const runs of [1, 2, 3, 5, 16, 17, 40]) {
    for (const n of [0, 1, 7, 4096]) {
      // `runs` ascending runs of random lengths, with ties across runs.
      const cuts = Array.from({ length: runs - 1 }, () => Math.floor(u() * n)).sort((a, b) =>
        a - b
      );
      const a = new Float64Array(n);
      let start = 0;
      for (const end of [...cuts, n]) {
        const run = Float64Array.from({ length: end - start }, () => Math.floor(u() * 50) - 25)
          .sort();
        a.set(run, start);
        start = end;
      }
      const want = a.slice().sort();
      sortRunsInPlace(a);
      assert.deepEqual(Array.from(a), Array.from(want), `${runs} runs, n ${n}`);
    }
  }
});

Deno.test("gridSorted: the same doubles as the built-in sort on decimal grids, else null", () => {
  const N = 65_536;
  const u = xorshift(4242);
  const gen = (n: number, f: (i: number) => number) =>
    Float64Array.from({ length: n }, (_, i) => f(i));
  const bounds = (a: Float64Array) => {
    let min = Infinity, max = -Infinity;
    for (const v of a) (min = Math.min(min, v)), (max = Math.max(max, v));
    return { min, max };
  };
  const cents = (x: number) => Math.round(x * 100) / 100;
  const sorted: [string, Float64Array][] = [
    ["amounts, 2 decimals", gen(N, () => cents(Math.exp(3 + 2 * u())))],
    ["distances, 1 decimal, with 0", gen(N, (i) => i % 97 === 0 ? 0 : Math.round(u() * 2e5) / 10)],
    ["negative cents", gen(N, () => cents(u() * 2000 - 1000))],
    ["ids over a wide range", gen(N, () => Math.floor(u() * 4e9))],
    ["4 decimals", gen(N, () => Math.round(u() * 1e8) / 1e4)],
    ["large offset, whole", gen(N, () => 1e15 + Math.floor(u() * 1e6))],
    ["ascending cents", gen(N, (i) => i / 100)],
    ["whole seconds of 2024", gen(N, () => 1704067200000 + 1000 * Math.floor(u() * 31_622_400))],
    ["whole days", gen(N, () => 86_400_000 * Math.floor(u() * 20_000))],
    ["ms over a minute", gen(N, () => 1.7e12 + Math.floor(u() * 60_000))],
  ];
  for (const [name, a] of sorted) {
    const into = new Float64Array(N + 5);
    const got = gridSorted(a, N, bounds(a), into);
    assert.ok(got !== null, `${name}: on a grid`);
    assert.equal(got.buffer, into.buffer);
    const want = a.slice().sort();
    for (let i = 0; i < N; i++) {
      if (!Object.is(got[i], want[i])) assert.fail(`${name}: [${i}] ${got[i]} != ${want[i]}`);
    }
  }
  const refused: [string, Float64Array][] = [
    ["raw doubles", gen(N, () => Math.exp(3 + 2 * u()))],
    ["one value off the grid", gen(N, (i) => (i === 40_000 ? 1.005 : cents(u() * 50)))],
    ["5 decimals", gen(N, () => Math.round(u() * 1e9) / 1e5)],
    ["span beyond 2^32 steps", gen(N, (i) => (i === 7 ? 2 ** 33 : Math.floor(u() * 1000)))],
    ["ms over a year", gen(N, () => 1.7e12 + Math.floor(u() * 3.1e10))],
    ["short", gen(100, () => cents(u()))],
  ];
  for (const [name, a] of refused) {
    assert.equal(gridSorted(a, a.length, bounds(a), new Float64Array(a.length)), null, name);
  }
});
