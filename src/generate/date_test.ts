/**
 * The `date` column type in schema.yaml and generation: strict YYYY-MM-DD
 * config values, day-resolution datetime ranges (end inclusive), weekday
 * weights, sequences, step_time, derived and conditional date columns.
 */
import assert from "node:assert/strict";
import { formatDate, parseIsoDate } from "../data/mod.ts";
import {
  chiSquare,
  column,
  nums,
  problemsOf,
  sourcesOf,
  specOf,
  table,
} from "../../tests/helpers/generate.ts";

const day = (s: string) => parseIsoDate(s) as number;

/** UTC weekday of a day number, 0 = Monday (1970-01-01 was a Thursday). */
const weekday = (d: number) => (((d + 3) % 7) + 7) % 7;

Deno.test("parseIsoDate and formatDate: strict YYYY-MM-DD, years 0000-9999, round trip", () => {
  const cases: Array<[string, number | undefined]> = [
    ["1970-01-01", 0],
    ["1969-12-31", -1],
    ["2024-02-29", 19782],
    ["2023-02-29", undefined],
    ["2024-13-01", undefined],
    ["2024-00-10", undefined],
    ["2024-01-32", undefined],
    ["0000-01-01", -719528],
    ["9999-12-31", 2932896],
    ["0099-03-01", -683309],
    ["2024-01-01T00:00:00Z", undefined],
    ["2024-01-01 00:00", undefined],
    ["2024/01/01", undefined],
    ["24-01-01", undefined],
    ["", undefined],
  ];
  for (const [text, want] of cases) {
    assert.equal(parseIsoDate(text), want, text);
    if (want !== undefined) assert.equal(formatDate(want), text);
  }
});

Deno.test("schema.yaml: type date with YYYY-MM-DD min/max is days since 1970-01-01", () => {
  const spec = specOf(sourcesOf(
    "columns:\n  d:\n    type: date\n    nullable: true\n" +
      '    constraints: { min: 2024-01-01, max: "2024-12-31" }\n',
  ));
  const d = spec.columns[0];
  assert.equal(d.type, "date");
  assert.equal(d.min, 19723);
  assert.equal(d.max, 20088);
});

const BAD: Array<
  { name: string; schema: string; field: string; line: number; col: number; re: RegExp }
> = [
  {
    name: "impossible month",
    schema: "columns:\n  d:\n    type: date\n    constraints: { min: 2024-13-01 }\n",
    field: "columns.d.constraints.min",
    line: 4,
    col: 25,
    re: /must be a date written YYYY-MM-DD like 2024-01-31, got "2024-13-01"/,
  },
  {
    name: "a timestamp as a date bound",
    schema: "columns:\n  d:\n    type: date\n    constraints:\n      max: 2024-01-01T00:00:00Z\n",
    field: "columns.d.constraints.max",
    line: 5,
    col: 12,
    re: /YYYY-MM-DD/,
  },
  {
    name: "a number as a date bound",
    schema: "columns:\n  d:\n    type: date\n    constraints: { min: 19723 }\n",
    field: "columns.d.constraints.min",
    line: 4,
    col: 25,
    re: /string|YYYY-MM-DD/,
  },
  {
    name: "min after max",
    schema:
      "columns:\n  d:\n    type: date\n    constraints: { min: 2024-02-01, max: 2024-01-01 }\n",
    field: "columns.d.constraints.min",
    line: 4,
    col: 25,
    re: /min \(2024-02-01\) is greater than max \(2024-01-01\)/,
  },
  {
    name: "generator start with a time of day",
    schema: "columns:\n  d:\n    type: date\n" +
      '    generator: { kind: datetime, start: "2024-01-01T08:00:00Z" }\n',
    field: "columns.d.generator.start",
    line: 4,
    col: 41,
    re: /a date column has no time of day/,
  },
  {
    name: "generator end before start",
    schema: "columns:\n  d:\n    type: date\n" +
      "    generator: { kind: datetime, start: 2024-02-01, end: 2024-01-31 }\n",
    field: "columns.d.generator.end",
    line: 4,
    col: 58,
    re: /must not be before start/,
  },
  {
    name: "hour weights on a date column",
    schema: "columns:\n  d:\n    type: date\n    generator:\n      kind: datetime\n" +
      "      hour_weights: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n",
    field: "columns.d.generator.hour_weights",
    line: 6,
    col: 21,
    re: /a date column has no time of day; remove hour_weights/,
  },
  {
    name: "a resolution finer than a day",
    schema: "columns:\n  d:\n    type: date\n    generator: { kind: datetime, resolution: hour }\n",
    field: "columns.d.generator.resolution",
    line: 4,
    col: 46,
    re: /resolution must be day/,
  },
  {
    name: "step_time every hour",
    schema:
      "columns:\n  e:\n    type: string\n    generator: { kind: entity, layout: panel, count: 3, template: 'E{seq}' }\n" +
      "  d:\n    type: date\n    generator: { kind: step_time, key: e, every: hour }\n",
    field: "columns.d.generator.every",
    line: 7,
    col: 50,
    re: /every must be day or business_day/,
  },
  {
    name: "a kind that cannot fill a date column",
    schema: "columns:\n  d:\n    type: date\n    generator: { kind: uniform, min: 0, max: 9 }\n",
    field: "columns.d.generator.kind",
    line: 4,
    col: 24,
    re: /cannot fill a date column/,
  },
  {
    name: "compare a date with a datetime",
    schema:
      "columns:\n  d: { type: date }\n  t: { type: datetime }\nchecks:\n  - compare: d <= t\n",
    field: "checks.0.compare",
    line: 5,
    col: 14,
    re: /a date column compares only with another date column/,
  },
  {
    name: "compare a date with a number",
    schema: "columns:\n  d: { type: date }\nchecks:\n  - compare: d >= 19723\n",
    field: "checks.0.compare",
    line: 4,
    col: 14,
    re: /compare it with another date column, not a number/,
  },
];

