import assert from "node:assert/strict";
import type { PlainColumn } from "../../tests/helpers/profile.ts";
import {
  evaluate,
  formatDriftTable,
  formatSummary,
  renderReportHtml,
  SCORE_FORMULA,
  type ValidationSummary,
} from "./mod.ts";
import { profileOf, specFor } from "../../tests/helpers/evaluate.ts";

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

const SPEC = specFor([
  { name: "amount", type: "float" },
  { name: "fee", type: "float" },
  { name: "id", type: "string", unique: true, nullable: false },
  { name: "is_fraud", type: "boolean" },
  { name: "merchant", type: "string" },
  { name: "ts", type: "datetime" },
], { labelRates: { is_fraud: 0.1 }, missingness: { merchant: 0.2 } });

function columns(n: number, shift: number, fraudEvery: number): Record<string, PlainColumn> {
  return {
    amount: { type: "float", values: range(n, (i) => ((i * 7919) % n) / 10 + shift) },
    fee: { type: "float", values: range(n, (i) => ((i * 7919) % n) / 100 + 1) },
    id: { type: "string", values: range(n, (i) => `tx-${i + shift}`) },
    is_fraud: { type: "boolean", values: range(n, (i) => i % fraudEvery === 0) },
    merchant: { type: "string", values: range(n, (i) => (i % 5 === 0 ? null : `m${i % 4}`)) },
    ts: { type: "datetime", values: range(n, (i) => 1_700_000_000_000 + i * 60_000) },
  };
}

const VALID: ValidationSummary = {
  passed: true,
  rows: 1000,
  columns: { amount: { violations: 0 }, id: { violations: 0 } },
  checks: {},
};

Deno.test("evaluate without a prior: says so, shape scores null, score formula", () => {
  const profile = profileOf(columns(1000, 0, 10));
  const e = evaluate({ spec: SPEC, profile, versionIndex: 0, prior: null, validation: VALID });
  assert.equal(e.prior_version, null);
  assert.equal(e.drift.available, false);
  assert.equal(e.drift.verdict, "no_prior");
  assert.match(e.drift.message, /No prior version/);
  const q = e.quality;
  assert.equal(q.components.column_shapes, null);
  assert.equal(q.components.column_pair_trends, null);
  assert.ok(q.notes.some((n) => n.startsWith("no prior version")));
  // 1000 rows x 6 columns, 200 nulls in merchant.
  assert.equal(q.components.completeness, 1 - 200 / 6000);
  assert.equal(q.components.validity, 1);
  assert.equal(q.components.uniqueness, 1);
  assert.equal(q.components.rate_conformance, 1);
  const c = q.components;
  const expected = (c.completeness + c.validity + 1 + 1) / 4;
  assert.equal(q.score, expected);
  assert.equal(q.formula, SCORE_FORMULA);
  // Rates: is_fraud true share 100/1000 = 0.1; merchant null share 200/1000 = 0.2.
  assert.deepEqual(q.rates.map((r) => [r.kind, r.column, r.realised, r.passed]), [
    ["label_rate", "is_fraud", 0.1, true],
    ["missingness", "merchant", 0.2, true],
  ]);
  const band = q.rates[0].band;
  assert.ok(Math.abs(band.low - (0.1 - 3 * Math.sqrt(0.09 / 1000))) < 1e-12);
  assert.equal(q.rates[0].within_band, true);
});

Deno.test("rate checks fail outside the tolerance; validity counts violations", () => {
  const profile = profileOf(columns(1000, 0, 8)); // 125 / 1000 = 0.125
  const validation: ValidationSummary = {
    passed: false,
    rows: 1000,
    columns: { amount: { violations: 30 } },
    checks: { "fee <= amount": { violations: 70 } },
  };
  const e = evaluate({ spec: SPEC, profile, versionIndex: 0, prior: null, validation });
  const fraud = e.quality.rates[0];
  assert.equal(fraud.realised, 0.125);
  assert.equal(fraud.passed, false);
  assert.equal(e.quality.components.rate_conformance, 0.5);
  // 100 violations over 1000 rows x (6 columns + 1 check).
  assert.equal(e.quality.components.validity, 1 - 100 / 7000);
  assert.equal(e.quality.columns.amount.validity, 0.97);
  assert.equal(e.quality.rates_passed, false);
});

