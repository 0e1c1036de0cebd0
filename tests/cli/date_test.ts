/**
 * The `date` column type end to end, through the real CLI with the release
 * permission flags: generated CSV and Parquet read back by DuckDB as DATE,
 * DuckDB-written CSV and Parquet ingested as `date` with identical profiles,
 * drift between versions, and a validation failure on an out-of-range date.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { runCli, tempDir } from "../cli_harness.ts";

const DATASET = {
  "dataset.yaml": "name: orders\ndomain: retail\ndescription: Orders with dates\nrow_count: 3000\n",
  "schema.yaml": `columns:
  order_id: { type: integer, unique: true }
  order_date:
    type: date
    constraints: { min: 2024-01-01, max: 2024-12-31 }
    generator:
      kind: datetime
      start: 2024-02-01
      end: 2024-02-29
      weekday_weights: [1, 1, 1, 1, 1, 4, 0]
  ship_date:
    type: date
    nullable: true
    generator: { kind: derived, expr: "order_date + floor(uniform(1, 6))" }
checks:
  - compare: ship_date > order_date
`,
  "evolution.yaml": "missingness: { ship_date: 0.1 }\n",
};

async function withDataset(): Promise<string> {
  const cwd = await tempDir("sdp-date-");
  await Deno.mkdir(`${cwd}/datasets/orders`, { recursive: true });
  for (const [name, text] of Object.entries(DATASET)) {
    await Deno.writeTextFile(`${cwd}/datasets/orders/${name}`, text);
  }
  return cwd;
}

async function readJson(path: string) {
  return JSON.parse(await Deno.readTextFile(path));
}

async function duck<T>(fn: (q: (sql: string) => Promise<unknown[][]>) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return await fn(async (sql) => (await conn.runAndReadAll(sql)).getRowsJson() as unknown[][]);
  } finally {
    conn.closeSync();
  }
}

Deno.test("sdp run: date columns are Parquet DATE and CSV YYYY-MM-DD, read by DuckDB; drift between versions", async () => {
  const cwd = await withDataset();
  const r1 = await runCli(["run", "orders", "--run-id", "v1", "--format", "both"], { cwd });
  assert.equal(r1.code, 0, r1.stderr + r1.stdout);
  const dir = `${cwd}/runs/orders/v1`;
  const csvHead = (await Deno.readTextFile(`${dir}/data.csv`)).split("\n").slice(0, 2);
  assert.equal(csvHead[0], "order_date,order_id,ship_date");
  assert.match(csvHead[1], /^2024-02-\d\d,1,(2024-0[23]-\d\d)?$/);

  await duck(async (q) => {
    const parquet = `'${dir}/data.parquet'`;
    const csv = `read_csv('${dir}/data.csv', header = true)`;
    // The Parquet logical type is DATE (INT32 days), and DuckDB sniffs the CSV as DATE too.
    for (const from of [parquet, csv]) {
      const types = await q(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`,
      );
      assert.deepEqual(types, [
        ["order_date", "DATE"],
        ["order_id", "BIGINT"],
        ["ship_date", "DATE"],
      ], from);
    }
    // Same values in both files, row by row.
    const diff = await q(
      `SELECT count(*) FROM (SELECT * FROM ${parquet} EXCEPT ALL SELECT * FROM ${csv})`,
    );
    assert.deepEqual(diff, [["0"]]);
    // The range [2024-02-01, 2024-02-29] (end inclusive), the check, the missingness.
    const stats = await q(
      `SELECT min(order_date)::VARCHAR, max(order_date)::VARCHAR, count(*), ` +
        `count(ship_date), count(*) FILTER (WHERE ship_date <= order_date), ` +
        `count(*) FILTER (WHERE dayofweek(order_date) = 0), ` +
        `count(*) FILTER (WHERE dayofweek(order_date) = 6) FROM ${parquet}`,
    );
    const [lo, hi, rows, shipped, bad, sundays, saturdays] = stats[0];
    assert.deepEqual([lo, hi, rows, bad, sundays], ["2024-02-01", "2024-02-29", "3000", "0", "0"]);
    assert.equal(Number(shipped), 2700);
    // February 2024 starts on a Thursday: five Thursdays, four of every other weekday. With
    // Saturday weight 4 (Sunday 0, others 1) Saturdays get 4 x 4 / (4 + 4 + 4 + 5 + 4 + 16).
    const share = Number(saturdays) / 3000;
    assert.ok(Math.abs(share - 16 / 37) < 0.03, String(share));
  });

  // Profile and report show the dates; a second version is compared with the first.
  const profile = await readJson(`${dir}/profile.json`);
  assert.equal(profile.columns.order_date.type, "date");
  assert.equal(profile.columns.order_date.numeric.min, Date.UTC(2024, 1, 1) / 86_400_000);
  const html = await Deno.readTextFile(`${dir}/report.html`);
  assert.match(html, /min 2024-01-01; max 2024-12-31/);
  assert.match(html, />2024-02-01</);

  const r2 = await runCli(["run", "orders", "--run-id", "v2"], { cwd });
  assert.equal(r2.code, 0, r2.stderr + r2.stdout);
  // Same config, another seed: sampling noise at most (3000 rows may warn), never drift.
  assert.match(r2.stdout, /order_date\s+date\s+0\.0%\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+-\s+(ok|warn)\n/);
  const ev = await readJson(`${cwd}/runs/orders/v2/evaluation_report.json`);
  assert.equal(ev.drift.columns.order_date.kind, "numeric");
  assert.notEqual(ev.drift.columns.order_date.status, "drift");
  assert.ok(ev.drift.columns.order_date.psi.value < 0.05);
  assert.equal(ev.drift.columns.ship_date.kind, "numeric");
  const v = await runCli(["verify", "orders", "v2", "--reproduce"], { cwd });
  assert.equal(v.code, 0, v.stderr + v.stdout);
  assert.match(v.stdout, /byte-identical/);
});

Deno.test("ingest DuckDB-written CSV and Parquet with a DATE column: date, same profile; drift; out-of-range date fails validation", async () => {
  const cwd = await tempDir("sdp-date-ingest-");
  await Deno.mkdir(`${cwd}/in`);
  const select = (shift: number) =>
    `SELECT i AS id, DATE '2024-12-05' + CAST((i * 7) % 40 + ${shift} AS INTEGER) AS day, ` +
    `CASE WHEN i % 9 = 0 THEN NULL ELSE DATE '1999-12-31' - CAST(i AS INTEGER) END AS born ` +
    `FROM range(400) t(i)`;
  await duck(async (q) => {
    await q(`COPY (${select(0)}) TO '${cwd}/in/a.csv' (HEADER)`);
    await q(`COPY (${select(0)}) TO '${cwd}/in/a.parquet' (FORMAT PARQUET)`);
    await q(`COPY (${select(30)}) TO '${cwd}/in/b.parquet' (FORMAT PARQUET)`);
    assert.deepEqual(
      await q(`SELECT column_type FROM (DESCRIBE SELECT day FROM '${cwd}/in/a.parquet')`),
      [["DATE"]],
    );
  });
  const csvText = await Deno.readTextFile(`${cwd}/in/a.csv`);
  assert.match(csvText, /^id,day,born\n0,2024-12-05,\n1,2024-12-12,1999-12-30\n/);

  const ingest = (file: string, dataset: string, version: string, more: string[] = []) =>
    runCli(["ingest", file, "--dataset", dataset, "--run-id", version, ...more], { cwd });
  const [c, p] = await Promise.all([
    ingest("in/a.csv", "from_csv", "v1"),
    ingest("in/a.parquet", "from_parquet", "v1"),
  ]);
  assert.equal(c.code, 0, c.stderr + c.stdout);
  assert.equal(p.code, 0, p.stderr + p.stdout);
  const schemaOf = async (dataset: string) => {
    const snap = await readJson(`${cwd}/runs/${dataset}/v1/configs_snapshot.json`);
    return [...(snap.files["schema.yaml"] as string).matchAll(
      /"(\w+)":\n\s+type: (\w+)\n\s+nullable: (\w+)/g,
    )].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
  };
  const want = ["born:date:true", "day:date:false", "id:integer:false"];
  assert.deepEqual(await schemaOf("from_csv"), want);
  assert.deepEqual(await schemaOf("from_parquet"), want);
  const pc = await readJson(`${cwd}/runs/from_csv/v1/profile.json`);
  const pp = await readJson(`${cwd}/runs/from_parquet/v1/profile.json`);
  assert.deepEqual(pc, pp);
  assert.equal(pc.columns.day.numeric.min, Date.UTC(2024, 11, 5) / 86_400_000);
  assert.equal(pc.columns.day.numeric.max, Date.UTC(2024, 11, 5) / 86_400_000 + 39);
  assert.equal(pc.columns.born.nulls, 45);

  // The same table 30 days later, ingested with the prior version's schema: the dates drifted.
  const b = await ingest("in/b.parquet", "from_parquet", "v2");
  assert.equal(b.code, 0, b.stderr + b.stdout);
  assert.match(b.stdout, /schema of the latest version v1/);
  const ev = await readJson(`${cwd}/runs/from_parquet/v2/evaluation_report.json`);
  assert.equal(ev.drift.columns.day.kind, "numeric");
  assert.equal(ev.drift.columns.day.status, "drift");
  assert.equal(ev.drift.columns.born.status, "ok");
  const d = await runCli(["diff", "from_parquet", "v1", "v2"], { cwd });
  assert.match(d.stdout, /day\s+date\s+0\.0%.*drift/);

  // A schema that bounds the dates: the shifted file has days after max, so validation fails.
  await Deno.writeTextFile(
    `${cwd}/bounded.yaml`,
    "columns:\n  id: { type: integer }\n  born: { type: date, nullable: true }\n" +
      "  day: { type: date, constraints: { min: 2024-12-01, max: 2025-01-20 } }\n",
  );
  const bad = await ingest("in/b.parquet", "bounded", "v1", ["--schema", "bounded.yaml"]);
  assert.equal(bad.code, 1, bad.stderr + bad.stdout);
  const kept = /Reports kept in (\S+?):/.exec(bad.stdout + bad.stderr);
  assert.ok(kept, bad.stdout + bad.stderr);
  const report = await readJson(`${cwd}/${kept[1]}/validation_report.json`);
  const max = report.columns.day.checks.max;
  // Row i holds 2024-12-05 + (7i mod 40) + 30 days, after 2025-01-20 (day 51 of December) when
  // 35 + (7i mod 40) > 51.
  const rows = Array.from({ length: 400 }, (_, i) => i);
  const expected = rows.filter((i) => 35 + ((i * 7) % 40) > 51);
  assert.ok(expected.length > 0 && expected.length < 400);
  assert.equal(max.violations, expected.length);
  assert.deepEqual(max.first_rows, expected.slice(0, max.first_rows.length));
  assert.equal(report.columns.day.checks.min.violations, 0);
  // Nothing was finalized for the failed version.
  const list = await runCli(["list"], { cwd });
  assert.doesNotMatch(list.stdout, /bounded\s+v1/);
});

Deno.test("date columns: two shards assemble byte-identical to one sdp run, and verify", async () => {
  const [one, sharded] = await Promise.all([withDataset(), withDataset()]);
  const rows = ["--rows", "70000"]; // two chunks of 65,536 rows
  const r1 = await runCli(["run", "orders", "--run-id", "v1", ...rows], { cwd: one });
  assert.equal(r1.code, 0, r1.stderr);
  const parts = await Promise.all([1, 2].map((i) =>
    runCli(
      ["run", "orders", "--run-id", "v1", ...rows, "--shard", `${i}/2`, "--parts-dir", "parts"],
      { cwd: sharded },
    )
  ));
  for (const p of parts) assert.equal(p.code, 0, p.stderr);
  const a = await runCli(["assemble", "orders", "--run-id", "v1", "--parts-dir", "parts"], {
    cwd: sharded,
  });
  assert.equal(a.code, 0, a.stderr + a.stdout);
  const meta = (cwd: string) => readJson(`${cwd}/runs/orders/v1/final_metadata.json`);
  const [m1, m2] = await Promise.all([meta(one), meta(sharded)]);
  assert.equal(m2.content_hash, m1.content_hash);
  assert.deepEqual(m2.files["data.parquet"], m1.files["data.parquet"]);
  const v = await runCli(["verify", "orders", "v1"], { cwd: sharded });
  assert.equal(v.code, 0, v.stdout + v.stderr);
});
