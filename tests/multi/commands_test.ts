/**
 * The other commands on a multi-table dataset: publish plans one file per
 * table with its own schema; compare and fit say clearly that they do not
 * support it (exit 2) and write nothing, and so does ingest of a single file
 * (a multi-table ingest takes --table TABLE=FILE per table: ingest_test.ts).
 */
import assert from "node:assert/strict";
import { BUILTIN_DATASETS } from "../../src/builtin/mod.ts";
import { runInProcess } from "../fixtures/io.ts";
import { listTree, runCli, tempDir } from "../cli_harness.ts";

Deno.test("multi-table: publish --dry-run plans every table's file with its own columns", async () => {
  const cwd = await tempDir();
  const run = await runInProcess(["run", "retail_orders", "--run-id", "v1"], cwd);
  assert.equal(run.code, 0, run.stderr);
  const r = await runInProcess(
    ["publish", "retail_orders", "--dry-run", "--json", "--kaggle", "me/retail"],
    cwd,
  );
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout);
  const names = (plan.files as Array<{ name: string }>).map((f) => f.name);
  assert.deepEqual(names.filter((n) => n.endsWith(".parquet")), [
    "customers.parquet",
    "order_lines.parquet",
    "orders.parquet",
    "products.parquet",
  ]);
  // Each table's file carries its own column schema.
  const resources = plan.dataset_metadata.resources as Array<
    { path: string; schema?: { fields: Array<{ name: string }> } }
  >;
  const fields = (path: string) =>
    resources.find((x) => x.path === path)!.schema!.fields.map((f) => f.name);
  assert.deepEqual(fields("order_lines.parquet"), [
    "line_no",
    "order_id",
    "product_id",
    "quantity",
    "unit_price",
  ]);
  assert.deepEqual(fields("products.parquet"), ["category", "list_price", "product_id"]);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("multi-table: unsupported commands exit 2 with a clear message and write nothing", async (t) => {
  const cwd = await tempDir();
  const run = await runInProcess(["run", "retail_orders", "--run-id", "v1"], cwd);
  assert.equal(run.code, 0, run.stderr);
  await Deno.writeTextFile(`${cwd}/real.csv`, "a,b\n1,2\n3,4\n");
  const cases: Array<[string, string[], RegExp]> = [
    ["ingest", ["ingest", "real.csv", "--dataset", "retail_orders"], /multi-table dataset/],
    ["compare", ["compare", "retail_orders", "v1", "--real", "real.csv"], /multi-table version/],
    [
      "fit",
      ["fit", "retail_orders@v1", "--dataset", "t"],
      /multi-table version: fit one table by its file/,
    ],
  ];
  for (const [name, args, says] of cases) {
    await t.step(name, async () => {
      const before = await listTree(cwd);
      const r = await runInProcess(args, cwd, { files: /^real\.csv$|^parts$/ });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, says);
      assert.deepEqual(await listTree(cwd), before);
    });
  }
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("multi-table: a run that cannot fit is refused before anything is drawn or written", async () => {
  const cwd = await tempDir();
  const before = await listTree(cwd);
  // 10^10 customers: about 3 x 10^10 orders and 8.5 x 10^10 order lines, terabytes.
  const big = await runCli(["run", "retail_orders", "--rows", "10000000000"], { cwd });
  assert.equal(big.code, 2, big.stderr);
  assert.match(big.stderr, /rows: estimated [\d.]+ TiB uncompressed/);
  // 10^12 customers: more order lines than a table may hold.
  const huge = await runCli(["run", "retail_orders", "--rows", "1000000000000"], { cwd });
  assert.equal(huge.code, 2, huge.stderr);
  assert.match(huge.stderr, /more than the 1099511627776 \(2\^40\) a table may hold/);
  assert.deepEqual(await listTree(cwd), before);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("multi-table: a composite foreign key resolves on the written files", async () => {
  const cwd = await tempDir();
  const dir = `${cwd}/datasets/retail_orders`;
  await Deno.mkdir(dir, { recursive: true });
  const base = BUILTIN_DATASETS.get("retail_orders")!;
  await Deno.writeTextFile(`${dir}/dataset.yaml`, base["dataset.yaml"]);
  await Deno.writeTextFile(`${dir}/evolution.yaml`, base["evolution.yaml"]);
  await Deno.writeTextFile(
    `${dir}/schema.yaml`,
    base["schema.yaml"] + `  returns:
    primary_key: [order_id, line_no]
    foreign_keys:
      - columns: [order_id, line_no]
        references: { table: order_lines }
        per_parent: { kind: uniform, min: 0, max: 1 }
    columns:
      order_id: { type: integer }
      line_no: { type: integer }
      reason:
        type: string
        generator: { kind: categorical, values: [damaged, late, other], weights: [2, 1, 1] }
`,
  );
  const r = await runInProcess(["run", "retail_orders", "--run-id", "v1"], cwd);
  assert.equal(r.code, 0, r.stderr);
  const rel = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/retail_orders/v1/relations_report.json`),
  );
  const returns = rel.tables.find((t: { table: string }) => t.table === "returns");
  assert.equal(returns.primary_key.duplicates, 0);
  assert.equal(returns.foreign_keys[0].orphans, 0);
  assert.ok(returns.foreign_keys[0].rows > 50_000);
  assert.equal(returns.foreign_keys[0].per_parent.out_of_bounds, 0);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("multi-table: --json summarizes every table and --fail-on gates on the worst drift", async () => {
  const cwd = await tempDir();
  const v1 = await runInProcess(["run", "retail_orders", "--run-id", "v1", "--json"], cwd);
  assert.equal(v1.code, 0, v1.stderr);
  const first = JSON.parse(v1.stdout);
  assert.deepEqual(Object.keys(first.tables).sort(), [
    "customers",
    "order_lines",
    "orders",
    "products",
  ]);
  assert.equal(first.relations.orphans, 0);
  assert.equal(first.exit_code, 0);
  // products' list_price drifts 5 % per version (evolution.yaml): the gate fires on version 2.
  const v2 = await runInProcess(
    ["run", "retail_orders", "--run-id", "v2", "--json", "--fail-on", "warn"],
    cwd,
  );
  assert.equal(v2.code, 3, v2.stderr);
  const second = JSON.parse(v2.stdout);
  assert.equal(second.exit_code, 3);
  assert.equal(second.tables.products.drift.prior_version, "v1");
  assert.match(v2.stderr, /drift verdict \w+ reaches --fail-on warn/);
  // Gated, but finalized.
  assert.ok((await Deno.stat(`${cwd}/runs/retail_orders/v2/final_metadata.json`)).isFile);
  const dry = await runInProcess(["run", "retail_orders", "--run-id", "v3", "--dry-run"], cwd);
  assert.equal(dry.code, 2);
  assert.match(dry.stderr, /--dry-run not supported for multi-table datasets yet/);
  await Deno.remove(cwd, { recursive: true });
});
