/**
 * retail_orders end to end: the same bytes for every table with 1 and 3
 * workers; DuckDB reading the written files finds no orphan foreign key,
 * unique primary keys (one-column and composite), self-references to earlier
 * rows only, cross-table checks holding, children per parent following the
 * declared distributions, and the cross-table signal; `sdp verify` passes
 * and notices a changed table file; `--format csv` writes one CSV per table.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { runInProcess } from "../fixtures/io.ts";
import { tempDir } from "../cli_harness.ts";
import { hashFile } from "../../src/hash/mod.ts";
import type { RelationsReport } from "../../src/validate/relations.ts";

const TABLES = ["customers", "orders", "products", "order_lines"];
/** 30,000 customers: about 90,000 orders (2 chunks) and 255,000 order lines (4 chunks). */
const ROWS = "30000";

async function run(cwd: string, args: string[]): Promise<string> {
  const r = await runInProcess(["run", "retail_orders", "--run-id", "v1", ...args], cwd);
  assert.equal(r.code, 0, r.stderr);
  return `${cwd}/runs/retail_orders/v1`;
}

/** JSON of DuckDB rows (BigInt counts as numbers). */
function show(rows: unknown): string {
  return JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    return (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    con.closeSync();
  }
}

Deno.test("retail_orders: 1 and 3 workers write the same bytes for every table", async () => {
  const a = await tempDir();
  const b = await tempDir();
  const one = await run(a, ["--workers", "1", "--rows", ROWS]);
  const three = await run(b, ["--workers", "3", "--rows", ROWS]);
  for (const t of TABLES) {
    const x = await hashFile(`${one}/tables/${t}/data.parquet`);
    const y = await hashFile(`${three}/tables/${t}/data.parquet`);
    assert.deepEqual(x, y, t);
  }
  const meta = (dir: string) => Deno.readTextFile(`${dir}/final_metadata.json`);
  assert.equal(await meta(one), await meta(three));
  const relations = (dir: string) => Deno.readTextFile(`${dir}/relations_report.json`);
  assert.equal(await relations(one), await relations(three));
  await Deno.remove(a, { recursive: true });
  await Deno.remove(b, { recursive: true });
});

