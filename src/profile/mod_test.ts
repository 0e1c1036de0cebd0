import assert from "node:assert/strict";
import {
  type ChunkProfile,
  ChunkProfiler,
  type DatasetProfile,
  EXACT_QUANTILE_LIMIT,
  parseProfile,
  partProblems,
  Profiler,
  serializeProfile,
  SUPPORT_ATOMS,
} from "./mod.ts";
import { IntegrityError } from "../errors.ts";
import type { NumericPart } from "./partial.ts";
import {
  chunksOf,
  declarations,
  type PlainColumn,
  withCodes,
} from "../../tests/helpers/profile.ts";

function profileOf(columns: Record<string, PlainColumn>, chunkRows = 4): DatasetProfile {
  const p = new Profiler(declarations(columns));
  for (const c of chunksOf(columns, chunkRows)) p.add(c);
  return p.finish();
}

Deno.test("Welford mean and population std on a hand-worked case", () => {
  // [2,4,4,4,5,5,7,9]: mean 5, squared deviations sum 32, population variance 4.
  const p = profileOf({ x: { type: "float", values: [2, 4, 4, 4, 5, 5, 7, 9] } }, 3);
  const n = p.columns.x.numeric!;
  assert.equal(n.mean, 5);
  assert.equal(n.std, 2);
  assert.equal(n.min, 2);
  assert.equal(n.max, 9);
  assert.equal(n.count, 8);
  assert.equal(p.columns.x.distinct.count, 5);
});

Deno.test("Welford stays accurate with a large offset (catastrophic cancellation case)", () => {
  const base = 1e9;
  const values = [4, 7, 13, 16].map((v) => base + v); // variance of [4,7,13,16] = 22.5
  const n = profileOf({ x: { type: "float", values } }).columns.x.numeric!;
  assert.ok(Math.abs(n.std - Math.sqrt(22.5)) < 1e-6);
  assert.equal(n.mean, base + 10);
});

Deno.test("exact quantiles follow numpy type 7 (linear)", () => {
  // numpy.percentile([1,2,3,4], [0,25,50,75,100]) = [1, 1.75, 2.5, 3.25, 4]
  const q = profileOf({ x: { type: "integer", values: [4, 1, 3, 2] } }).columns.x.numeric!
    .quantiles;
  assert.equal(q.method, "exact");
  assert.equal(q.rank_error_bound, 0);
  assert.equal(q.values.length, 101);
  assert.deepEqual([q.values[0], q.values[25], q.values[50], q.values[75], q.values[100]], [
    1,
    1.75,
    2.5,
    3.25,
    4,
  ]);
  // With ties: numpy.percentile([1,1,1,5], 50) = 1.0, 90 -> 3.8
  const t = profileOf({ x: { type: "integer", values: [1, 5, 1, 1] } }).columns.x.numeric!
    .quantiles;
  assert.equal(t.values[50], 1);
  assert.ok(Math.abs(t.values[90] - 3.8) < 1e-12);
});

Deno.test("nulls, all-null and constant columns", () => {
  const p = profileOf({
    a: { type: "float", values: [null, null, null] },
    c: { type: "integer", values: [7, 7, 7] },
    s: { type: "string", values: [null, null, null] },
    x: { type: "float", values: [1, null, 3] },
  });
  assert.equal(p.rows, 3);
  assert.equal(p.columns.a.nulls, 3);
  assert.equal(p.columns.a.numeric, null);
  assert.equal(p.columns.a.distinct.count, 0);
  assert.deepEqual(p.columns.s.categorical, {
    method: "exact",
    max_undercount: 0,
    top: [],
    other: 0,
  });
  const c = p.columns.c.numeric!;
  assert.equal(c.std, 0);
  assert.deepEqual(c.histogram, { edges: [7, 7], counts: [3], exact: true });
  assert.deepEqual(c.support, { values: [7], counts: [3], exact: true, cdf_error_bound: 0 });
  assert.equal(p.columns.x.nulls, 1);
  assert.equal(p.columns.x.numeric!.mean, 2);
});

