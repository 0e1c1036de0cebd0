import assert from "node:assert/strict";
import { DEFAULT_THRESHOLDS } from "../model/mod.ts";
import { compareProfiles, identifierColumns, judge, psiBounds } from "./drift.ts";
import { binShares, discreteOf, ksStatistic, psi, quantileEdges, wasserstein1 } from "./metrics.ts";
import { profileOf } from "../../tests/helpers/evaluate.ts";
import type { PlainColumn } from "../../tests/helpers/profile.ts";

const T = { thresholds: { ...DEFAULT_THRESHOLDS } };

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

Deno.test("judge: >= threshold drift, >= warnRatio x threshold warn", () => {
  assert.equal(judge(0.1, 0.1, 0.5).status, "drift");
  assert.equal(judge(0.05, 0.1, 0.5).status, "warn");
  assert.equal(judge(0.049, 0.1, 0.5).status, "ok");
});

Deno.test("identical profiles: zero metrics, verdict ok", () => {
  const cols: Record<string, PlainColumn> = {
    x: { type: "float" as const, values: range(500, (i) => (i * 37) % 101) },
    s: { type: "string" as const, values: range(500, (i) => `c${i % 5}`) },
    b: { type: "boolean" as const, values: range(500, (i) => i % 3 === 0) },
  };
  const a = profileOf(cols);
  const r = compareProfiles(a, profileOf(cols, 7), T);
  assert.equal(r.available, true);
  assert.equal(r.verdict, "ok");
  assert.deepEqual(r.summary, {
    compared: 3,
    ok: 3,
    expected: 0,
    warn: 0,
    drift: 0,
    drift_share: 0,
  });
  assert.equal(r.columns.x.psi!.value, 0);
  assert.equal(r.columns.x.ks!.statistic, 0);
  assert.equal(r.columns.x.ks!.p_value, 1);
  assert.equal(r.columns.x.wasserstein!.distance, 0);
  assert.equal(r.columns.s.jensen_shannon!.value, 0);
  assert.equal(r.columns.b.total_variation, 0);
});

Deno.test("profile-based metrics equal the exact metrics on raw data (few distinct values)", () => {
  const ref = range(400, (i) => i % 10);
  const cur = range(350, (i) => (i % 7) + 2);
  const r = compareProfiles(
    profileOf({ x: { type: "integer", values: ref } }),
    profileOf({ x: { type: "integer", values: cur } }),
    T,
  ).columns.x;
  assert.equal(r.approximate, false);
  const rd = discreteOf(ref);
  const cd = discreteOf(cur);
  assert.equal(r.ks!.statistic, ksStatistic(rd, cd));
  assert.equal(r.wasserstein!.distance, wasserstein1(rd, cd));
  // Reference 0..9 uniform: deciles 0..8 -> 10 bins, each 0.1 of the reference.
  // Current 2..8 (each 1/7): bins 0,1 empty, 2..8 have 1/7, 9 empty.
  const c7 = 1 / 7;
  const expected = psi(new Array(10).fill(0.1), [0, 0, c7, c7, c7, c7, c7, c7, c7, 0]);
  assert.ok(Math.abs(r.psi!.value - expected) < 1e-12);
  assert.equal(r.psi!.bins, 10);
  assert.equal(r.status, "drift");
});

Deno.test("shifted numeric column drifts; status and reasons", () => {
  const ref = profileOf({ x: { type: "float", values: range(2000, (i) => (i * 7919) % 2000) } });
  const cur = profileOf({
    x: { type: "float", values: range(2000, (i) => ((i * 7919) % 2000) + 400) },
  });
  const d = compareProfiles(ref, cur, T);
  const x = d.columns.x;
  assert.equal(x.status, "drift");
  assert.equal(d.verdict, "drift");
  // W1 of a shift is the shift; normalised by the population std of 0..1999.
  assert.ok(Math.abs(x.wasserstein!.distance - 400) < 400 * 0.01);
  assert.ok(x.ks!.statistic > 0.19 && x.ks!.statistic < 0.21);
  assert.ok(x.ks!.significant);
  assert.ok(x.reasons.some((r) => r.startsWith("PSI")));
  assert.ok(Math.abs(x.mean!.shift - 400) < 1e-6);
});

