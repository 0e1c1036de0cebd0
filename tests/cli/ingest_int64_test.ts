/**
 * Integers beyond ±2^53 (ids such as snowflakes, hashes, int64 extremes)
 * keep every digit through ingest: CSV and Parquet written by DuckDB in,
 * data.parquet / data.csv out, read back by DuckDB, and uniqueness decided
 * on the exact values (distinct ids that share a float64 are not duplicates).
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { runCli, tempDir } from "../cli_harness.ts";

const IDS = [
  "-9223372036854775808",
  "-9007199254740993",
  "0",
  "9007199254740993",
  "9007199254740994",
  "1844674407370955161",
  "9223372036854775807",
];

async function duck() {
  const db = await DuckDBInstance.create(":memory:");
  return await db.connect();
}

async function column(sql: string): Promise<string[]> {
  const conn = await duck();
  const r = await conn.runAndReadAll(sql);
  const out = r.getRows().map((row) => String(row[0]));
  conn.closeSync();
  return out;
}

Deno.test("ingest keeps int64 beyond 2^53 exact: DuckDB CSV and Parquet in, DuckDB reads the same back", async () => {
  const cwd = await tempDir("sdp-int64-");
  await Deno.mkdir(`${cwd}/in`);
  const conn = await duck();
  const values = IDS.map((v, i) => `('${v}'::BIGINT, ${i})`).join(", ");
  const select = `SELECT id, n FROM (VALUES ${values}) t(id, n) ORDER BY n`;
  await conn.run(`COPY (${select}) TO '${cwd}/in/ids.csv' (HEADER)`);
  await conn.run(`COPY (${select}) TO '${cwd}/in/ids.parquet' (FORMAT parquet)`);
  conn.closeSync();

  for (const [file, dataset] of [["in/ids.csv", "csv_ids"], ["in/ids.parquet", "pq_ids"]]) {
    const r = await runCli(
      ["ingest", file, "--dataset", dataset, "--run-id", "v1", "--format", "both"],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const dir = `${cwd}/runs/${dataset}/v1`;
    const snap = JSON.parse(await Deno.readTextFile(`${dir}/configs_snapshot.json`));
    assert.match(snap.files["schema.yaml"], /"id":\n\s+type: integer/, file);
    assert.deepEqual(
      await column(`SELECT id::VARCHAR FROM '${dir}/data.parquet' ORDER BY n`),
      IDS,
      `${file}: data.parquet`,
    );
    assert.deepEqual(
      await column(`SELECT typeof(id) FROM '${dir}/data.parquet' LIMIT 1`),
      ["BIGINT"],
    );
    const csv = (await Deno.readTextFile(`${dir}/data.csv`)).trim().split("\n").slice(1);
    assert.deepEqual(csv.map((l) => l.split(",")[0]), IDS, `${file}: data.csv`);
    const v = await runCli(["verify", dataset, "v1"], { cwd });
    assert.equal(v.code, 0, v.stderr + v.stdout);
  }
});

Deno.test("uniqueness of ids beyond 2^53 is decided on exact values; a real duplicate is found", async () => {
  const cwd = await tempDir("sdp-int64u-");
  await Deno.mkdir(`${cwd}/in`);
  // 2^53 + 1 and 2^53 + 2 round to different floats, 2^53 + 1 and 2^53 share one.
  const distinct = "id\n9007199254740992\n9007199254740993\n9007199254740995\n";
  const dup = "id\n9007199254740992\n9007199254740993\n9007199254740993\n";
  await Deno.writeTextFile(`${cwd}/in/distinct.csv`, distinct);
  await Deno.writeTextFile(`${cwd}/in/dup.csv`, dup);
  await Deno.writeTextFile(
    `${cwd}/in/schema.yaml`,
    "columns:\n  id:\n    type: integer\n    nullable: false\n    unique: true\n",
  );
  const ok = await runCli(
    ["ingest", "in/distinct.csv", "--dataset", "u", "--run-id", "v1", "--schema", "in/schema.yaml"],
    { cwd },
  );
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  const report = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/u/v1/validation_report.json`),
  );
  assert.equal(report.columns.id.checks.unique.violations, 0);
  const bad = await runCli(
    ["ingest", "in/dup.csv", "--dataset", "u2", "--run-id", "v1", "--schema", "in/schema.yaml"],
    { cwd },
  );
  assert.notEqual(bad.code, 0, bad.stdout);
  assert.match(bad.stdout + bad.stderr, /unique/);
});

Deno.test("an integer column beyond int64 is text, not a rounded number", async () => {
  const cwd = await tempDir("sdp-int64s-");
  await Deno.mkdir(`${cwd}/in`);
  await Deno.writeTextFile(`${cwd}/in/big.csv`, "id\n1\n9223372036854775808\n");
  const r = await runCli(["ingest", "in/big.csv", "--dataset", "big", "--run-id", "v1"], { cwd });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const snap = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/big/v1/configs_snapshot.json`),
  );
  assert.match(snap.files["schema.yaml"], /"id":\n\s+type: string/);
});