Deno.test("evaluate with a prior: shapes, pair trends, drift verdict", () => {
  const prior = profileOf(columns(1000, 0, 10));
  const same = evaluate({
    spec: SPEC,
    profile: profileOf(columns(1000, 0, 10)),
    versionIndex: 1,
    prior: { version: "v1", profile: prior, versionIndex: 0 },
    validation: VALID,
  });
  assert.equal(same.prior_version, "v1");
  assert.equal(same.drift.verdict, "ok");
  assert.equal(same.quality.components.column_shapes, 1);
  assert.equal(same.quality.components.column_pair_trends, 1);
  assert.equal(same.quality.columns.amount.shape?.metric, "KSComplement");
  assert.equal(same.quality.columns.merchant.shape?.metric, "TVComplement");
  const shifted = evaluate({
    spec: SPEC,
    profile: profileOf(columns(1000, 30, 10)),
    versionIndex: 1,
    prior: { version: "v1", profile: prior, versionIndex: 0 },
    validation: VALID,
  });
  assert.equal(shifted.drift.columns.amount.status, "drift");
  assert.equal(shifted.drift.verdict, "drift");
  assert.ok((shifted.quality.components.column_shapes as number) < 1);
});

Deno.test("reports are deterministic and the summary fits 100 columns", () => {
  const run = (): [string, string, string] => {
    const prior = profileOf(columns(1000, 0, 10), 64);
    const profile = profileOf(columns(1000, 5, 10), 333);
    const e = evaluate({
      spec: SPEC,
      profile,
      versionIndex: 1,
      prior: { version: "v1", profile: prior, versionIndex: 0 },
      validation: VALID,
    });
    const html = renderReportHtml({
      dataset: "demo",
      version: "v2",
      spec: SPEC,
      profile,
      prior: { version: "v1", profile: prior },
      evaluation: e,
      validation: { ...VALID, elapsed: "n/a" },
    });
    return [JSON.stringify(e), html, formatSummary(e)];
  };
  const a = run();
  const b = run();
  assert.equal(a[0], b[0]);
  assert.equal(a[1], b[1]);
  assert.equal(a[2], b[2]);
  for (const line of a[2].split("\n")) assert.ok(line.length <= 100, line);
  assert.match(a[2], /Quality score/);
  assert.match(a[2], /amount/);
  const noPrior = evaluate({
    spec: SPEC,
    profile: profileOf(columns(10, 0, 10)),
    versionIndex: 0,
    prior: null,
    validation: VALID,
  });
  assert.match(formatSummary(noPrior), /no prior version/i);
  assert.match(formatDriftTable(noPrior.drift), /No prior version/);
});

Deno.test("report.html is self-contained with one chart per column", () => {
  const prior = profileOf(columns(500, 0, 10));
  const profile = profileOf({
    ...columns(500, 5, 10),
    empty: { type: "float", values: range(500, () => null) },
  });
  const e = evaluate({
    spec: SPEC,
    profile,
    versionIndex: 1,
    prior: { version: "v1", profile: prior, versionIndex: 0 },
    validation: VALID,
  });
  const html = renderReportHtml({
    dataset: "demo<&>",
    version: "v2",
    spec: SPEC,
    profile,
    prior: { version: "v1", profile: prior },
    evaluation: e,
    validation: VALID,
  });
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  // `id` (500 distinct strings) is a cardinality summary, every other column a chart.
  assert.equal((html.match(/<svg class="chart/g) ?? []).length, 6);
  assert.equal((html.match(/<div class="highcard" data-column="id"/g) ?? []).length, 1);
  assert.equal((html.match(/<section class="column"/g) ?? []).length, 7);
  assert.ok(!/<script|<link|@import|url\(|src=/i.test(html));
  assert.ok(!/https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html));
  assert.match(html, /demo&lt;&amp;&gt;/);
  assert.match(html, /class="bar prior"/);
  assert.match(html, /no non-null values/);
  const first = renderReportHtml({
    dataset: "demo",
    version: "v1",
    spec: SPEC,
    profile: prior,
    prior: null,
    evaluation: evaluate({
      spec: SPEC,
      profile: prior,
      versionIndex: 0,
      prior: null,
      validation: VALID,
    }),
    validation: VALID,
  });
  assert.match(first, /id="no-prior"/);
  assert.ok(!/class="bar prior"/.test(first));
});
