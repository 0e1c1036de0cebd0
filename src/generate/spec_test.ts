import assert from "node:assert/strict";
import { BUILTIN_DATASETS } from "../builtin/mod.ts";
import { parseYaml } from "../strict_yaml/mod.ts";
import type { ColumnType } from "../data/mod.ts";
import type { ConfigProblem } from "../errors.ts";
import { parseCorrelations, parseDrift, parseGenerator } from "./mod.ts";
import { problemsOf, sourcesOf, specOf } from "../../tests/helpers/generate.ts";

/** 1-based line/col of the first occurrence of `needle` in `text`. */
function pos(text: string, needle: string, nth = 0): { line: number; col: number } {
  let at = -1;
  for (let k = 0; k <= nth; k++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not in text`);
  const before = text.slice(0, at).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

function gen(
  text: string,
  type: ColumnType = "float",
  extra: { nullable?: boolean; min?: number; max?: number; allowed?: string[] } = {},
) {
  const problems: ConfigProblem[] = [];
  const { root, ctx } = parseYaml(text, "schema.yaml", problems);
  const g = parseGenerator(root, ctx, {
    name: "x",
    type,
    nullable: extra.nullable ?? false,
    min: extra.min,
    max: extra.max,
    allowed: extra.allowed,
    field: "columns.x.generator",
  });
  return { g, problems };
}

function expectOne(
  text: string,
  needle: string,
  field: string,
  type: ColumnType = "float",
  extra = {},
) {
  const { g, problems } = gen(text, type, extra);
  assert.equal(g, undefined, `accepted: ${text}`);
  const p = problems.find((q) => q.field === field);
  assert.ok(p, `no problem for ${field}: ${JSON.stringify(problems)}`);
  assert.equal(p.loc.file, "schema.yaml");
  // A needle "key: value" points at the value.
  const at = pos(text, needle);
  const shift = needle.includes(": ") ? needle.indexOf(": ") + 2 : 0;
  assert.deepEqual({ line: p.loc.line, col: p.loc.col }, { line: at.line, col: at.col + shift });
}

Deno.test("valid generators parse into typed specs", () => {
  const { g, problems } = gen("kind: normal\nmean: 50\nstd: 10\ndecimals: 2\n");
  assert.deepEqual(problems, []);
  assert.equal(g?.kind, "normal");
  if (g?.kind === "normal") {
    assert.equal(g.mean, 50);
    assert.equal(g.std, 10);
    assert.equal(g.decimals, 2);
    assert.equal(g.truncation, "resample");
    assert.equal(g.loc.line, 1);
  }
  const c = gen(
    "{kind: categorical, values: [gold, silver, bronze], weights: [0.1, 0.3, 0.6]}",
    "string",
  );
  assert.deepEqual(c.problems, []);
  assert.equal(c.g?.kind, "categorical");
  const l = gen("{kind: lognormal, median: 40, sigma: 1}");
  assert.ok(l.g?.kind === "lognormal" && Math.abs(l.g.mu - Math.log(40)) < 1e-15);
});

Deno.test("unknown kind is rejected at the kind value", () => {
  expectOne("kind: zipf\na: 2\n", "zipf", "columns.x.generator.kind");
});

Deno.test("wrong parameter types are rejected at the value", () => {
  expectOne("kind: normal\nmean: 1\nstd: ten\n", "ten", "columns.x.generator.std");
  expectOne("kind: sequence\nstart: [1]\n", "[1]", "columns.x.generator.start", "integer");
  expectOne("kind: boolean\nrate: 1.5\n", "1.5", "columns.x.generator.rate", "boolean");
  expectOne("kind: person\npart: middle\n", "middle", "columns.x.generator.part", "string");
});

Deno.test("impossible parameters are rejected", () => {
  expectOne("kind: normal\nmean: 1\nstd: -2\n", "std: -2", "columns.x.generator.std");
  expectOne("kind: lognormal\nmu: 1\nsigma: 0\n", "sigma: 0", "columns.x.generator.sigma");
  expectOne("kind: exponential\nmean: -1\n", "mean: -1", "columns.x.generator.mean");
  expectOne("kind: poisson\nlambda: 0\n", "lambda: 0", "columns.x.generator.lambda", "integer");
  expectOne("kind: gamma\nshape: 2\nscale: -1\n", "scale: -1", "columns.x.generator.scale");
  expectOne("kind: beta\nalpha: 2\nbeta: 2\nmin: 5\nmax: 1\n", "max: 1", "columns.x.generator.max");
  expectOne("kind: uniform\nmin: 3\nmax: 3\n", "max: 3", "columns.x.generator.max", "float");
  expectOne(
    "kind: categorical\nvalues: [a, b]\nweights: [0, 0]\n",
    "[0, 0]",
    "columns.x.generator.weights",
    "string",
  );
  expectOne(
    "kind: categorical\nvalues: [a, b]\nweights: [1, -1]\n",
    "-1",
    "columns.x.generator.weights.1",
    "string",
  );
  expectOne(
    "kind: categorical\nvalues: [a, b, c]\nweights: [1, 2]\n",
    "[1, 2]",
    "columns.x.generator.weights",
    "string",
  );
  expectOne("kind: sequence\nstep: 0\n", "step: 0", "columns.x.generator.step", "integer");
  expectOne(
    "kind: datetime\nhour_weights: [1, 2]\n",
    "[1, 2]",
    "columns.x.generator.hour_weights",
    "datetime",
  );
});

Deno.test("unknown parameters, missing parameters and kind/type mismatches", () => {
  expectOne("kind: normal\nmean: 1\nstd: 1\nskew: 3\n", "skew", "columns.x.generator.skew");
  expectOne("kind: normal\nmean: 1\n", "kind", "columns.x.generator.std");
  expectOne(
    "kind: categorical\nvalues: [a]\n",
    "categorical",
    "columns.x.generator.kind",
    "datetime",
  );
  expectOne("kind: uuid\n", "uuid", "columns.x.generator.kind", "integer");
  expectOne("[1, 2]\n", "[1, 2]", "columns.x.generator");
  expectOne("mean: 1\n", "mean", "columns.x.generator.kind");
});

Deno.test("values must fit the column: allowed_values, integer values, bounds", () => {
  expectOne(
    "kind: categorical\nvalues: [a, zz]\n",
    "zz",
    "columns.x.generator.values.1",
    "string",
    { allowed: ["a", "b"] },
  );
  expectOne(
    "kind: categorical\nvalues: [1, 2.5]\n",
    "2.5",
    "columns.x.generator.values.1",
    "integer",
  );
  expectOne(
    "kind: categorical\nvalues: [1, 20]\n",
    "20",
    "columns.x.generator.values.1",
    "integer",
    {
      min: 0,
      max: 10,
    },
  );
});

Deno.test("datetimes need an explicit zone or a bare date", () => {
  expectOne(
    "kind: datetime\nstart: 2024-13-01\n",
    "2024-13-01",
    "columns.x.generator.start",
    "datetime",
  );
  expectOne(
    "kind: datetime\nstart: '2024-01-01T10:00:00'\n",
    "'2024",
    "columns.x.generator.start",
    "datetime",
  );
  const ok = gen(
    "kind: datetime\nstart: 2024-01-01\nend: '2024-02-01T00:00:00+01:00'\n",
    "datetime",
  );
  assert.deepEqual(ok.problems, []);
  assert.ok(ok.g?.kind === "datetime" && ok.g.start === Date.UTC(2024, 0, 1));
  assert.ok(ok.g?.kind === "datetime" && ok.g.end === Date.UTC(2024, 0, 31, 23));
});

Deno.test("derived expressions and templates are parsed at config time", () => {
  expectOne("kind: derived\nexpr: 'a + * b'\n", "'a + * b'", "columns.x.generator.expr");
  expectOne("kind: derived\nexpr: 'nope(a)'\n", "'nope(a)'", "columns.x.generator.expr");
  expectOne(
    "kind: template\ntemplate: 'TX-{foo}'\n",
    "'TX-{foo}'",
    "columns.x.generator.template",
    "string",
  );
  const t = gen("kind: template\ntemplate: 'TX-{seq:08}'\n", "string");
  assert.deepEqual(t.problems, []);
});

Deno.test("conditional: null cases need a nullable column; nested problems point inside", () => {
  const text =
    "kind: conditional\non: flag\ncases:\n  true: null\notherwise: {kind: normal, mean: 0, std: 1}\n";
  expectOne(text, "null", "columns.x.generator.cases.true");
  const ok = gen(text, "float", { nullable: true });
  assert.deepEqual(ok.problems, []);
  const nested =
    "kind: conditional\non: flag\ncases:\n  true: {kind: normal, mean: 0, std: -1}\notherwise: {kind: normal, mean: 0, std: 1}\n";
  expectOne(nested, "-1", "columns.x.generator.cases.true.std");
  expectOne(
    "kind: conditional\non: flag\ncases: {a: {kind: uuid}}\n",
    "kind",
    "columns.x.generator.otherwise",
    "string",
  );
});

Deno.test("correlations: shape, range, symmetry and positive semi-definiteness", () => {
  const parse = (text: string) => {
    const problems: ConfigProblem[] = [];
    const { root, ctx } = parseYaml(text, "schema.yaml", problems);
    return { out: parseCorrelations(root, ctx), problems };
  };
  const good = parse("- columns: [a, b]\n  matrix: [[1, 0.5], [0.5, 1]]\n");
  assert.deepEqual(good.problems, []);
  assert.equal(good.out.length, 1);
  const nonPsd =
    "- columns: [a, b, c]\n  matrix:\n    - [1, 0.9, -0.9]\n    - [0.9, 1, 0.9]\n    - [-0.9, 0.9, 1]\n";
  const r = parse(nonPsd);
  assert.equal(r.out.length, 0);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0].field, "correlations.0.matrix");
  assert.deepEqual(
    { line: r.problems[0].loc.line, col: r.problems[0].loc.col },
    pos(nonPsd, "- [1"),
  );
  const asym = parse("- columns: [a, b]\n  matrix: [[1, 0.5], [0.4, 1]]\n");
  assert.equal(asym.problems[0].field, "correlations.0.matrix");
  const range = parse("- columns: [a, b]\n  matrix: [[1, 1.5], [1.5, 1]]\n");
  assert.equal(range.problems[0].field, "correlations.0.matrix.0.1");
  const shape = parse("- columns: [a, b]\n  matrix: [[1, 0.5, 0], [0.5, 1, 0]]\n");
  assert.ok(shape.problems.some((p) => p.field === "correlations.0.matrix.0"));
});

Deno.test("drift entries: exactly one change per entry, valid amounts", () => {
  const parse = (text: string) => {
    const problems: ConfigProblem[] = [];
    const { root, ctx } = parseYaml(text, "evolution.yaml", problems);
    return { out: parseDrift(root, ctx), problems };
  };
  const good = parse(
    "- {column: a, shift: 2}\n- {column: b, scale: 1.1}\n- {column: c, mix: {x: 1}, per_version: 0.2}\n- {column: d, rate: 0.01}\n",
  );
  assert.deepEqual(good.problems, []);
  assert.deepEqual(good.out.map((d) => d.kind), ["shift", "scale", "mix", "rate"]);
  const two = parse("- {column: a, shift: 2, scale: 2}\n");
  assert.equal(two.problems[0].field, "drift.0");
  assert.equal(two.problems[0].loc.line, 1);
  const neg = parse("- {column: a}\n- {column: a, scale: -1}\n");
  assert.equal(neg.problems.length, 2);
  assert.equal(neg.problems[1].field, "drift.1.scale");
  assert.equal(neg.problems[1].loc.line, 2);
  const zero = parse("- {column: c, mix: {x: 0}}\n");
  assert.equal(zero.problems[0].field, "drift.0.mix");
});

const BASE = `columns:
  flag: {type: boolean}
  a: {type: float, generator: {kind: derived, expr: "b + 1"}}
  b: {type: float, generator: {kind: derived, expr: "a * 2"}}
`;

Deno.test("cross-column: dependency cycles are rejected with file:line", () => {
  const problems = problemsOf(sourcesOf(BASE));
  const p = problems.find((q) => q.message.includes("cycle"));
  assert.ok(p, JSON.stringify(problems));
  assert.equal(p.loc.file, "schema.yaml");
  assert.equal(p.loc.line, 3);
  assert.equal(p.field, "columns.a.generator");
});

Deno.test("cross-column: unknown references are rejected with file:line", () => {
  const schema = `columns:
  a: {type: float, generator: {kind: derived, expr: "ghost * 2"}}
  b:
    type: float
    generator:
      kind: conditional
      on: phantom
      cases: {x: {kind: normal, mean: 0, std: 1}}
      otherwise: {kind: normal, mean: 1, std: 1}
  c: {type: string, generator: {kind: email, from: nobody}}
`;
  const problems = problemsOf(sourcesOf(schema));
  const lines = problems.map((p) => [p.field, p.loc.line]);
  assert.deepEqual(lines, [
    ["columns.a.generator", 2],
    ["columns.b.generator", 6],
    ["columns.c.generator", 10],
  ]);
  assert.ok(problems[0].message.includes('"ghost"'));
});

Deno.test("cross-column: copula members, uniqueness, empty truncation and drift targets", () => {
  const schema = `columns:
  a: {type: float, generator: {kind: derived, expr: "1"}}
  b: {type: float, generator: {kind: normal, mean: 0, std: 1}}
  u: {type: string, unique: true, generator: {kind: categorical, values: [x, y]}}
  t: {type: float, constraints: {min: 0, max: 10}, generator: {kind: normal, mean: 1000, std: 1}}
  s: {type: string}
correlations:
  - columns: [a, b]
    matrix: [[1, 0.3], [0.3, 1]]
`;
  const evolution = "drift:\n  - {column: zz, shift: 1}\n  - {column: s, scale: 2}\n";
  const problems = problemsOf(sourcesOf(schema, evolution));
  const fields = problems.map((p) => `${p.loc.file}:${p.loc.line}:${p.field}`).sort();
  assert.deepEqual(
    fields,
    [
      "evolution.yaml:2:drift.0.column",
      "evolution.yaml:3:drift.1.column",
      "schema.yaml:4:columns.u.generator",
      "schema.yaml:5:columns.t.generator",
      "schema.yaml:8:correlations.0.columns",
    ],
  );
});

Deno.test("the built-in datasets and the README example parse", () => {
  assert.deepEqual([...BUILTIN_DATASETS.keys()], [
    "finance_transactions",
    "market_time_series",
    "retail_orders",
    "saas_events",
  ]);
  for (const [name, sources] of BUILTIN_DATASETS) {
    const spec = specOf(sources, name);
    assert.equal(spec.name, name);
    if (spec.tables) {
      // Multi-table: row counts of the root tables; children follow from per_parent.
      assert.deepEqual(spec.tables.map((t) => [t.name, t.spec.rowCount]), [
        ["customers", 20000],
        ["orders", 0],
        ["products", 500],
        ["order_lines", 0],
      ]);
    } else assert.equal(spec.rowCount, 10000);
  }
});

Deno.test("cross-column: sequences and datetime ranges must fit the column bounds", () => {
  const schema = `columns:
  id: {type: integer, constraints: {max: 50}, generator: {kind: sequence, start: 1}}
  t:
    type: datetime
    constraints: {min: "2024-01-01T00:00:00Z", max: "2024-12-31T00:00:00Z"}
    generator: {kind: datetime, start: 2025-01-01, end: 2025-06-01}
`;
  const problems = problemsOf(sourcesOf(schema, "", 100));
  assert.deepEqual(problems.map((p) => [p.field, p.loc.line]), [
    ["columns.id.generator", 2],
    ["columns.t.generator", 6],
  ]);
});