Deno.test("histogram: equal width, last bin closed", () => {
  const values = Array.from({ length: 21 }, (_, i) => i); // 0..20, width 1 bins
  const h = profileOf({ x: { type: "integer", values } }).columns.x.numeric!.histogram;
  assert.equal(h.edges.length, 21);
  assert.equal(h.edges[0], 0);
  assert.equal(h.edges[20], 20);
  assert.deepEqual(h.counts, [...new Array(19).fill(1), 2]);
});

Deno.test("categories sorted by count then code-unit value; booleans keep empty categories", () => {
  const p = profileOf({
    b: { type: "boolean", values: [true, true, null, true, true, true, null] },
    s: { type: "string", values: ["b", "a", "B", "a", "b", "c", null] },
  });
  assert.deepEqual(
    p.columns.s.categorical!.top,
    [
      { value: "a", count: 2 },
      { value: "b", count: 2 },
      { value: "B", count: 1 },
      { value: "c", count: 1 },
    ].sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : 1)),
  );
  assert.equal(p.columns.s.categorical!.top[2].value, "B"); // "B" < "c" in code units
  assert.deepEqual(p.columns.b.categorical!.top, [
    { value: "true", count: 5 },
    { value: "false", count: 0 },
  ]);
  assert.equal(p.columns.b.distinct.count, 1);
  assert.equal(p.columns.s.distinct.count, 4);
});

Deno.test("correlations: perfect, inverse, pairwise-complete and constant", () => {
  const x = [1, 2, 3, 4, 5, null];
  const p = profileOf({
    c: { type: "float", values: [3, 3, 3, 3, 3, 3] },
    x: { type: "float", values: x },
    y: { type: "float", values: [3, 5, 7, 9, 11, 100] },
    z: { type: "datetime", values: [50, 40, 30, 20, 10, 0] },
  }, 4);
  const cor = p.correlations;
  assert.deepEqual(cor.columns, ["c", "x", "y", "z"]);
  const m = cor.matrix;
  assert.equal(m[0][0], null); // constant column has no correlation
  assert.equal(m[0][1], null);
  assert.ok(Math.abs((m[1][2] as number) - 1) < 1e-12);
  assert.ok(Math.abs((m[1][3] as number) + 1) < 1e-12);
  assert.equal(cor.counts[1][2], 5);
  assert.equal(cor.counts[2][3], 6);
  assert.equal(m[2][1], m[1][2]);
});

function pseudoRandom(n: number, seed: number): number[] {
  // Deterministic LCG values for tests (no Math.random).
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.round((s / 2 ** 32) * 1e6) / 100);
  }
  return out;
}

/** A profile with its floating-point moments rounded (they are merged per chunk). */
function roundedMoments(p: DatasetProfile): string {
  const round = (v: unknown) => typeof v === "number" ? Number(v.toPrecision(12)) : v;
  // Misra-Gries summaries depend on how they were merged (their bound does not).
  const q = structuredClone(p);
  for (const c of Object.values(q.columns)) {
    if (c.categorical?.method === "misra-gries") c.categorical = null;
  }
  return JSON.stringify(
    q,
    (k, v) =>
      k === "mean" || k === "std"
        ? round(v)
        : k === "matrix"
        ? (v as unknown[][]).map((row) => row.map(round))
        : v,
  );
}