Deno.test("constant columns: Wasserstein normalised with the 0.001 std floor", () => {
  const five = profileOf({ c: { type: "integer", values: [5, 5, 5, 5] } });
  const same = compareProfiles(five, five, T).columns.c;
  assert.equal(same.wasserstein!.normalized.value, 0);
  assert.equal(same.status, "ok");
  assert.equal(same.mean!.shift_in_std, null);
  const six = profileOf({ c: { type: "integer", values: [6, 6, 6, 6] } });
  const moved = compareProfiles(five, six, T).columns.c;
  assert.equal(moved.wasserstein!.distance, 1);
  assert.equal(moved.wasserstein!.normalized.value, 1000);
  assert.equal(moved.ks!.statistic, 1);
  assert.equal(moved.status, "drift");
  assert.ok(moved.notes.some((n) => n.includes("constant")));
});

Deno.test("all-null columns: both empty ok, one side empty drift", () => {
  const empty = profileOf({ x: { type: "float", values: [null, null] } });
  const full = profileOf({ x: { type: "float", values: [1, 2] } });
  const both = compareProfiles(empty, empty, T).columns.x;
  assert.equal(both.kind, "empty");
  assert.equal(both.status, "ok");
  assert.equal(both.psi, null);
  assert.equal(both.null_rate.reference, 1);
  const one = compareProfiles(full, empty, T).columns.x;
  assert.equal(one.status, "drift");
  assert.equal(one.null_rate.shift, 1);
  const s = compareProfiles(
    profileOf({ s: { type: "string", values: [null] } }),
    profileOf({ s: { type: "string", values: ["a"] } }),
    T,
  ).columns.s;
  assert.equal(s.status, "drift");
});

Deno.test("categorical: empty categories and new categories use the PSI epsilon", () => {
  const ref = profileOf({ s: { type: "string", values: ["a", "a", "b", "b"] } });
  const cur = profileOf({ s: { type: "string", values: ["a", "b", "c", "c"] } });
  const s = compareProfiles(ref, cur, T).columns.s;
  // Bins a, b, c: ref [.5, .5, 0 -> 1e-4], cur [.25, .25, .5].
  const expected = psi([0.5, 0.5, 0], [0.25, 0.25, 0.5]);
  assert.ok(Math.abs(s.psi!.value - expected) < 1e-12);
  assert.equal(s.psi!.bins, 3);
  assert.equal(s.total_variation, 0.5);
  assert.equal(s.status, "drift");
  // Boolean with an empty category on one side.
  const bt = profileOf({ b: { type: "boolean", values: [true, true] } });
  const bf = profileOf({ b: { type: "boolean", values: [false, false] } });
  const b = compareProfiles(bt, bf, T).columns.b;
  assert.equal(b.jensen_shannon!.value, 1);
  assert.equal(b.total_variation, 1);
});

Deno.test("high-cardinality strings do not drift on new identifiers", () => {
  const ref = profileOf({ id: { type: "string", values: range(100, (i) => `id${i}`) } });
  const cur = profileOf({ id: { type: "string", values: range(100, (i) => `id${i + 1000}`) } });
  const c = compareProfiles(ref, cur, T).columns.id;
  assert.equal(c.high_cardinality, true);
  assert.equal(c.jensen_shannon!.value, 1);
  assert.equal(c.status, "ok");
});

Deno.test("null-rate shift warns beyond max(tolerance, 3-sigma noise)", () => {
  const ref = profileOf({
    x: { type: "float", values: range(10000, (i) => (i % 10 === 0 ? null : i)) },
  });
  const cur = profileOf({
    x: { type: "float", values: range(10000, (i) => (i % 4 === 0 ? null : i)) },
  });
  const x = compareProfiles(ref, cur, T).columns.x;
  assert.ok(Math.abs(x.null_rate.shift - 0.15) < 1e-12);
  assert.equal(x.null_rate.status, "warn");
  assert.ok(x.reasons.some((r) => r.startsWith("null rate")));
});

