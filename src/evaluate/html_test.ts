import assert from "node:assert/strict";
import type { PlainColumn } from "../../tests/helpers/profile.ts";
import { profileOf, specFor } from "../../tests/helpers/evaluate.ts";
import { evaluate, type FailingCheck, renderReportHtml, type ValidationSummary } from "./mod.ts";
import { chooseBins } from "./html_numeric.ts";
import { durationLabel, grouped, shortNumber, valueLabel } from "./html_format.ts";

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

const N = 2000;
/** Deterministic pseudo-random in [0, 1). */
function u(i: number): number {
  return ((i * 2654435761) % 4294967296) / 4294967296;
}

function columns(shift: number): Record<string, PlainColumn> {
  return {
    // Log-normal-like: most values small, a long tail up to ~1e5.
    amount: { type: "float", values: range(N, (i) => Math.exp(12 * u(i) ** 3) + shift) },
    days: { type: "integer", values: range(N, (i) => (i * 13) % 7300) },
    hour: { type: "integer", values: range(N, (i) => (i * 7) % 24) },
    id: { type: "string", values: range(N, (i) => `tx-${i + shift}`) },
    is_fraud: { type: "boolean", values: range(N, (i) => i % 10 === 0) },
    kind: { type: "string", values: range(N, (i) => (i % 10 === 0 ? "online" : `k${i % 3}`)) },
    ts: { type: "datetime", values: range(N, (i) => 1_704_067_200_000 + (i % 366) * 86_400_000) },
  };
}

const SPEC = specFor(
  Object.entries(columns(0)).map(([name, c]) => ({ name, type: c.type })),
  { labelRates: { is_fraud: 0.1 } },
);

function report(
  opts: { failures?: FailingCheck[]; validation?: ValidationSummary; prior?: boolean } = {},
) {
  const labels = { labels: ["is_fraud"] };
  const profile = profileOf(columns(3), 500, labels);
  const prior = opts.prior === false
    ? null
    : { version: "v1", profile: profileOf(columns(0), 500, labels), versionIndex: 0 };
  const validation = opts.validation ?? { passed: true, rows: N, columns: {}, checks: {} };
  const evaluation = evaluate({ spec: SPEC, profile, prior, validation, versionIndex: 1 });
  return {
    evaluation,
    html: renderReportHtml({
      dataset: "demo",
      version: "v2",
      spec: SPEC,
      profile,
      prior,
      evaluation,
      validation,
      failures: opts.failures,
    }),
  };
}

Deno.test("formatting: grouped integers, short floats, durations, dates", () => {
  const cases: Array<[string, string]> = [
    [grouped(7300), "7,300"],
    [grouped(-1234567), "-1,234,567"],
    [valueLabel("integer", 7300), "7,300"],
    [shortNumber(9.395812), "9.396"],
    [shortNumber(1234.5678), "1,235"],
    [shortNumber(0.012345), "0.01235"],
    [durationLabel(9.166e9), "106.1 d"],
    [durationLabel(5400_000), "1.5 h"],
    [valueLabel("datetime", 1_704_067_200_000), "2024-01-01"],
    [valueLabel("datetime", 1_704_067_200_000 + 90 * 60_000), "2024-01-01 01:30"],
  ];
  for (const [got, want] of cases) assert.equal(got, want);
});

Deno.test("bins: unit bins for narrow integers, whole-number edges, log scale for skewed", () => {
  const p = profileOf(columns(0)).columns;
  const hour = chooseBins("integer", [p.hour.numeric!]);
  assert.equal(hour.scale, "integer");
  assert.equal(hour.edges.length, 25);
  const days = chooseBins("integer", [p.days.numeric!]);
  assert.ok(days.edges.every((e) => Number.isInteger(e)), "integer edges");
  const amount = chooseBins("float", [p.amount.numeric!]);
  assert.equal(amount.scale, "log");
});

Deno.test("report.html: new sections render from the profile", () => {
  const { html } = report();
  assert.match(html, /data-column="amount" data-scale="log"/);
  assert.doesNotMatch(html, /7300\.0000|7299\.0000/);
  // Datetime spread as a duration, not milliseconds in exponent form.
  assert.match(html, /<td>std<\/td><td>\d+\.\d d<\/td>/);
  assert.match(html, /<div class="highcard" data-column="id"/);
  assert.match(html, /<svg class="heatmap" id="corr-current"/);
  assert.match(html, /<svg class="heatmap" id="corr-prior"/);
  assert.match(html, /<h2 id="labels">/);
  assert.match(html, /class="chart label-chart" data-column="amount"/);
  assert.match(html, /aria-label="Rate of is_fraud by kind"/);
  // kind "online" is always fraud: its rate bar says 100%.
  assert.match(html, /online: 100\.00% true/);
  const first = report({ prior: false }).html;
  assert.match(first, /id="corr-current"/);
  assert.doesNotMatch(first, /id="corr-prior"/);
});

Deno.test("report.html: failing rows and a score that reflects failed checks", () => {
  const validation: ValidationSummary = {
    passed: false,
    rows: N,
    columns: { amount: { violations: 2 }, days: { violations: 0 } },
    checks: { "amount > 0": { violations: 0 } },
  };
  const failures: FailingCheck[] = [{
    check: "amount.max",
    column: "amount",
    violations: 2,
    rows: [{ row: 17, values: { amount: "99999.5", days: "3" } }],
  }];
  const { html, evaluation } = report({ validation, failures });
  assert.match(html, /<div class="failing" data-check="amount\.max">/);
  assert.match(html, /<td class="hl">99999\.5<\/td>/);
  const q = evaluation.quality;
  assert.equal(q.checks_passed, 2 / 3);
  const ok = report().evaluation.quality;
  assert.equal(ok.checks_passed, 1);
  assert.ok(q.score < ok.score * 0.7, `${q.score} vs ${ok.score}`);
  assert.match(q.formula, /checks_passed/);
});