Deno.test("chunk boundaries change no order statistic and moments only in the last bits", () => {
  const n = 5000;
  const v = pseudoRandom(n, 1);
  const cols: Record<string, PlainColumn> = {
    f: { type: "float", values: v.map((x, i) => (i % 17 === 0 ? null : x)) },
    i: { type: "integer", values: v.map((x) => Math.floor(x) % 50) },
    s: { type: "string", values: v.map((x) => `k${Math.floor(x) % 1500}`) },
    b: { type: "boolean", values: v.map((x) => x > 5000) },
  };
  const a = JSON.stringify(profileOf(cols, 7));
  // Same chunking, same bytes.
  assert.equal(JSON.stringify(profileOf(cols, 7)), a);
  // Other chunkings: quantiles, histograms, supports, categories and counts are
  // identical; means, stds and correlations (merged per chunk) agree to 12 digits.
  const r = roundedMoments(profileOf(cols, 7));
  assert.equal(roundedMoments(profileOf(cols, 1024)), r);
  assert.equal(roundedMoments(profileOf(cols, n)), r);
  const p = JSON.parse(a) as DatasetProfile;
  // > SUPPORT_ATOMS distinct: compressed support with a stated error bound.
  const f = p.columns.f.numeric!;
  assert.equal(f.quantiles.method, "exact");
  assert.equal(f.support.exact, false);
  assert.ok(f.support.values.length <= SUPPORT_ATOMS);
  assert.equal(f.support.counts.reduce((x, y) => x + y, 0), f.count);
  assert.ok(f.support.cdf_error_bound > 0 && f.support.cdf_error_bound <= 0.0012);
  // Few distinct: exact support.
  assert.equal(p.columns.i.numeric!.support.exact, true);
  assert.equal(p.columns.i.numeric!.support.values.length, 50);
  // > CATEGORY_LIMIT distinct strings: Misra-Gries, exact distinct count.
  assert.equal(p.columns.s.categorical!.method, "misra-gries");
  assert.equal(p.columns.s.distinct.exact, true);
});

Deno.test("sketch mode above the exact limit: bounded rank error, exact extremes", () => {
  const n = EXACT_QUANTILE_LIMIT + 50_000;
  const values: number[] = new Array(n);
  // A permutation of 0..n-1 (stride coprime with n) so true quantiles are known.
  for (let i = 0; i < n; i++) values[i] = (i * 7919) % n;
  const p = profileOf({ x: { type: "float", values } }, 65_536);
  // Per-chunk sketches merged in chunk order: deterministic for a chunking.
  assert.equal(
    JSON.stringify(p),
    JSON.stringify(profileOf({ x: { type: "float", values } }, 65_536)),
  );
  for (const chunking of [p, profileOf({ x: { type: "float", values } }, 50_000)]) {
    const x = chunking.columns.x.numeric!;
    for (let i = 1; i < 100; i++) {
      const rankErr = Math.abs(x.quantiles.values[i] - ((n - 1) * i) / 100) / n;
      assert.ok(rankErr <= x.quantiles.rank_error_bound + 1 / n, `q${i} error ${rankErr}`);
    }
  }
  const x = p.columns.x.numeric!;
  assert.equal(x.quantiles.method, "sketch");
  assert.ok(x.quantiles.rank_error_bound > 0 && x.quantiles.rank_error_bound < 0.01);
  assert.equal(x.quantiles.values[0], 0);
  assert.equal(x.quantiles.values[100], n - 1);
  for (let i = 1; i < 100; i++) {
    const trueQ = ((n - 1) * i) / 100;
    const rankErr = Math.abs(x.quantiles.values[i] - trueQ) / n;
    assert.ok(rankErr <= x.quantiles.rank_error_bound + 1 / n, `q${i} error ${rankErr}`);
  }
  assert.equal(x.histogram.counts.reduce((a, b) => a + b, 0), n);
  assert.equal(x.histogram.exact, false);
  const d = p.columns.x.distinct;
  assert.equal(d.method, "hyperloglog");
  assert.ok(Math.abs(d.count - n) / n < 4 * d.relative_standard_error);
  assert.ok(Math.abs(x.mean - (n - 1) / 2) < 1e-6);
});

Deno.test("profiler rejects missing and mistyped columns", () => {
  const p = new Profiler([{ name: "x", type: "float" }]);
  const [chunk] = chunksOf({ x: { type: "integer", values: [1] } }, 10);
  assert.throws(() => p.add(chunk), /expected float/);
  const [other] = chunksOf({ y: { type: "float", values: [1] } }, 10);
  assert.throws(() => p.add(other), /no column "x"/);
});

