/**
 * `sdp ingest --table TABLE=FILE ...` of a multi-table dataset: the tables
 * of a generated retail_orders version exported by DuckDB (CSV and Parquet)
 * come back as a new version with the same profiles that passes verify; a
 * file that breaks a foreign key fails (exit 1, nothing finalized); a
 * missing, unknown or extra table is exit 2 naming it.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { runInProcess } from "../fixtures/io.ts";
import { listTree, tempDir } from "../cli_harness.ts";

const TABLES = ["customers", "order_lines", "orders", "products"];
/** Each table's export: CSV for two, Parquet for the other two. */
const FILES: Record<string, string> = {
  customers: "customers.csv",
  orders: "orders.parquet",
  order_lines: "order_lines.csv",
  products: "products.parquet",
};

async function duck(sqls: string[]): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const sql of sqls) await conn.run(sql);
  conn.closeSync();
}

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));

/** `--table T=<cwd>/FILE` for each table (the harness prefixes whole arguments only). */
function tableArgs(cwd: string, files: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([t, f]) => ["--table", `${t}=${cwd}/${f}`]);
}

Deno.test("multi-table ingest: DuckDB exports of a version come back with the same profiles", async (t) => {
  const cwd = await tempDir();
  const run = await runInProcess(["run", "retail_orders", "--run-id", "v1", "--rows", "1500"], cwd);
  assert.equal(run.code, 0, run.stderr);
  const v1 = `${cwd}/runs/retail_orders/v1/tables`;
  await duck(
    TABLES.map((table) => {
      const to = `${cwd}/${FILES[table]}`;
      const fmt = to.endsWith(".csv") ? "(HEADER, DELIMITER ',')" : "(FORMAT PARQUET)";
      return `COPY (SELECT * FROM read_parquet('${v1}/${table}/data.parquet')) TO '${to}' ${fmt}`;
    }),
  );

  await t.step(
    "ingested as v2: same profile per table, provenance per table, verify passes",
    async () => {
      const r = await runInProcess(
        [
          "ingest",
          "--dataset",
          "retail_orders",
          "--run-id",
          "v2",
          ...tableArgs(cwd, FILES),
          "--json",
        ],
        cwd,
      );
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const out = JSON.parse(r.stdout);
      assert.equal(out.command, "ingest");
      assert.equal(out.relations.passed, true);
      assert.equal(out.relations.orphans, 0);
      assert.deepEqual(Object.keys(out.inputs).sort(), TABLES);
      assert.equal(out.inputs.orders.format, "parquet");
      assert.equal(out.inputs.customers.format, "csv");
      const v2 = `${cwd}/runs/retail_orders/v2`;
      const top = await readJson(`${v2}/final_metadata.json`);
      assert.equal(top.source, "ingested");
      for (const table of TABLES) {
        const a = await readJson(`${v1}/${table}/profile.json`);
        const b = await readJson(`${v2}/tables/${table}/profile.json`);
        assert.ok(Object.keys(a.columns).length >= 3, table);
        assert.deepEqual(b.columns, a.columns, table);
        assert.equal(b.rows, a.rows, table);
        assert.ok(a.rows > 0, table);
        const meta = await readJson(`${v2}/tables/${table}/final_metadata.json`);
        assert.equal(meta.source, "ingested");
        assert.equal(meta.provenance.file_name, FILES[table]);
        assert.equal(meta.provenance.bytes, (await Deno.stat(`${cwd}/${FILES[table]}`)).size);
        assert.match(meta.provenance.sha256, /^[0-9a-f]{64}$/);
        assert.equal(top.tables[table].row_count, meta.row_count, table);
      }
      const rel = await readJson(`${v2}/relations_report.json`);
      assert.equal(rel.passed, true);
      const verify = await runInProcess(["verify", "retail_orders", "v2"], cwd);
      assert.equal(verify.code, 0, verify.stderr + verify.stdout);
    },
  );

  await t.step("a broken foreign key fails naming it; nothing is finalized", async () => {
    await duck([
      `COPY (SELECT * REPLACE (CASE WHEN order_id = 3 THEN 999999 ELSE customer_id END AS customer_id)
        FROM read_parquet('${cwd}/orders.parquet') ORDER BY order_id) TO '${cwd}/orders_bad.parquet' (FORMAT PARQUET)`,
    ]);
    const registry = await Deno.readTextFile(`${cwd}/registry/datasets.json`);
    const r = await runInProcess(
      [
        "ingest",
        "--dataset",
        "retail_orders",
        "--run-id",
        "v3",
        ...tableArgs(cwd, { ...FILES, orders: "orders_bad.parquet" }),
      ],
      cwd,
    );
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stderr, /orders\.\(customer_id\) -> customers: 1 orphan row\(s\), first 2\b/);
    assert.match(r.stderr, /orders_bad\.parquet/);
    await assert.rejects(Deno.stat(`${cwd}/runs/retail_orders/v3`));
    assert.equal(await Deno.readTextFile(`${cwd}/registry/datasets.json`), registry);
  });

  await t.step(
    "a missing, unknown or extra table file is exit 2 naming it, nothing written",
    async () => {
      const { customers: _, ...noCustomers } = FILES;
      const cases: Array<[string[], RegExp]> = [
        [tableArgs(cwd, noCustomers), /no file for table\(s\) customers/],
        [tableArgs(cwd, { ...FILES, returns: "orders.parquet" }), /declares no table returns/],
        [[...tableArgs(cwd, FILES), "--table", "orders=orders.parquet"], /orders is given twice/],
        [["customers.csv"], /multi-table dataset.*--table TABLE=FILE/],
        [["customers.csv", ...tableArgs(cwd, FILES)], /not both/],
        [["--table", "customers"], /expected TABLE=FILE/],
      ];
      for (const [args, says] of cases) {
        const before = await listTree(cwd);
        const r = await runInProcess(
          ["ingest", "--dataset", "retail_orders", "--run-id", "v4", ...args],
          cwd,
          { files: /^customers\.csv$/ },
        );
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        assert.match(r.stderr, says);
        assert.deepEqual(await listTree(cwd), before);
      }
    },
  );
  await Deno.remove(cwd, { recursive: true });
});