for (const c of BAD) {
  Deno.test(`date config rejects: ${c.name} (file:line:col and a fix)`, () => {
    const ps = problemsOf(sourcesOf(c.schema));
    const p = ps.find((x) => x.field === c.field);
    assert.ok(p, `no problem at ${c.field}: ${JSON.stringify(ps)}`);
    assert.equal(p.loc.file, "schema.yaml");
    assert.deepEqual([p.loc.line, p.loc.col], [c.line, c.col], JSON.stringify(p));
    assert.match(p.message, c.re);
  });
}

Deno.test("datetime generator on a date column: [start, end] inclusive, every day reachable", async () => {
  const rows = 20_000;
  const chunks = await table(
    "columns:\n  d:\n    type: date\n    generator: { kind: datetime, start: 2024-03-01, end: 2024-03-10 }\n",
    rows,
  );
  const values = nums(chunks, "d");
  assert.equal(values.length, rows);
  const lo = day("2024-03-01");
  const counts = new Array<number>(10).fill(0);
  for (const v of values) {
    assert.ok(Number.isInteger(v) && v >= lo && v <= lo + 9, String(v));
    counts[v - lo]++;
  }
  // Uniform over the 10 days, end included: chi-square with 9 df below its 0.999 quantile (27.9).
  assert.ok(chiSquare(counts, counts.map(() => 0.1)) < 27.9, JSON.stringify(counts));
});

Deno.test("date column without a generator: uniform over [min, max] days, or 2024 by default", async () => {
  const chunks = await table(
    "columns:\n  a: { type: date, constraints: { min: 2020-02-28, max: 2020-03-01 } }\n" +
      "  b: { type: date }\n  u: { type: date, unique: true, constraints: { min: 2000-01-01 } }\n",
    5_000,
  );
  assert.deepEqual([...new Set(nums(chunks, "a"))].sort(), [
    day("2020-02-28"),
    day("2020-02-29"),
    day("2020-03-01"),
  ]);
  const b = nums(chunks, "b");
  assert.equal(formatDate(Math.min(...b)), "2024-01-01");
  assert.equal(formatDate(Math.max(...b)), "2024-12-31");
  // unique: one day per row from min.
  assert.deepEqual(nums(chunks, "u").slice(0, 3).map(formatDate), [
    "2000-01-01",
    "2000-01-02",
    "2000-01-03",
  ]);
});

Deno.test("weekday weights on a date column are realised within tolerance", async () => {
  const weights = [1, 2, 3, 4, 5, 0, 6];
  const rows = 50_000;
  // 2024-01-01 is a Monday; 52 whole weeks, so each weekday has as many days.
  const chunks = await table(
    "columns:\n  d:\n    type: date\n    generator:\n      kind: datetime\n" +
      "      start: 2024-01-01\n      end: 2024-12-29\n" +
      `      weekday_weights: [${weights.join(", ")}]\n`,
    rows,
  );
  const counts = new Array<number>(7).fill(0);
  for (const v of nums(chunks, "d")) counts[weekday(v)]++;
  assert.equal(counts[5], 0, "a zero weight is never drawn");
  const total = weights.reduce((a, b) => a + b, 0);
  const probs = weights.map((w) => w / total);
  for (let k = 0; k < 7; k++) {
    assert.ok(Math.abs(counts[k] / rows - probs[k]) < 0.01, `weekday ${k}: ${counts[k]}`);
  }
  // Chi-square over the six drawn weekdays (5 df) below its 0.999 quantile (20.5).
  const drawn = [0, 1, 2, 3, 4, 6];
  assert.ok(
    chiSquare(drawn.map((k) => counts[k]), drawn.map((k) => probs[k])) < 20.5,
    JSON.stringify(counts),
  );
});

Deno.test("column min/max narrow a date generator's range; disjoint ranges are a config error", async () => {
  const chunks = await table(
    "columns:\n  d:\n    type: date\n    constraints: { min: 2024-06-10, max: 2024-06-12 }\n" +
      "    generator: { kind: datetime, start: 2024-06-01, end: 2024-06-30 }\n",
    2_000,
  );
  const values = new Set(nums(chunks, "d").map(formatDate));
  assert.deepEqual([...values].sort(), ["2024-06-10", "2024-06-11", "2024-06-12"]);
  const ps = problemsOf(sourcesOf(
    "columns:\n  d:\n    type: date\n    constraints: { min: 2024-06-10 }\n" +
      "    generator: { kind: datetime, start: 2024-01-01, end: 2024-02-01 }\n",
  ));
  assert.ok(ps.some((p) => /does not overlap/.test(p.message)), JSON.stringify(ps));
});

