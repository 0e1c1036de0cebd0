import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { parseDatasetSpec } from "./parse.ts";
import type { ConfigSources } from "./spec.ts";

const GOOD: ConfigSources = {
  "dataset.yaml": [
    "name: finance_transactions",
    "domain: finance",
    "description: Synthetic transactional data for ML training",
    "row_count: 10000",
    "",
  ].join("\n"),
  "schema.yaml": [
    "columns:",
    "  transaction_id:",
    "    type: integer",
    "    nullable: false",
    "  amount:",
    "    type: float",
    "    nullable: false",
    "    constraints:",
    "      min: 0.01",
    "      max: 10000.0",
    "  is_fraud:",
    "    type: boolean",
    "    nullable: false",
    "",
  ].join("\n"),
  "evolution.yaml": "",
};

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

const BAD: Array<{
  name: string;
  over: Partial<ConfigSources>;
  file: string;
  line: number;
  col?: number;
  field: string;
}> = [
  {
    name: "malformed YAML",
    over: { "schema.yaml": "columns:\n  a: {type: integer\n" },
    file: "schema.yaml",
    line: 3,
    field: "",
  },
  {
    name: "duplicate key",
    over: { "dataset.yaml": GOOD["dataset.yaml"] + "row_count: 5\n" },
    file: "dataset.yaml",
    line: 5,
    col: 1,
    field: "",
  },
  {
    name: "unknown key",
    over: { "dataset.yaml": GOOD["dataset.yaml"] + "rows: 5\n" },
    file: "dataset.yaml",
    line: 5,
    col: 1,
    field: "rows",
  },
  {
    name: "wrong type (nullable)",
    over: {
      "schema.yaml": GOOD["schema.yaml"].replace(
        "nullable: false\n  amount",
        "nullable: nope\n  amount",
      ),
    },
    file: "schema.yaml",
    line: 4,
    col: 15,
    field: "columns.transaction_id.nullable",
  },
  {
    name: "unknown column type",
    over: { "schema.yaml": GOOD["schema.yaml"].replace("type: boolean", "type: bool") },
    file: "schema.yaml",
    line: 12,
    col: 11,
    field: "columns.is_fraud.type",
  },
  {
    name: "min > max",
    over: { "schema.yaml": GOOD["schema.yaml"].replace("min: 0.01", "min: 20000") },
    file: "schema.yaml",
    line: 9,
    col: 12,
    field: "columns.amount.constraints.min",
  },
  {
    name: "min not a number",
    over: { "schema.yaml": GOOD["schema.yaml"].replace("min: 0.01", "min: low") },
    file: "schema.yaml",
    line: 9,
    col: 12,
    field: "columns.amount.constraints.min",
  },
  {
    name: "rate above 1",
    over: { "evolution.yaml": "fraud_rate: 1.5\n" },
    file: "evolution.yaml",
    line: 1,
    col: 13,
    field: "fraud_rate",
  },
  {
    name: "rate below 0",
    over: {
      "schema.yaml": GOOD["schema.yaml"] + "  note:\n    type: string\n    nullable: true\n",
      "evolution.yaml": "missingness:\n  note: -0.1\n",
    },
    file: "evolution.yaml",
    line: 2,
    col: 9,
    field: "missingness.note",
  },
  {
    name: "missingness on a non-nullable column",
    over: { "evolution.yaml": "missingness:\n  amount: 0.1\n" },
    file: "evolution.yaml",
    line: 2,
    col: 3,
    field: "missingness.amount",
  },
  {
    name: "missingness on an unknown column",
    over: { "evolution.yaml": "missingness:\n  nope: 0.1\n" },
    file: "evolution.yaml",
    line: 2,
    col: 3,
    field: "missingness.nope",
  },
  {
    name: "row_count zero",
    over: { "dataset.yaml": GOOD["dataset.yaml"].replace("10000", "0") },
    file: "dataset.yaml",
    line: 4,
    col: 12,
    field: "row_count",
  },
  {
    name: "row_count fractional",
    over: { "dataset.yaml": GOOD["dataset.yaml"].replace("10000", "10.5") },
    file: "dataset.yaml",
    line: 4,
    col: 12,
    field: "row_count",
  },
  {
    name: "row_count a string",
    over: { "dataset.yaml": GOOD["dataset.yaml"].replace("10000", '"many"') },
    file: "dataset.yaml",
    line: 4,
    col: 12,
    field: "row_count",
  },
  {
    name: "name does not match folder",
    over: {
      "dataset.yaml": GOOD["dataset.yaml"].replace("name: finance_transactions", "name: other"),
    },
    file: "dataset.yaml",
    line: 1,
    col: 7,
    field: "name",
  },
  {
    name: "bad compare check",
    over: { "schema.yaml": GOOD["schema.yaml"] + "checks:\n  - compare: amount <= nothing\n" },
    file: "schema.yaml",
    line: 15,
    col: 14,
    field: "checks.0.compare",
  },
];

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
