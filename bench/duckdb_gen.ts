/**
 * DuckDB baseline: generate the finance_transactions columns with SQL and COPY
 * them to one Parquet file (ZSTD). Distributions follow
 * datasets/finance_transactions/schema.yaml (label first, then class-conditional
 * lognormal / Poisson / gamma-like columns, weighted categoricals, 5 % missing
 * merchant_category).
 *
 *   deno run --allow-all bench/duckdb_gen.ts <rows> <out.parquet> [form]
 *
 * Forms (the timing covers every statement of the form):
 * - `range`: the SELECT reads `FROM range(N)` directly. DuckDB's range() source
 *   is not parallel, so the whole query runs on one thread.
 * - `table` (default): `CREATE TABLE ids AS SELECT range AS i FROM range(N)`
 *   first, then the same SELECT over `ids`; a table scan is parallel, so
 *   generation and the Parquet writer use every core, rows stay in id order.
 * - `unordered`: `table` with `SET preserve_insertion_order = false`, which
 *   lets the writer take row groups in any order (the file's rows are then not
 *   in id order, which sdp's are; reported for completeness).
 */
import { CATS } from "./common.ts";
import { DuckDBInstance } from "@duckdb/node-api";

const rows = Number(Deno.args[0] ?? 1_000_000);
const out = Deno.args[1] ?? "duckdb.parquet";
const FORMS = ["range", "table", "unordered"] as const;
type Form = typeof FORMS[number];
const form = (Deno.args[2] ?? "table") as Form;
if (!FORMS.includes(form)) throw new Error(`unknown form ${form}; use one of ${FORMS.join(", ")}`);
const source = form === "range" ? `(SELECT range AS i FROM range(${rows}))` : "ids";

// Standard normal from two uniforms (Box-Muller).
const N = "(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))";
// Weighted choice from cumulative weights.
function pick(u: string, values: string[], weights: number[]): string {
  let acc = 0;
  const cases = values.slice(0, -1).map((v, i) => {
    acc += weights[i];
    return `WHEN ${u} < ${acc.toFixed(6)} THEN '${v}'`;
  });
  return `CASE ${cases.join(" ")} ELSE '${values.at(-1)}' END`;
}
// Poisson by inversion of a normal approximation is cheap; DuckDB has no poisson().
const poisson = (l: number) => `greatest(0, round(${l} + sqrt(${l}) * ${N}))::BIGINT`;
// Gamma(k, theta) by a Wilson-Hilferty cube of a normal.
const gamma = (k: number, th: number) =>
  `greatest(0, round(${
    k * th
  } * pow(greatest(0, 1 - 1 / (9 * ${k}) + ${N} * sqrt(1 / (9 * ${k}))), 3)))::BIGINT`;

const sql = `
COPY (
  SELECT
    account_age_days, account_id, amount, currency, distance_from_home_km, is_fraud,
    is_online, merchant_category, "timestamp", transaction_id, txn_count_24h
  FROM (
    SELECT
      i + 1 AS transaction_id,
      (100000 + floor(random() * 5000))::BIGINT AS account_id,
      TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_milliseconds(floor(random() * 31622399000)::BIGINT) AS "timestamp",
      round(CASE WHEN f THEN 320 * exp(1.1 * ${N}) ELSE 38 * exp(${N}) END, 2) AS amount,
      ${pick("u1", ["USD", "EUR", "GBP", "CAD", "AUD"], [0.55, 0.2, 0.12, 0.08, 0.05])} AS currency,
      CASE WHEN random() < 0.05 THEN NULL WHEN f
        THEN ${pick("u2", CATS, [0.04, 0.04, 0.04, 0.2, 0.3, 0.3, 0.06, 0.02])}
        ELSE ${
  pick("u2", CATS, [0.3, 0.2, 0.12, 0.05, 0.05, 0.15, 0.08, 0.05])
} END AS merchant_category,
      random() < CASE WHEN f THEN 0.8 ELSE 0.3 END AS is_online,
      round(CASE WHEN f THEN 250 * exp(1.4 * ${N}) ELSE 6 * exp(1.2 * ${N}) END, 1) AS distance_from_home_km,
      CASE WHEN f THEN ${poisson(7)} ELSE ${poisson(1.5)} END AS txn_count_24h,
      CASE WHEN f THEN ${gamma(1.2, 120)} ELSE ${gamma(2.0, 450)} END AS account_age_days,
      f AS is_fraud
    FROM (SELECT i, random() < 0.02 AS f, random() AS u1, random() AS u2 FROM ${source})
  )
) TO '${out.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`;

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
const t0 = performance.now();
if (form === "unordered") await con.run("SET preserve_insertion_order = false");
if (form !== "range") await con.run(`CREATE TABLE ids AS SELECT range AS i FROM range(${rows})`);
await con.run(sql);
const ms = performance.now() - t0;
con.closeSync();
db.closeSync();
console.log(JSON.stringify({ rows, form, ms: Math.round(ms) }));
