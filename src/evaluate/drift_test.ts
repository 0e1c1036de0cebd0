import assert from "node:assert/strict";
import { DEFAULT_THRESHOLDS } from "../model/mod.ts";
import { compareProfiles, judge } from "./drift.ts";
import { discreteOf, ksStatistic, psi, wasserstein1 } from "./metrics.ts";
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
  assert.deepEqual(r.summary, { compared: 3, ok: 3, expected: 0, warn: 0, drift: 0, drift_share: 0 });
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