Deno.test("retail_orders: DuckDB finds every key holding on the written files", async () => {
  const cwd = await tempDir();
  const dir = await run(cwd, ["--rows", ROWS]);
  const f = (t: string) => `read_parquet('${dir}/tables/${t}/data.parquet')`;
  const one = async (sql: string) => Number(Object.values((await query(sql))[0])[0]);

  // Row counts agree with final_metadata.json.
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/final_metadata.json`));
  for (const t of TABLES) {
    assert.equal(await one(`SELECT count(*) FROM ${f(t)}`), meta.tables[t].row_count, t);
  }
  assert.equal(meta.tables.customers.row_count, 30000);

  // No orphan: every foreign key finds its parent.
  const orphans = [
    `SELECT count(*) FROM ${f("orders")} o LEFT JOIN ${
      f("customers")
    } c USING (customer_id) WHERE c.customer_id IS NULL`,
    `SELECT count(*) FROM ${f("order_lines")} l LEFT JOIN ${
      f("orders")
    } o USING (order_id) WHERE o.order_id IS NULL`,
    `SELECT count(*) FROM ${f("order_lines")} l LEFT JOIN ${
      f("products")
    } p USING (product_id) WHERE p.product_id IS NULL`,
    `SELECT count(*) FROM ${f("customers")} c LEFT JOIN ${
      f("customers")
    } r ON c.referred_by = r.customer_id WHERE c.referred_by IS NOT NULL AND r.customer_id IS NULL`,
  ];
  for (const sql of orphans) assert.equal(await one(sql), 0, sql);

  // Primary keys unique and not null (composite for order_lines).
  for (
    const [t, key] of [["customers", "customer_id"], ["orders", "order_id"], [
      "products",
      "product_id",
    ]]
  ) {
    assert.equal(
      await one(
        `SELECT count(*) - count(DISTINCT ${key}) + count(*) FILTER (WHERE ${key} IS NULL) FROM ${
          f(t)
        }`,
      ),
      0,
      t,
    );
  }
  assert.equal(
    await one(`SELECT count(*) - count(DISTINCT (order_id, line_no)) FROM ${f("order_lines")}`),
    0,
  );
  // line_no runs 1..n within each order.
  assert.equal(
    await one(
      `SELECT count(*) FROM (SELECT order_id, max(line_no) AS m, count(*) AS n FROM ${
        f("order_lines")
      } GROUP BY order_id) WHERE m <> n`,
    ),
    0,
  );

  // Aggregates of the children: each customer's order_count and each order's line_count.
  assert.equal(
    await one(
      `SELECT count(*) FROM ${f("customers")} c LEFT JOIN (SELECT customer_id, count(*) AS n FROM ${
        f("orders")
      } GROUP BY 1) o USING (customer_id) WHERE c.order_count <> coalesce(o.n, 0)`,
    ),
    0,
  );
  assert.equal(
    await one(
      `SELECT count(*) FROM ${f("orders")} o JOIN (SELECT order_id, count(*) AS n FROM ${
        f("order_lines")
      } GROUP BY 1) l USING (order_id) WHERE o.line_count <> l.n`,
    ),
    0,
  );

  // Self-reference: only earlier customers, about 20 % of rows set.
  assert.equal(
    await one(`SELECT count(*) FROM ${f("customers")} WHERE referred_by >= customer_id`),
    0,
  );
  const referred = await one(`SELECT avg((referred_by IS NOT NULL)::INT) FROM ${f("customers")}`);
  assert.ok(Math.abs(referred - 0.2) < 0.01, `referred share ${referred}`);

  // Cross-table check: an order comes after its customer's signup.
  assert.equal(
    await one(
      `SELECT count(*) FROM ${f("orders")} o JOIN ${
        f("customers")
      } c USING (customer_id) WHERE o.ordered_at < c.signup_at`,
    ),
    0,
  );

  // Children per parent: Poisson(3) on [0, 25] for orders per customer (customers without orders count as 0).
  const per = await query(
    `SELECT k, count(*) AS parents FROM (SELECT c.customer_id, count(o.order_id) AS k FROM ${
      f("customers")
    } c LEFT JOIN ${f("orders")} o USING (customer_id) GROUP BY 1) GROUP BY k ORDER BY k`,
  );
  const n = per.reduce((s, r) => s + Number(r.parents), 0);
  assert.equal(n, 30000);
  const mean = per.reduce((s, r) => s + Number(r.k) * Number(r.parents), 0) / n;
  const variance = per.reduce((s, r) => s + (Number(r.k) - mean) ** 2 * Number(r.parents), 0) / n;
  // Mean within 5 standard errors of 3; Poisson variance equals its mean.
  assert.ok(Math.abs(mean - 3) < 5 * Math.sqrt(3 / n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 3) < 0.15, `variance ${variance}`);
  // Chi-square against the Poisson pmf (bins k = 0..7 and 8+), 8 degrees of freedom: p > 0.001 means < 26.1.
  const pmf = (k: number) => Math.exp(-3) * 3 ** k / [1, 1, 2, 6, 24, 120, 720, 5040][k];
  let chi2 = 0;
  let tail = 1;
  for (let k = 0; k <= 8; k++) {
    const e = k < 8 ? pmf(k) * n : tail * n;
    if (k < 8) tail -= pmf(k);
    const o = per.filter((r) => (k < 8 ? Number(r.k) === k : Number(r.k) >= 8))
      .reduce((s, r) => s + Number(r.parents), 0);
    chi2 += (o - e) ** 2 / e;
  }
  assert.ok(chi2 < 26.1, `chi2 ${chi2}`);
  // Lines per order: the declared categorical weights [30, 25, 15, 10, 8, 6, 4, 2] / 100.
  const lines = await query(
    `SELECT n, count(*) AS orders FROM (SELECT order_id, count(*) AS n FROM ${
      f("order_lines")
    } GROUP BY 1) GROUP BY n ORDER BY n`,
  );
  const orders = meta.tables.orders.row_count;
  const weights = [30, 25, 15, 10, 8, 6, 4, 2];
  for (const r of lines) {
    const p = weights[Number(r.n) - 1] / 100;
    const sd = Math.sqrt(orders * p * (1 - p));
    assert.ok(Math.abs(Number(r.orders) - orders * p) < 5 * sd, `lines ${r.n}: ${r.orders}`);
  }
  // The report says the same.
  const rel = JSON.parse(
    await Deno.readTextFile(`${dir}/relations_report.json`),
  ) as RelationsReport;
  assert.equal(rel.passed, true);
  const fk = rel.tables.find((t) => t.table === "orders")!.foreign_keys[0];
  assert.equal(fk.orphans, 0);
  assert.equal(fk.per_parent!.parents, 30000);
  assert.ok(Math.abs(fk.per_parent!.mean - mean) < 1e-6);
  assert.equal(fk.per_parent!.matches, true);

  // Zipf-like popularity: the first product sells far more than the 100th.
  const sales = await query(
    `SELECT product_id, count(*) AS n FROM ${
      f("order_lines")
    } WHERE product_id IN (1000, 1099) GROUP BY 1 ORDER BY 1`,
  );
  assert.ok(Number(sales[0].n) > 20 * Number(sales[1].n), show(sales));

  // A signal across tables: premium customers return fewer orders and get larger discounts.
  const signal = await query(
    `SELECT segment, avg(is_returned::INT) AS returned, avg(discount_pct) AS discount FROM ${
      f("orders")
    } JOIN ${f("customers")} USING (customer_id) GROUP BY 1 ORDER BY 1`,
  );
  const [premium, standard] = signal;
  assert.equal(premium.segment, "premium");
  assert.ok(Number(premium.returned) < 0.06 && Number(standard.returned) > 0.12, show(signal));
  assert.ok(Number(premium.discount) > 2 * Number(standard.discount));
  // Line prices derive from the product's list price and the order's discount.
  assert.equal(
    await one(
      `SELECT count(*) FROM ${f("order_lines")} l JOIN ${f("products")} p USING (product_id) JOIN ${
        f("orders")
      } o USING (order_id) ` +
        `WHERE abs(l.unit_price - round(p.list_price * (1 - o.discount_pct / 100), 2)) > 0.011`,
    ),
    0,
  );

  // The report carries the table summary and the ER diagram.
  const html = await Deno.readTextFile(`${dir}/report.html`);
  assert.match(html, /<svg[^>]*aria-label="entity-relationship diagram"/);
  for (const t of TABLES) assert.match(html, new RegExp(`tables/${t}/report.html`));

  // verify passes, then notices a changed table file.
  const ok = await runInProcess(["verify", "retail_orders", "v1"], cwd);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const victim = `${dir}/tables/orders/data.parquet`;
  await Deno.chmod(victim, 0o644);
  const bytes = await Deno.readFile(victim);
  bytes[100] ^= 1;
  await Deno.writeFile(victim, bytes);
  const bad = await runInProcess(["verify", "retail_orders", "v1"], cwd);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, /tables\/orders\/data\.parquet/);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("retail_orders: --format csv writes one CSV per table and the relations still hold", async () => {
  const cwd = await tempDir();
  const dir = await run(cwd, ["--format", "csv"]);
  for (const t of TABLES) {
    const head = (await Deno.readTextFile(`${dir}/tables/${t}/data.csv`)).split("\n")[0];
    assert.ok(head.length > 0, t);
  }
  const rel = JSON.parse(
    await Deno.readTextFile(`${dir}/relations_report.json`),
  ) as RelationsReport;
  assert.equal(rel.passed, true);
  const f = (t: string) => `read_csv('${dir}/tables/${t}/data.csv', header = true)`;
  const rows = await query(
    `SELECT count(*) AS n FROM ${f("order_lines")} l LEFT JOIN ${
      f("orders")
    } o USING (order_id) WHERE o.order_id IS NULL`,
  );
  assert.equal(Number(rows[0].n), 0);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("retail_orders: a second version evaluates drift per table against the first", async () => {
  const cwd = await tempDir();
  await run(cwd, []);
  const r = await runInProcess(["run", "retail_orders", "--run-id", "v2"], cwd);
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/retail_orders/v2/final_metadata.json`),
  );
  assert.equal(meta.prior_version, "v1");
  assert.equal(meta.version_index, 1);
  const evaluation = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/retail_orders/v2/tables/products/evaluation_report.json`),
  );
  assert.equal(evaluation.prior_version, "v1");
  // list_price drifts by 5 % per version (evolution.yaml).
  assert.ok(
    evaluation.drift.columns.list_price,
    JSON.stringify(Object.keys(evaluation.drift.columns)),
  );
  await Deno.remove(cwd, { recursive: true });
});