Deno.test("sequence, derived, conditional and step_time fill date columns in days", async () => {
  const chunks = await table(
    "columns:\n" +
      "  seq: { type: date, generator: { kind: sequence, start: 2024-02-27, step: 2 } }\n" +
      '  ship: { type: date, generator: { kind: derived, expr: "seq + 3" } }\n' +
      "  flag: { type: boolean, generator: { kind: boolean, rate: 0.5 } }\n" +
      "  cond:\n    type: date\n    generator:\n      kind: conditional\n      on: flag\n" +
      "      cases:\n        true: { kind: datetime, start: 2030-01-01, end: 2030-01-01 }\n" +
      "      otherwise: { kind: datetime, start: 1999-12-31, end: 1999-12-31 }\n" +
      "  acct: { type: string, generator: { kind: entity, layout: panel, count: 2, template: 'A{seq}' } }\n" +
      "  step: { type: date, generator: { kind: step_time, key: acct, start: 2024-01-05, every: business_day } }\n" +
      "checks:\n  - compare: ship > seq\n",
    6,
  );
  assert.deepEqual(nums(chunks, "seq").map(formatDate), [
    "2024-02-27",
    "2024-02-29",
    "2024-03-02",
    "2024-03-04",
    "2024-03-06",
    "2024-03-08",
  ]);
  assert.deepEqual(
    nums(chunks, "ship").map((v, i) => v - nums(chunks, "seq")[i]),
    [3, 3, 3, 3, 3, 3],
  );
  const flags = column(chunks, "flag");
  nums(chunks, "cond").forEach((v, i) => {
    assert.equal(formatDate(v), flags[i] === 1 ? "2030-01-01" : "1999-12-31");
  });
  // Panel steps: Friday 2024-01-05, then Monday 2024-01-08, Tuesday ...
  const steps = nums(chunks, "step").map(formatDate);
  assert.deepEqual(steps.filter((_, i) => i % 2 === 0), ["2024-01-05", "2024-01-08", "2024-01-09"]);
});

Deno.test("conditional on a date column: case keys are YYYY-MM-DD", async () => {
  const chunks = await table(
    "columns:\n" +
      "  d: { type: date, generator: { kind: datetime, start: 2024-01-01, end: 2024-01-02 } }\n" +
      "  n:\n    type: integer\n    generator:\n      kind: conditional\n      on: d\n" +
      "      cases:\n        2024-01-01: { kind: categorical, values: [1] }\n" +
      "      otherwise: { kind: categorical, values: [2] }\n",
    200,
  );
  const d = nums(chunks, "d").map(formatDate);
  nums(chunks, "n").forEach((n, i) => assert.equal(n, d[i] === "2024-01-01" ? 1 : 2));
  assert.ok(d.includes("2024-01-01") && d.includes("2024-01-02"));
  const ps = problemsOf(sourcesOf(
    "columns:\n  d: { type: date }\n  n:\n    type: integer\n    generator:\n" +
      "      kind: conditional\n      on: d\n      cases:\n        19723: { kind: categorical, values: [1] }\n" +
      "      otherwise: { kind: categorical, values: [2] }\n",
  ));
  assert.ok(ps.some((p) => /"19723" is not a possible value of date column "d"/.test(p.message)));
});

Deno.test("a date sequence that leaves the column's bounds is a config error in dates", () => {
  const ps = problemsOf(sourcesOf(
    "columns:\n  d:\n    type: date\n    constraints: { max: 2024-01-10 }\n" +
      "    generator: { kind: sequence, start: 2024-01-01 }\n",
  ));
  assert.ok(
    ps.some((p) => /runs from 2024-01-01 to 2026-09-26 over 1000 rows/.test(p.message)),
    JSON.stringify(ps),
  );
});

Deno.test("a date column joins a Gaussian copula through its inverse CDF", async () => {
  const chunks = await table(
    "columns:\n" +
      "  d: { type: date, generator: { kind: datetime, start: 2024-01-01, end: 2024-12-31 } }\n" +
      "  x: { type: float, generator: { kind: normal, mean: 0, std: 1 } }\n" +
      "correlations:\n  - columns: [d, x]\n    matrix: [[1, 0.8], [0.8, 1]]\n",
    5_000,
  );
  const d = nums(chunks, "d");
  const x = nums(chunks, "x");
  assert.ok(d.every((v) => Number.isInteger(v) && v >= 19723 && v <= 20088));
  const m = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const [md, mx] = [m(d), m(x)];
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < d.length; i++) {
    sxy += (d[i] - md) * (x[i] - mx);
    sxx += (d[i] - md) ** 2;
    syy += (x[i] - mx) ** 2;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  assert.ok(r > 0.7 && r < 0.85, String(r));
});