Deno.test("Misra-Gries keeps heavy hitters within the stated undercount, for any chunking", () => {
  // 30% "hot", 10% "warm", the rest cold values, interleaved.
  const n = 20_000;
  const values = Array.from(
    { length: n },
    (_, i) => i % 10 < 3 ? "hot" : i % 10 === 3 ? "warm" : `cold${i % 6000}`,
  );
  for (const rows of [7, 999, 4096, n]) {
    const c = profileOf({ s: { type: "string", values } }, rows).columns.s;
    const cat = c.categorical!;
    assert.equal(cat.method, "misra-gries", `chunks of ${rows}`);
    // Mergeable summaries keep the Misra-Gries bound: n / (counters + 1).
    assert.ok(cat.max_undercount > 0 && cat.max_undercount <= n / 1001, `chunks of ${rows}`);
    assert.equal(cat.top[0].value, "hot");
    assert.equal(cat.top[1].value, "warm");
    for (const [i, trueCount] of [[0, 6000], [1, 2000]]) {
      assert.ok(cat.top[i].count <= trueCount);
      assert.ok(cat.top[i].count >= trueCount - cat.max_undercount);
    }
    assert.equal(cat.other + cat.top.reduce((a, t) => a + t.count, 0), n);
    // cold values i % 6000 only occur with i % 10 in 4..9: 3600 of them, plus hot and warm.
    assert.equal(c.distinct.count, 3602);
    assert.equal(c.distinct.exact, true);
  }
});

Deno.test("serializeProfile / parseProfile round trip; corrupt profiles are rejected", () => {
  const p = profileOf({
    s: { type: "string", values: ["a", null] },
    x: { type: "float", values: [1.5, -0] },
  });
  const text = serializeProfile(p);
  assert.ok(text.endsWith("}\n"));
  assert.deepEqual(parseProfile(text, "prior_profile.json"), JSON.parse(text));
  assert.equal(serializeProfile(parseProfile(text, "p")), text);
  assert.throws(() => parseProfile("{", "prior_profile.json"), IntegrityError);
  assert.throws(() => parseProfile('{"version":3}', "p"), /unsupported profile version/);
  const broken = JSON.parse(text);
  delete broken.columns.x.numeric.support;
  assert.throws(() => parseProfile(JSON.stringify(broken), "p"), /numeric support/);
});

Deno.test("few distinct values stay exact at any size; a late switch keeps every value", () => {
  const n = EXACT_QUANTILE_LIMIT + 20_000;
  const low = Array.from({ length: n }, (_, i) => i % 100);
  // 10 distinct values for the first 110k rows, then 2000 new ones.
  const late = Array.from({ length: n }, (_, i) => (i < 110_000 ? i % 10 : 1000 + (i % 2000)));
  const p = profileOf({
    late: { type: "float", values: late },
    low: { type: "integer", values: low },
  }, 65_536);
  const l = p.columns.low.numeric!;
  assert.equal(l.quantiles.method, "exact");
  assert.equal(l.support.exact, true);
  assert.equal(l.histogram.exact, true);
  assert.equal(l.quantiles.values[50], 49.5); // numpy.percentile of 0..99 repeated: 49.5
  const t = p.columns.late.numeric!;
  assert.equal(t.quantiles.method, "sketch");
  assert.equal(t.histogram.counts.reduce((a, b) => a + b, 0), n);
  assert.equal(t.support.counts.reduce((a, b) => a + b, 0), n);
  assert.equal(p.columns.late.distinct.count, 2010);
  assert.equal(t.quantiles.values[0], 0);
  assert.equal(t.quantiles.values[100], 2999);
});

Deno.test("settled columns: parts without exact values merge to the same profile", () => {
  const n = 6 * 65_536;
  const cols: Record<string, PlainColumn> = {
    f: { type: "float", values: Array.from({ length: n }, (_, i) => (i * 7919) % n + 0.5) },
    low: { type: "integer", values: Array.from({ length: n }, (_, i) => i % 37) },
    s: { type: "string", values: Array.from({ length: n }, (_, i) => `id${(i * 31) % n}`) },
  };
  const full = new Profiler(declarations(cols));
  const lean = new Profiler(declarations(cols));
  const parts = new ChunkProfiler(declarations(cols));
  let settledParts = 0;
  for (const chunk of chunksOf(cols, 65_536)) {
    full.add(chunk, { sketches: true });
    const settled = new Set(lean.settled());
    const part = parts.profile(chunk, { sketches: true, settled });
    settledParts += part.columns.filter((c) => c.kind !== "boolean" && c.settled).length;
    lean.merge(part);
  }
  assert.ok(settledParts >= 6, `only ${settledParts} settled parts`);
  assert.deepEqual(lean.settled(), [0, 2]); // f and s; the 37-value column keeps exact counts
  assert.equal(JSON.stringify(lean.finish()), JSON.stringify(full.finish()));
  // A settled part where values are still needed is refused, not silently merged.
  const fresh = new Profiler(declarations(cols));
  const [first] = chunksOf(cols, 65_536);
  assert.throws(
    () => fresh.merge(parts.profile(first, { sketches: true, settled: new Set([0]) })),
    /still needs them/,
  );
});