Deno.test("schema changes make the verdict drift", () => {
  const a = profileOf({ x: { type: "float", values: [1] }, y: { type: "float", values: [1] } });
  const b = profileOf({ x: { type: "integer", values: [1] }, z: { type: "float", values: [1] } });
  const r = compareProfiles(a, b, T);
  assert.deepEqual(r.schema, { added: ["z"], removed: ["y"], type_changed: ["x"] });
  assert.equal(r.verdict, "drift");
  assert.equal(r.summary.compared, 0);
});

Deno.test("sketch-mode profiles: KS within the stated error bound of the exact value", () => {
  const n = 120_000; // above the exact-quantile limit and the 1000-atom support
  const lcg = (seed: number): () => number => {
    let s = seed >>> 0;
    return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  };
  const r1 = lcg(7);
  const r2 = lcg(11);
  // Sum of three uniforms: a smooth bell; the current is shifted by 0.05.
  const ref = range(n, () => r1() + r1() + r1());
  const cur = range(n, () => r2() + r2() + r2() + 0.05);
  const d = compareProfiles(
    profileOf({ x: { type: "float", values: ref } }, 65_536),
    profileOf({ x: { type: "float", values: cur } }, 65_536),
    T,
  ).columns.x;
  assert.equal(d.approximate, true);
  const exactD = ksStatistic(discreteOf(ref), discreteOf(cur));
  assert.ok(d.ks!.error_bound > 0 && d.ks!.error_bound < 0.01);
  assert.ok(
    Math.abs(d.ks!.statistic - exactD) <= d.ks!.error_bound,
    `${d.ks!.statistic} vs ${exactD}`,
  );
  const exactW = wasserstein1(discreteOf(ref), discreteOf(cur));
  assert.ok(Math.abs(d.wasserstein!.distance - exactW) / exactW < 0.02);
});

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}

