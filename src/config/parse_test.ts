import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { parseDatasetSpec } from "./parse.ts";
import type { ConfigSources } from "../model/mod.ts";
import { BAD, GOOD } from "../../tests/fixtures/bad_configs.ts";

function parse(over: Partial<ConfigSources>) {
  return parseDatasetSpec({ ...GOOD, ...over }, {
    displayDir: "",
    folderName: "finance_transactions",
    origin: "test",
  });
}

function problems(over: Partial<ConfigSources>) {
  try {
    parse(over);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("the seed README's dataset.yaml and schema.yaml parse unchanged", () => {
  const spec = parse({});
  assert.equal(spec.rowCount, 10000);
  assert.deepEqual(spec.columns.map((c) => c.name), ["amount", "is_fraud", "transaction_id"]);
  const amount = spec.columns[0];
  assert.equal(amount.min, 0.01);
  assert.equal(amount.max, 10000);
  assert.equal(amount.loc.line, 5);
});

Deno.test("the seed README's evolution.yaml parses with a schema that has its columns", () => {
  const spec = parse({
    "schema.yaml": GOOD["schema.yaml"] +
      "  merchant_category:\n    type: string\n    nullable: true\n",
    "evolution.yaml": "fraud_rate: 0.02          # 2% of rows marked as fraud\nmissingness:\n" +
      "  merchant_category: 0.05  # 5% nulls in this column\n",
  });
  assert.equal(spec.evolution.labelRates.get("is_fraud")?.rate, 0.02);
  assert.equal(spec.evolution.missingness.get("merchant_category")?.rate, 0.05);
});

for (const c of BAD) {
  Deno.test(`config rejects: ${c.name}`, () => {
    const ps = problems(c.over);
    const p = ps.find((x) => x.loc.file === c.file && x.field === c.field);
    assert.ok(p, `no problem for ${c.field} in ${JSON.stringify(ps)}`);
    assert.equal(p.loc.line, c.line, JSON.stringify(p));
    if (c.col !== undefined) assert.equal(p.loc.col, c.col, JSON.stringify(p));
    assert.ok(p.message.length > 10);
  });
}

Deno.test("every problem is reported at once", () => {
  const ps = problems({
    "dataset.yaml": GOOD["dataset.yaml"].replace("10000", "-1") + "extra: 1\n",
    "evolution.yaml": "fraud_rate: 2\n",
  });
  assert.deepEqual(ps.map((p) => p.field), ["row_count", "extra", "fraud_rate"]);
});

Deno.test("source_name: carried in ColumnSpec; a string, once per schema", () => {
  const schema = 'columns:\n  cost_total: {type: float, source_name: "Cost Total $"}\n' +
    "  id: {type: integer}\n";
  const spec = parse({ "schema.yaml": schema, "evolution.yaml": "" });
  assert.deepEqual(spec.columns.map((c) => [c.name, c.sourceName]), [
    ["cost_total", "Cost Total $"],
    ["id", undefined],
  ]);
  const cases: [string, string, RegExp][] = [
    [
      "columns:\n  a: {type: float, source_name: X}\n  b: {type: float, source_name: X}\n",
      "columns.b.source_name",
      /"X" is already the source_name of column "a"/,
    ],
    ["columns:\n  a: {type: float, source_name: [X]}\n", "columns.a.source_name", /string/],
  ];
  for (const [text, field, re] of cases) {
    const ps = problems({ "schema.yaml": text, "evolution.yaml": "" });
    assert.deepEqual(ps.map((p) => p.field), [field], text);
    assert.match(ps[0].message, re);
  }
});