Deno.test("string parts from dictionary codes equal parts from the strings", () => {
  const words = ["b", "a", "ä", "", "zz"];
  const n = 2500;
  const columns: Record<string, PlainColumn> = {
    s: {
      type: "string",
      values: Array.from({ length: n }, (_, i) => i % 9 === 4 ? null : words[(i * i) % 5]),
    },
    t: { type: "string", values: Array.from({ length: n }, (_, i) => words[i % 3]) },
    x: { type: "float", values: Array.from({ length: n }, (_, i) => (i * 7) % 13) },
  };
  const profiler = new ChunkProfiler(declarations(columns));
  const plain = new Profiler(declarations(columns));
  const coded = new Profiler(declarations(columns));
  for (const chunk of chunksOf(columns, 1000)) {
    const withDict = withCodes(chunk);
    const s = withDict.columns.get("s");
    assert.ok(s?.type === "string" && s.codes);
    for (const sketches of [false, true]) {
      assert.deepEqual(
        profiler.profile(withDict, { sketches }),
        profiler.profile(chunk, { sketches }),
      );
    }
    plain.add(chunk);
    coded.add(withDict);
  }
  assert.deepEqual(coded.finish(), plain.finish());
});

Deno.test("partProblems: parts as computed agree with themselves; parts with foreign scalars do not", () => {
  const plain: Record<string, PlainColumn> = {
    a_id: { type: "integer", values: [7, 3, 3, 9, 5, 3, 7, 8] },
    amount: { type: "float", values: [2.5, null, 0.25, 9.25, 1, null, 3, 4] },
    flag: { type: "boolean", values: [true, null, false, true, true, true, false, true] },
    name: { type: "string", values: ["b", null, "a", "c", "c", "c", "c", "a"] },
    zero: { type: "float", values: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] },
  };
  const profiler = new ChunkProfiler(declarations(plain));
  const [chunk] = chunksOf(plain, 8);
  const fresh = () => profiler.profile(chunk);
  for (const options of [{}, { sketches: true }, { sketches: true, settled: new Set([0, 1]) }]) {
    assert.deepEqual(partProblems(profiler.profile(chunk, options)), [], JSON.stringify(options));
  }
  const numeric = (p: ChunkProfile, j: number) => p.columns[j] as NumericPart;
  const cases: Array<[string, (p: ChunkProfile) => void, number[]]> = [
    ["another column's min and max (the engine fault)", (p) => {
      numeric(p, 0).min = numeric(p, 1).min;
      numeric(p, 0).max = numeric(p, 1).max;
    }, [0]],
    ["a mean outside the extremes", (p) => void (numeric(p, 1).mean = 100), [1]],
    ["a negative m2", (p) => void (numeric(p, 4).m2 = -1), [4]],
    ["counts that miss a row", (p) => void ((p.columns[2] as { trues: number }).trues -= 1), [2]],
    ["string counts that miss a row", (p) => void ((p.columns[3] as { n: number }).n += 1), [3]],
    ["value runs that do not add up", (p) => {
      const c = numeric(p, 0);
      c.counts = c.counts ?? new Float64Array(c.distinct.length);
      c.counts[0] += 5;
    }, [0]],
  ];
  for (const [name, corrupt, columns] of cases) {
    const p = fresh();
    corrupt(p);
    assert.deepEqual([...new Set(partProblems(p).map(([j]) => j))], columns, name);
  }
});