Deno.test("informational metrics carry status info and never set the column status", () => {
  const ref = profileOf({ id: { type: "string", values: range(100, (i) => `id${i}`) } });
  const cur = profileOf({ id: { type: "string", values: range(100, (i) => `id${i + 1000}`) } });
  const c = compareProfiles(ref, cur, T).columns.id;
  assert.equal(c.jensen_shannon!.status, "info");
  assert.equal(c.psi!.status, "info");
  assert.match(c.explanation, /^ok: high-cardinality/);
  const x = compareProfiles(
    profileOf({ x: { type: "float", values: range(2000, (i) => i) } }),
    profileOf({ x: { type: "float", values: range(2000, (i) => i + 1) } }),
    T,
  ).columns.x;
  assert.equal(x.ks!.status, "info");
  assert.equal(x.status, "ok");
  assert.match(x.explanation, /^ok: every deciding metric below its warn level \(PSI/);
});

Deno.test("identifiers: checks instead of distribution drift; lost uniqueness and a new format drift", () => {
  const seq = (n: number) => ({ type: "integer" as const, values: range(n, (i) => i + 1) });
  const ids = { thresholds: T.thresholds, identifiers: { id: "unique: true" } };
  const same = compareProfiles(profileOf({ id: seq(5000) }), profileOf({ id: seq(100) }), ids);
  assert.equal(same.columns.id.kind, "identifier");
  assert.equal(same.columns.id.status, "ok");
  assert.equal(same.columns.id.psi, null);
  assert.deepEqual(same.columns.id.identifier!.range, { reference: [1, 5000], current: [1, 100] });
  // Without the identifier rule the same pair is flagged.
  const plain = compareProfiles(profileOf({ id: seq(5000) }), profileOf({ id: seq(100) }), T);
  assert.equal(plain.columns.id.status, "drift");
  const dup = compareProfiles(
    profileOf({ id: seq(100) }),
    profileOf({ id: { type: "integer", values: range(100, (i) => i % 50) } }),
    ids,
  ).columns.id;
  assert.equal(dup.status, "drift");
  assert.equal(dup.identifier!.uniqueness.status, "drift");
  const str = (f: (i: number) => string) => ({ type: "string" as const, values: range(50, f) });
  const fmt = compareProfiles(
    profileOf({ id: str((i) => `TX-${String(i).padStart(6, "0")}`) }),
    profileOf({ id: str((i) => `TX_${i}`) }),
    ids,
  ).columns.id;
  assert.equal(fmt.status, "drift");
  assert.deepEqual(fmt.identifier!.format!.new, ["w_w"]);
  assert.deepEqual(fmt.identifier!.format!.reference, ["w-w"]);
});

Deno.test("identifierColumns: unique, sequence, uuid, template with {seq}, session ids, entity templates", () => {
  const LOC = { file: "s.yaml", line: 1, col: 1 };
  const got = identifierColumns([
    { name: "a", unique: true },
    { name: "b", unique: false, generator: { kind: "sequence", start: 1, step: 1, loc: LOC } },
    { name: "c", unique: false, generator: { kind: "uuid", loc: LOC } },
    {
      name: "d",
      unique: false,
      generator: {
        kind: "template",
        template: "X{seq}",
        parts: [{ t: "lit", v: "X" }, { t: "seq", width: 0 }],
        start: 1,
        loc: LOC,
      },
    },
    {
      name: "e",
      unique: false,
      generator: {
        kind: "template",
        template: "{digits:3}",
        parts: [{ t: "digits", n: 3 }],
        start: 1,
        loc: LOC,
      },
    },
    { name: "f", unique: false },
  ]);
  assert.deepEqual({ ...got }, {
    a: "unique: true",
    b: "generator sequence",
    c: "generator uuid",
    d: "generator template with {seq}",
  });
});

Deno.test("declared drift: explained change is expected, the unexplained part is flagged", () => {
  const LOC = { file: "evolution.yaml", line: 1, col: 1 };
  const r = lcg(3);
  const base = range(20000, () => 50 + 10 * (r() + r() + r() - 1.5));
  const scaled = base.map((x) => x * 1.08);
  const declared = (drift: import("../model/mod.ts").DriftSpec[]) => ({
    thresholds: T.thresholds,
    declared: { drift, referenceIndex: 1, currentIndex: 2 },
  });
  const ref = profileOf({ x: { type: "float", values: base } });
  const cur = profileOf({ x: { type: "float", values: scaled } });
  assert.equal(compareProfiles(ref, cur, T).columns.x.status, "drift");
  const scale = declared([{ kind: "scale", column: "x", factor: 1.08, loc: LOC }]);
  const ok = compareProfiles(ref, cur, scale).columns.x;
  assert.equal(ok.status, "expected", ok.explanation);
  assert.equal(ok.psi!.status, "info");
  assert.ok(ok.declared!.residual!.wasserstein!.normalized.value < 1e-9);
  const mean = ok.declared!.changes.find((c) => c.quantity === "mean")!;
  assert.ok(Math.abs(mean.declared - mean.realised) < 1e-9);
  // Declared +8 %, realised +30 %: the residual drifts.
  const far = profileOf({ x: { type: "float", values: base.map((x) => x * 1.3) } });
  const beyond = compareProfiles(ref, far, scale).columns.x;
  assert.equal(beyond.status, "drift");
  assert.match(beyond.explanation, /^drift: beyond the declared scale/);
  // A shift from index 1 to 2 with amount 5: values + 5.
  const shifted = profileOf({ x: { type: "float", values: base.map((x) => x + 5) } });
  const shift = compareProfiles(
    ref,
    shifted,
    declared([{ kind: "shift", column: "x", amount: 5, loc: LOC }]),
  );
  assert.equal(shift.columns.x.status, "expected");
  assert.equal(shift.verdict, "expected");

  // Mix: from t = 0.1 to t = 0.2 toward "b" moves k = 1/9 of the way.
  const cats = (pb: number) => ({
    type: "string" as const,
    values: range(9000, (i) => (i < 9000 * pb ? "b" : i % 2 === 0 ? "a" : "c")),
  });
  const p1 = 0.1 + 0.9 * (1 / 3);
  const p2 = p1 + (1 - p1) / 9;
  const mix = declared([{ kind: "mix", column: "s", target: { b: 1 }, perVersion: 0.1, loc: LOC }]);
  const m = compareProfiles(profileOf({ s: cats(p1) }), profileOf({ s: cats(p2) }), mix).columns.s;
  assert.equal(m.status, "expected", m.explanation);
  const b = m.declared!.changes.find((c) => c.quantity === "share of b")!;
  assert.ok(Math.abs(b.declared - p2) < 1e-3, JSON.stringify(b));

  // Rate on a boolean and missingness on the null rate.
  const bools = (p: number) => ({
    type: "boolean" as const,
    values: range(10000, (i) => i < 10000 * p),
  });
  const rate = compareProfiles(
    profileOf({ f: bools(0.1) }),
    profileOf({ f: bools(0.3) }),
    declared([{ kind: "rate", column: "f", amount: 0.2, loc: LOC }]),
  ).columns.f;
  assert.equal(rate.status, "expected", rate.explanation);
  const nulls = (p: number) => ({
    type: "float" as const,
    values: range(10000, (i) => (i % 100 < p * 100 ? null : i % 37)),
  });
  const miss = compareProfiles(
    profileOf({ y: nulls(0.05) }),
    profileOf({ y: nulls(0.15) }),
    declared([{ kind: "missingness", column: "y", amount: 0.1, loc: LOC }]),
  ).columns.y;
  assert.equal(miss.null_rate.status, "ok");
  assert.ok(Math.abs(miss.null_rate.expected - 0.15) < 1e-12);
  assert.equal(miss.status, "expected", miss.explanation);
});

Deno.test("psiBounds: exact inputs give the point value; the box contains every PSI within delta", () => {
  const r = [0.1, 0.2, 0.3, 0.4];
  const c = [0.15, 0.15, 0.35, 0.35];
  const v = psi(r, c);
  assert.deepEqual(psiBounds(r, c, { ref: 0, cur: 0 }), [v, v]);
  const [lo, hi] = psiBounds(r, c, { ref: 0.01, cur: 0.01 });
  const rand = lcg(5);
  for (let k = 0; k < 2000; k++) {
    const rr = r.map((x) => x + (rand() * 2 - 1) * 0.01);
    const cc = c.map((x) => x + (rand() * 2 - 1) * 0.01);
    const p = psi(rr, cc);
    assert.ok(p >= lo - 1e-12 && p <= hi + 1e-12, `${p} outside [${lo}, ${hi}]`);
  }
  assert.ok(lo < v && v < hi);
});

Deno.test("sketch-mode bounds: exact Wasserstein-1 and PSI of heavy-tailed data lie within the stated bounds", () => {
  const n = 150_000; // sketch quantiles and 1000 compressed atoms
  const cases: Array<[string, (u: () => number) => number, (u: () => number) => number]> = [
    ["lognormal", (u) => Math.exp(1.5 * normal(u)), (u) => Math.exp(0.2 + 1.5 * normal(u))],
    ["pareto", (u) => 1 / Math.pow(u(), 1 / 1.5), (u) => 1.1 / Math.pow(u(), 1 / 1.4)],
  ];
  for (const [name, f, g] of cases) {
    const u1 = lcg(17);
    const u2 = lcg(29);
    const ref = range(n, () => f(u1));
    const cur = range(n, () => g(u2));
    const rp = profileOf({ x: { type: "float", values: ref } }, 65_536);
    const cp = profileOf({ x: { type: "float", values: cur } }, 65_536);
    const d = compareProfiles(rp, cp, T).columns.x;
    assert.equal(d.approximate, true, name);
    const rd = discreteOf(ref);
    const cd = discreteOf(cur);
    const exactW = wasserstein1(rd, cd);
    assert.ok(
      Math.abs(d.wasserstein!.distance - exactW) <= d.wasserstein!.error_bound,
      `${name}: W1 ${d.wasserstein!.distance} vs exact ${exactW} (bound ${
        d.wasserstein!.error_bound
      })`,
    );
    const scale = rp.columns.x.numeric!.std;
    const [wlo, whi] = d.wasserstein!.normalized.bounds;
    assert.ok(exactW / scale >= wlo - 1e-12 && exactW / scale <= whi + 1e-12, name);
    // PSI on the bins the report used (frozen from the reference atoms).
    const edges = quantileEdges(rp.columns.x.numeric!.support);
    const exactPsi = psi(binShares(rd, edges), binShares(cd, edges));
    const [plo, phi] = d.psi!.bounds;
    assert.ok(
      exactPsi >= plo - 1e-12 && exactPsi <= phi + 1e-12,
      `${name}: PSI ${exactPsi} outside [${plo}, ${phi}] (point ${d.psi!.value})`,
    );
  }
});

/** Standard normal by Box-Muller from a uniform source. */
function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}
