import assert from "node:assert/strict";
import type { ColumnType } from "../data/mod.ts";
import {
  checkKaggleMetadata,
  formatKaggleMetadata,
  KAGGLE_FIELD_TYPES,
  kaggleMetadata,
  kaggleSlug,
} from "./metadata.ts";

const input = {
  owner: "alice",
  name: "finance_transactions",
  description: "Synthetic card payments.",
  domain: "finance",
  keywords: ["synthetic", "finance"],
  columns: [
    { name: "ts", type: "datetime" as ColumnType, nullable: false, description: "UTC" },
    { name: "amount", type: "float" as ColumnType, nullable: true, description: "a|b" },
    { name: "approved", type: "boolean" as ColumnType, nullable: false },
  ],
  files: [
    { path: "data.parquet", description: "the table" },
    { path: "README.md" },
    { path: "extra.bin", tabular: true },
  ],
};

Deno.test("kaggleMetadata builds dataset-metadata.json", () => {
  const meta = kaggleMetadata(input);
  const fields = [
    { name: "amount", type: "number", description: "a|b" },
    { name: "approved", type: "boolean", description: "" },
    { name: "ts", type: "datetime", description: "UTC" },
  ];
  assert.deepEqual(meta, {
    title: "Finance Transactions",
    id: "alice/finance-transactions",
    licenses: [{ name: "CC0-1.0" }],
    description: [
      "Synthetic card payments.",
      "",
      "## Columns",
      "",
      "| name | type | nullable | description |",
      "| --- | --- | --- | --- |",
      "| amount | float | yes | a\\|b |",
      "| approved | boolean | no |  |",
      "| ts | datetime | no | UTC |",
    ].join("\n"),
    keywords: ["finance", "synthetic"],
    resources: [
      { path: "data.parquet", description: "the table", schema: { fields } },
      { path: "README.md" },
      { path: "extra.bin", schema: { fields } },
    ],
  });
  // Key order is fixed, so the file bytes are too.
  const text = formatKaggleMetadata(meta);
  assert.deepEqual(Object.keys(JSON.parse(text)), [
    "title",
    "id",
    "licenses",
    "description",
    "keywords",
    "resources",
  ]);
  assert.equal(text, formatKaggleMetadata(kaggleMetadata(input)));
  assert.ok(text.endsWith("}\n"));
  assert.deepEqual(checkKaggleMetadata(meta), []);
});

Deno.test("explicit title, slug, subtitle and license are kept", () => {
  const meta = kaggleMetadata({
    ...input,
    slug: "fin-tx-2025",
    title: "Card payments 2025",
    subtitle: "Twelve months of synthetic card payments",
    license: "CC-BY-SA-4.0",
  });
  assert.equal(meta.id, "alice/fin-tx-2025");
  assert.equal(meta.title, "Card payments 2025");
  assert.equal(meta.subtitle, "Twelve months of synthetic card payments");
  assert.deepEqual(meta.licenses, [{ name: "CC-BY-SA-4.0" }]);
  assert.deepEqual(Object.keys(meta).slice(0, 4), ["title", "id", "licenses", "subtitle"]);
});

Deno.test("sdp types map to Kaggle field types", () => {
  assert.deepEqual(KAGGLE_FIELD_TYPES, {
    string: "string",
    integer: "integer",
    float: "number",
    boolean: "boolean",
    datetime: "datetime",
    date: "datetime",
  });
});

Deno.test("kaggleSlug", () => {
  const cases: [string, string][] = [
    ["finance_transactions", "finance-transactions"],
    ["  Hello, World!  ", "hello-world"],
    ["a__b--c", "a-b-c"],
  ];
  for (const [name, want] of cases) assert.equal(kaggleSlug(name), want);
});

Deno.test("checkKaggleMetadata reports what Kaggle would reject", () => {
  const base = kaggleMetadata(input);
  const cases: [Partial<typeof base>, RegExp][] = [
    [{ id: "alice" }, /id must be "owner\/slug"/],
    [{ id: "alice/abc" }, /slug "abc" must be 6-50 characters \(has 3\)/],
    [{ id: "alice/Has_Upper" }, /only lowercase letters/],
    [{ title: "Tiny" }, /title must be 6-50/],
    [{ title: "x".repeat(51) }, /title must be 6-50 characters \(has 51\)/],
    [{ subtitle: "too short" }, /subtitle must be 20-80/],
    [{ licenses: [] }, /exactly one license/],
  ];
  for (const [patch, re] of cases) {
    const problems = checkKaggleMetadata({ ...base, ...patch });
    assert.equal(problems.length, 1, JSON.stringify(patch));
    assert.match(problems[0], re);
  }
});

Deno.test("default title and slug are valid for Kaggle whatever the dataset name's length", () => {
  const cases: [string, string, string][] = [
    ["tx", "Tx Synthetic Data", "tx-synthetic"],
    ["abc_d", "Abc D Synthetic Data", "abc-d-synthetic"],
    ["orders", "Orders", "orders"],
    ["finance_transactions", "Finance Transactions", "finance-transactions"],
    [
      "a_very_long_dataset_name_that_goes_past_the_fifty_character_limit",
      "A Very Long Dataset Name That Goes Past The Fifty",
      "a-very-long-dataset-name-that-goes-past-the-fifty",
    ],
  ];
  for (const [name, title, slug] of cases) {
    const meta = kaggleMetadata({ ...input, name });
    assert.equal(meta.title, title, name);
    assert.equal(meta.id, `alice/${slug}`, name);
    assert.deepEqual(checkKaggleMetadata(meta), [], name);
  }
  // An explicit title is kept, and checked.
  assert.deepEqual(checkKaggleMetadata(kaggleMetadata({ ...input, name: "tx", title: "Tx" })), [
    "title must be 6-50 characters (has 2)",
  ]);
});
