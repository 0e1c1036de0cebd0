/**
 * The parallel producer writes the same data.parquet bytes as the streaming
 * encodeParquet path (generationProducer) for every worker count, and an
 * independent reader (DuckDB) reads it back exactly.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { BUILTIN_DATASETS } from "../../src/builtin/mod.ts";
import { parseDatasetSpec } from "../../src/config/parse.ts";
import type { DatasetSpec } from "../../src/model/mod.ts";
import { CHUNK_ROWS } from "../../src/data/mod.ts";
import { generateChunk, planGeneration } from "../../src/generate/mod.ts";
import { hashFile } from "../../src/hash/mod.ts";
import {
  emptyParquet,
  generationProducer,
  parallelGenerationProducer,
} from "../../src/parallel/mod.ts";
import { readFooter } from "../../src/parquet/stitch.ts";
import { arrowColumns, type ProduceContext, type Producer } from "../../src/pipeline/mod.ts";
import { runSeed } from "../../src/rng/mod.ts";

function builtin(name: string): DatasetSpec {
  return parseDatasetSpec(BUILTIN_DATASETS.get(name)!, {
    displayDir: `builtin:${name}/`,
    folderName: name,
    origin: "builtin",
  });
}

async function produce(
  producer: Producer,
  spec: DatasetSpec,
  rows: number,
  workers: number,
  formats: { parquet: boolean; csv: boolean } = { parquet: true, csv: false },
): Promise<{ dir: string; rows: number }> {
  const dir = await Deno.makeTempDir({ prefix: "sdp-par-" });
  const ctx: ProduceContext = {
    stagingDir: dir,
    columns: arrowColumns(spec),
    rowCount: rows,
    version: "v1",
    versionIndex: 2,
    workers,
    ...formats,
  };
  const r = await producer.produce(ctx);
  return { dir, rows: r.rows };
}

const ROWS = 3 * CHUNK_ROWS + 1234; // four row groups, the last one short

for (const name of ["finance_transactions", "saas_events"]) {
  Deno.test(`parallel producer: ${name} bytes equal the streaming write for 1, 2, 3 workers`, async () => {
    const spec = builtin(name);
    const ref = await produce(generationProducer(spec), spec, ROWS, 1);
    const want = await hashFile(`${ref.dir}/data.parquet`);
    for (const workers of [1, 2, 3]) {
      const got = await produce(parallelGenerationProducer(spec), spec, ROWS, workers);
      assert.equal(got.rows, ROWS);
      assert.deepEqual(await hashFile(`${got.dir}/data.parquet`), want, `workers=${workers}`);
      await Deno.remove(got.dir, { recursive: true });
    }
    await Deno.remove(ref.dir, { recursive: true });
  });
}

Deno.test("parallel producer: CSV (format both) equals the streaming producer's", async () => {
  const spec = builtin("finance_transactions");
  const both = { parquet: true, csv: true };
  const ref = await produce(generationProducer(spec), spec, CHUNK_ROWS + 77, 1, both);
  const got = await produce(parallelGenerationProducer(spec), spec, CHUNK_ROWS + 77, 2, both);
  for (const f of ["data.csv", "data.parquet"]) {
    assert.deepEqual(await hashFile(`${got.dir}/${f}`), await hashFile(`${ref.dir}/${f}`), f);
  }
  const csvOnly = await produce(parallelGenerationProducer(spec), spec, CHUNK_ROWS + 77, 2, {
    parquet: false,
    csv: true,
  });
  assert.deepEqual(
    await hashFile(`${csvOnly.dir}/data.csv`),
    await hashFile(`${ref.dir}/data.csv`),
  );
  for (const d of [ref.dir, got.dir, csvOnly.dir]) await Deno.remove(d, { recursive: true });
});

Deno.test("parallel producer: small tables (one partial chunk, exact chunk) match", async () => {
  const spec = builtin("market_time_series");
  for (const rows of [1, 1000, CHUNK_ROWS]) {
    const ref = await produce(generationProducer(spec), spec, rows, 1);
    const got = await produce(parallelGenerationProducer(spec), spec, rows, 2);
    assert.deepEqual(
      await hashFile(`${got.dir}/data.parquet`),
      await hashFile(`${ref.dir}/data.parquet`),
      `rows=${rows}`,
    );
    for (const d of [ref.dir, got.dir]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("parallel producer: zero rows gives a valid empty file with the schema", async () => {
  const spec = builtin("finance_transactions");
  const got = await produce(parallelGenerationProducer(spec), spec, 0, 2);
  assert.equal(got.rows, 0);
  const bytes = await Deno.readFile(`${got.dir}/data.parquet`);
  assert.deepEqual(bytes, await emptyParquet(arrowColumns(spec)));
  const footer = await readFooter(
    (o, n) => Promise.resolve(bytes.subarray(o, o + n)),
    bytes.length,
  );
  assert.equal(footer.numRows, 0);
  assert.deepEqual(footer.columns.map((c) => c.name), arrowColumns(spec).map((c) => c.name));
  await Deno.remove(got.dir, { recursive: true });
});

Deno.test("parallel producer: the first worker error stops the run and is rethrown", async () => {
  const spec = builtin("finance_transactions");
  const broken = parallelGenerationProducer(spec);
  const dir = await Deno.makeTempDir({ prefix: "sdp-par-" });
  await assert.rejects(
    broken.produce({
      stagingDir: dir,
      // A column the generator does not produce: every chunk fails in its worker.
      columns: [...arrowColumns(spec), { name: "zz_missing", type: "float", nullable: false }],
      rowCount: 4 * CHUNK_ROWS,
      version: "v1",
      versionIndex: 0,
      workers: 2,
      parquet: true,
      csv: false,
    }),
    /chunk \d+: chunk \d+ lacks column/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parallel producer: DuckDB reads row count, schema, sampled rows and statistics", async () => {
  const spec = builtin("finance_transactions");
  const got = await produce(parallelGenerationProducer(spec), spec, ROWS, 3);
  const path = `${got.dir}/data.parquet`;
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJS();
    const count = await q(`SELECT count(*) AS n FROM read_parquet('${path}')`);
    assert.equal(Number(count[0].n), ROWS);
    const schema = await q(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    assert.deepEqual(schema.map((r) => r.column_name), arrowColumns(spec).map((c) => c.name));

    // Sampled rows equal the generator's values (rows in three different row groups).
    const plan = planGeneration(spec);
    const ctx = {
      seedHex: await runSeed(spec.name, "v1"),
      rowCount: ROWS,
      versionIndex: 2,
      chunkRows: CHUNK_ROWS,
    };
    for (const row of [0, CHUNK_ROWS + 17, 3 * CHUNK_ROWS + 1233]) {
      const chunk = await generateChunk(plan, ctx, Math.floor(row / CHUNK_ROWS));
      const i = row % CHUNK_ROWS;
      const rec = (await q(
        `SELECT * FROM read_parquet('${path}', file_row_number = true) WHERE file_row_number = ${row}`,
      ))[0];
      for (const c of arrowColumns(spec)) {
        const col = chunk.columns.get(c.name)!;
        const v = rec[c.name];
        if (col.valid && !col.valid[i]) {
          assert.equal(v, null, `${c.name}@${row}`);
          continue;
        }
        const want = col.values[i];
        if (c.type === "datetime") assert.equal((v as Date).getTime(), want, `${c.name}@${row}`);
        else if (c.type === "integer") assert.equal(Number(v), want, `${c.name}@${row}`);
        else if (c.type === "boolean") assert.equal(v, want === 1, `${c.name}@${row}`);
        else assert.equal(v, want, `${c.name}@${row}`);
      }
    }

    // Column statistics in the footer agree with DuckDB's own aggregates.
    const bytes = await Deno.readFile(path);
    const footer = await readFooter(
      (o, n) => Promise.resolve(bytes.subarray(o, o + n)),
      bytes.length,
    );
    assert.equal(footer.numRows, ROWS);
    assert.equal(footer.rowGroups.length, 4);
    const numeric = arrowColumns(spec).filter((c) => c.type === "float" || c.type === "integer");
    assert.ok(numeric.length > 0);
    for (const c of numeric) {
      const j = footer.columns.findIndex((l) => l.name === c.name);
      const agg = (await q(
        `SELECT min("${c.name}") AS lo, max("${c.name}") AS hi, count(*) - count("${c.name}") AS nulls FROM read_parquet('${path}')`,
      ))[0];
      const st = footer.rowGroups.map((g) => g.columns[j]);
      const lo = st.map((s) => Number(s.min)).reduce((a, b) => Math.min(a, b));
      const hi = st.map((s) => Number(s.max)).reduce((a, b) => Math.max(a, b));
      const nulls = st.reduce((n, s) => n + (s.nullCount ?? 0), 0);
      assert.equal(Number(agg.lo), lo, `${c.name} min`);
      assert.equal(Number(agg.hi), hi, `${c.name} max`);
      assert.equal(Number(agg.nulls), nulls, `${c.name} nulls`);
    }
  } finally {
    con.closeSync();
    db.closeSync();
    await Deno.remove(got.dir, { recursive: true });
  }
});
